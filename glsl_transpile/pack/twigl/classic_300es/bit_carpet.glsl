#version 300 es
// bit_carpet: rotating, zooming XOR carpet: per-tile colours from integer bit tricks, bevelled tiles that pulse by their bit count
// features: uint/int arithmetic with bit ops (^, &, >>, %), PRECISION statement (precision highp int: 32-bit integer maths), ivec2, user helper function, mat2 rotation, smoothstep
precision highp float;
precision highp int;
uniform vec2 resolution;
uniform vec2 mouse;
uniform float time;
uniform sampler2D backbuffer;
out vec4 outColor;

uint bitsSet(uint v) {
    uint n = 0u;
    for (int k = 0; k < 6; k++) {
        n += (v >> uint(k)) & 1u;
    }
    return n;
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - resolution) / resolution.y;
    float a = 0.13 * time;
    float zoom = 6.3 + 1.7 * sin(0.29 * time);
    vec2 q = mat2(cos(a), sin(a), -sin(a), cos(a)) * p * zoom + vec2(0.71 * time, 0.37 * time);

    ivec2 cell = ivec2(floor(q)) + 4096;
    uint x = uint(cell.x), y = uint(cell.y);
    uint v = (x ^ y) & 63u;
    uint w = ((x * 3u) ^ (y >> 1u)) % 7u;
    uint n = bitsSet(v);

    vec3 base = 0.5 + 0.45 * sin(vec3(0.0, 2.1, 4.2) + float(v) * 0.21 + 0.9 * float(w));
    float pulse = 0.6 + 0.4 * sin(2.2 * time - float(n) * 1.1);
    vec2 f = fract(q) - 0.5;
    float bevel = smoothstep(0.5, 0.36, max(abs(f.x), abs(f.y)));
    float shade = 0.75 + 0.25 * (f.x - f.y);
    vec3 col = base * pulse * mix(0.35, 1.0, bevel) * shade;
    col = mix(col, vec3(1.0, 0.95, 0.8), (n == 3u ? 0.25 : 0.0) * bevel);
    outColor = vec4(col, 1.0);
}
