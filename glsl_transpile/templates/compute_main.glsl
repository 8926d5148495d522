// Compute epilogue: the entry point (see glsl_transpile/kernel.py for the markers).
void _kZeroGlobals() {
    /*@ZERO_GLOBALS@*/
}

void main() {
    // Position in the 8x8 tile from the subgroup lane, so that lane & 3 is the place in a quad
    // (requires full subgroups; the workgroup size is a multiple of every subgroup size).
    uint idx = gl_SubgroupID * gl_SubgroupSize + gl_SubgroupInvocationID;
    uint quad = idx >> 2u;
    uint x = gl_WorkGroupID.x * 8u + (quad & 3u) * 2u + (idx & 1u);
    uint y = gl_WorkGroupID.y * 8u + (quad >> 2u) * 2u + ((idx >> 1u) & 1u);
    _KFrame frame = _kFrames[_kPush.frame_base + gl_WorkGroupID.z];
    _kSetUniforms(frame, vec2(float(_kPush.width), float(_kPush.height)));
    _kFragCoord = vec4(float(x) + 0.5, float(y) + 0.5, 0.5, 1.0);
    _kZeroGlobals();
    // Every lane runs the user's code, even outside the image, so quads stay complete.
    /*@ENTRY@*/
    vec4 color = /*@OUTPUT@*/;
    if (x < _kPush.width && y < _kPush.height) {
        uint image = _kPush.image_base + frame.out_index;
        uint row = _kPush.height - 1u - y;  // stored top-down
        _kPixels[(image * _kPush.height + row) * _kPush.width + x] =
            _kPackRgba8(_kDiscarded ? vec3(0.0) : color.rgb);
    }
}
