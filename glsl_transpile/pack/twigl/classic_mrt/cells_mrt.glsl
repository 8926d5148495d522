#version 300 es
// cells_mrt: Manhattan-metric Voronoi crystals with drifting seeds and glowing diamond cores; target 1 stores cell id, F1 and F2-F1
// features: MRT (two outputs), TEXTURE read texture(backbuffer1, uv), uint hash with ^ and >>, PRECISION statement (precision highp int), ivec2 arithmetic, user helper functions, smoothstep
precision highp float;
precision highp int;
uniform vec2 resolution;
uniform vec2 mouse;
uniform float time;
uniform sampler2D backbuffer0;
uniform sampler2D backbuffer1;
layout (location = 0) out vec4 outColor0;
layout (location = 1) out vec4 outColor1;

uint hashCell(ivec2 c) {
    uvec2 u = uvec2(c + 10000);
    uint h = u.x * 0xBB67AE85u + (u.y ^ (u.x >> 3u)) * 0x6A09E667u;
    h ^= h >> 16u;
    h *= 0x7B3E5C19u;
    h ^= h >> 13u;
    return h;
}

vec2 unitPair(uint h) {
    return vec2(float(h & 1023u), float((h >> 10u) & 1023u)) / 1023.0;
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - resolution) / resolution.y * 2.7 + vec2(0.13 * time, -0.07 * time);
    ivec2 base = ivec2(floor(p));
    vec2 f = fract(p);
    float f1 = 9.0, f2 = 9.0;
    uint bestId = 0u;
    for (int j = -1; j <= 1; j++) {
        for (int i = -1; i <= 1; i++) {
            ivec2 c = base + ivec2(i, j);
            uint h = hashCell(c);
            vec2 r = unitPair(h);
            vec2 seed = vec2(ivec2(i, j)) + 0.5 + 0.35 * vec2(sin(0.9 * time + 6.28 * r.x), cos(0.7 * time + 6.28 * r.y));
            vec2 d = abs(seed - f);
            float m = d.x + d.y;                                 // Manhattan distance
            if (m < f1) { f2 = f1; f1 = m; bestId = h; }
            else if (m < f2) { f2 = m; }
        }
    }
    vec2 r = unitPair(bestId);
    float edge = smoothstep(0.0, 0.1, f2 - f1);
    vec3 cellCol = mix(vec3(0.2, 0.35, 0.8), vec3(0.95, 0.45, 0.3), r.x);
    cellCol = mix(cellCol, vec3(0.4, 0.9, 0.6), r.y * r.y);
    vec3 col = cellCol * (0.35 + 0.65 * smoothstep(0.9, 0.0, f1)) * edge;
    col += vec3(1.0, 0.95, 0.8) * smoothstep(0.12, 0.0, f1) * (0.5 + 0.5 * sin(3.0 * time + 6.28 * r.x));

    vec4 prev = texture(backbuffer1, gl_FragCoord.xy / resolution);
    outColor0 = vec4(mix(col, prev.rgb, 0.1) * prev.a, 1.0);
    outColor1 = vec4(r.x, clamp(f1, 0.0, 1.0), clamp(f2 - f1, 0.0, 1.0), 1.0);
}
