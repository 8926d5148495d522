// menger_carpet: endless zoom into the corner of a mirrored Sierpinski carpet, each depth of holes in its own colour
// features: int arithmetic (int(), %, ==) on cell indices, pow, fract, mod, user helper function, smoothstep, abs mirroring
vec3 levelColour(float level) {
    return 0.55 + 0.45 * sin(vec3(0.0, 2.1, 4.2) + 1.3 * level);
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    float zt = 0.18 * t;
    float z = fract(zt);
    float baseLevel = floor(zt);
    // corner-centred zoom: the carpet near (0,0) repeats itself at 1/3 scale
    vec2 q = abs(p) * 0.62 / pow(3.0, z);
    vec3 col = vec3(0.93, 0.9, 0.85);
    float pw = 1.0;
    for (int k = 0; k < 6; k++) {
        pw *= 3.0;
        vec2 g = q * pw;
        int cx = int(floor(g.x));
        int cy = int(floor(g.y));
        bool hole = (cx % 3 == 1) && (cy % 3 == 1);
        if (hole) {
            // the deepest level fades in and the coarsest fades out with the zoom, so the wrap is seamless
            float alpha = k == 5 ? z : (k == 0 ? 1.0 - z : 1.0);
            // holes smaller than a couple of pixels fade away instead of aliasing
            float cellPixels = pow(3.0, z) / (pw * 0.62 * 2.0 / r.y);
            alpha *= smoothstep(1.5, 4.0, cellPixels);
            vec2 f = fract(g) - 0.5;
            float inner = smoothstep(0.5, 0.3, max(abs(f.x), abs(f.y)));
            vec3 c = levelColour(float(k) + baseLevel) * (0.55 + 0.45 * inner);     // absolute depth index
            col = mix(col, c, alpha);
        }
    }
    col *= 0.85 + 0.15 * cos(3.0 * length(p) - 1.5 * t);
    o = vec4(col, 1.0);
}
