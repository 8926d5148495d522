// kifs_crystal: 2D kaleidoscopic IFS (fold, rotate, scale) forming a slowly morphing crystalline snowflake
// features: mat2 rotation, abs folding, user helper function, int loop, smoothstep, exp

mat2 spin(float a) {
    float c = cos(a), s = sin(a);
    return mat2(c, s, -s, c);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    p *= 1.35;
    p = spin(0.07 * iTime) * p;

    float scale = 1.0;
    float trap = 1e3;
    float ring = 1e3;
    float fold = 0.0;
    mat2 r = spin(0.6 + 0.25 * sin(0.4 * iTime));
    vec2 offset = vec2(0.55 + 0.1 * sin(0.3 * iTime), 0.32);
    for (int i = 0; i < 9; i++) {
        p = abs(p);
        if (p.x < p.y) p = p.yx;          // mirror across the diagonal (continuous)
        p = r * p;
        p = p * 1.42 - offset;
        scale *= 1.42;
        trap = min(trap, length(p) / scale);
        ring = min(ring, abs(length(p - vec2(0.2, 0.0)) - 0.3) / scale);
        fold += exp(-8.0 * abs(p.y));
    }
    // thin bright filaments from the ring trap, body colour from the point trap
    float filament = exp(-140.0 * ring);
    vec3 body = 0.55 + 0.45 * sin(vec3(0.2, 1.1, 2.3) + 3.0 * trap + 0.25 * fold + 0.5 * iTime);
    vec3 col = body * smoothstep(0.09, 0.0, trap) * 0.9;
    col += vec3(0.6, 0.85, 1.0) * filament;
    col += vec3(0.05, 0.03, 0.1) * fold * 0.12;
    col = col / (1.0 + col);           // soft tone map
    fragColor = vec4(pow(col, vec3(0.8)), 1.0);
}
