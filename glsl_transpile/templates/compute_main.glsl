// Compute epilogue: the entry point (see glsl_transpile/kernel.py for the markers). Every name
// here starts with _k, and the user's macros are #undef'd before it, so that nothing the
// program defines can change this code.
/*@PARAM_STORAGE@*/
void _kZeroGlobals() {
    /*@ZERO_GLOBALS@*/
}

void main() {
    // Position in the tile from the subgroup lane, so that lane & 3 is the place in a quad
    // (requires full subgroups; the workgroup size is a multiple of every subgroup size).
    uint _kIdx = gl_SubgroupID * gl_SubgroupSize + gl_SubgroupInvocationID;
    uint _kQuad = _kIdx >> 2u;
    uint _kX = gl_WorkGroupID.x * _K_TILE_X + (_kQuad & 3u) * 2u + (_kIdx & 1u);
    uint _kY = gl_WorkGroupID.y * _K_TILE_Y + (_kQuad >> 2u) * 2u + ((_kIdx >> 1u) & 1u);
    _KFrame _kF = _kFrames[_kPush._kFrameBase + gl_WorkGroupID.z];
    _kSetUniforms(_kF, vec2(float(_kPush._kWidth), float(_kPush._kHeight)));
    _kFragCoord = vec4(float(_kX) + 0.5, float(_kY) + 0.5, 0.5, 1.0);
    _kZeroGlobals();
    // A program with latent parameters reads this sample's vector (glsl_transpile/theta.py);
    // every lane reaches this point, as the barrier in it requires.
    /*@PARAMS@*/
    // Every lane runs the user's code, even outside the image, so quads stay complete.
    /*@ENTRY@*/
    vec4 _kColor = /*@OUTPUT@*/;
    if (_kX < _kPush._kWidth && _kY < _kPush._kHeight) {
#ifdef _K_BUFFER_TARGET
        // a buffer pass: the colour as it is (float, alpha as written); a discarded pixel keeps
        // what this image of the double-buffered pair held; the loop-cap flag is one word
        if (!_kDiscarded) {
            imageStore(_kBufferOut, ivec2(_kX, _kY), _kColor);
        }
        if (_kLoopTicks >= _K_LOOP_CAP) {
            _kPixels[_kPush._kImageBase] = 1u;
        }
#else
        uint _kImage = _kPush._kImageBase + _kF._kOutIndex;
        uint _kRow = _kPush._kHeight - 1u - _kY;  // stored top-down
        uint _kAlpha = _kLoopTicks >= _K_LOOP_CAP ? _K_LOOP_CAPPED_ALPHA : _K_OPAQUE_ALPHA;
        _kPixels[(_kImage * _kPush._kHeight + _kRow) * _kPush._kWidth + _kX] =
            _kPackRgba8(_kDiscarded ? vec3(0.0) : _kColor.rgb, _kAlpha);
#endif
    }
}
