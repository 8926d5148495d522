// fbm_warp: two-stage domain-warped fractal value noise, a drifting marbled nebula
// features: uint integer hash with ^ and >> bit ops, user helper functions, fbm (5 octaves), mat2 rotation, smoothstep, mix

uint scramble(uint x) {
    x ^= x >> 16;
    x *= 0x6A09E667u;
    x ^= x >> 15;
    x *= 0xBB67AE85u;
    x ^= x >> 16;
    return x;
}

float latticeValue(ivec2 c) {
    uvec2 u = uvec2(c + 32768);            // keep the lattice index positive
    uint h = scramble(u.x ^ scramble(u.y + 0x51ED27u));
    return float(h >> 8) * (1.0 / 16777216.0);
}

float valueNoise(vec2 p) {
    vec2 i = floor(p);
    vec2 f = p - i;
    vec2 w = f * f * (3.0 - 2.0 * f);
    ivec2 c = ivec2(i);
    float a = latticeValue(c);
    float b = latticeValue(c + ivec2(1, 0));
    float d = latticeValue(c + ivec2(0, 1));
    float e = latticeValue(c + ivec2(1, 1));
    return mix(mix(a, b, w.x), mix(d, e, w.x), w.y);
}

float fbm(vec2 p) {
    const mat2 octaveTurn = mat2(0.80, 0.60, -0.60, 0.80);
    float sum = 0.0;
    float amp = 0.5;
    for (int i = 0; i < 5; i++) {
        sum += amp * valueNoise(p);
        p = octaveTurn * p * 2.03 + vec2(1.7, 9.2);
        amp *= 0.5;
    }
    return sum;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y * 1.6;
    float t = 0.12 * iTime;

    vec2 q = vec2(fbm(p + vec2(0.0, t)), fbm(p + vec2(5.2, 1.3) - t));
    vec2 r = vec2(fbm(p + 3.5 * q + vec2(1.7, 9.2) + 0.7 * t),
                  fbm(p + 3.5 * q + vec2(8.3, 2.8) - 0.5 * t));
    float v = fbm(p + 3.0 * r);

    vec3 col = mix(vec3(0.08, 0.05, 0.20), vec3(0.85, 0.35, 0.25), smoothstep(0.25, 0.75, v));
    col = mix(col, vec3(0.10, 0.55, 0.75), smoothstep(0.3, 1.0, length(q)) * 0.7);
    col = mix(col, vec3(1.0, 0.9, 0.6), smoothstep(0.55, 0.9, r.x) * 0.6);
    col *= 0.6 + 0.8 * v;
    fragColor = vec4(col, 1.0);
}
