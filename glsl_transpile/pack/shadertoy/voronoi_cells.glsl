// voronoi_cells: animated Worley/Voronoi cells with wandering seeds, per-cell colours and dark anti-seam borders
// features: uint hash with ^ and >> bit ops, ivec2 int arithmetic, user helper functions, smoothstep, sqrt

uvec2 mixPair(uvec2 v) {
    v = v * 0x6A09E667u + uvec2(0x3C6EF372u, 0xA54FF53Au);
    v.x += v.y * 0xBB67AE85u;
    v.y += v.x * 0x510E527Fu;
    v ^= v >> 16u;
    v.x += v.y * 0xBB67AE85u;
    v.y += v.x * 0x510E527Fu;
    v ^= v >> 16u;
    return v;
}

vec2 seedOffset(ivec2 cell) {
    uvec2 h = mixPair(uvec2(cell + 4096));
    return vec2(h >> 8u) * (1.0 / 16777216.0);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y * 3.1 + vec2(0.23 * iTime, 0.11 * iTime);
    ivec2 base = ivec2(floor(p));
    vec2 f = p - floor(p);

    float d1 = 9.0, d2 = 9.0;
    vec2 best = vec2(0.0);
    for (int j = -1; j <= 1; j++) {
        for (int i = -1; i <= 1; i++) {
            ivec2 c = base + ivec2(i, j);
            vec2 h = seedOffset(c);
            vec2 seed = vec2(float(i), float(j)) + 0.5 + 0.4 * sin(iTime * (0.6 + 0.5 * h) + 6.2831 * h);
            float d = dot(seed - f, seed - f);
            if (d < d1) { d2 = d1; d1 = d; best = h; }
            else if (d < d2) { d2 = d; }
        }
    }
    float a = sqrt(d1), b = sqrt(d2);
    float border = smoothstep(0.0, 0.12, b - a);
    vec3 cellCol = 0.5 + 0.45 * sin(vec3(0.0, 2.1, 4.2) + 6.2831 * best.x + 0.3 * iTime);
    vec3 col = cellCol * (1.0 - 0.6 * a) * border;
    col += vec3(1.0, 0.9, 0.7) * smoothstep(0.12, 0.0, a) * 0.8;   // glowing seed
    fragColor = vec4(col, 1.0);
}
