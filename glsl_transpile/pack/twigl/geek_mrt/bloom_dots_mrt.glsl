#version 300 es
// bloom_dots_mrt: LED dot-matrix panel showing interfering travelling waves with soft bloom; target 1 is the emissive bright pass
// features: MRT (o0 colour, o1 bright pass), TEXTURE read texture(b, uv), user helper function, float loop, smoothstep, exp
precision highp float;
uniform vec2 r;
uniform vec2 m;
uniform float t;
uniform sampler2D b;
layout (location = 0) out vec4 o0;
layout (location = 1) out vec4 o1;

float level(vec2 c) {
    float v = sin(0.9 * c.x + 1.7 * t) + sin(0.7 * c.y - 1.1 * t) + sin(0.5 * length(c - vec2(6.0 * sin(0.3 * t), 0.0)) - 2.0 * t);
    return clamp(v / 3.0 * 0.5 + 0.5, 0.0, 1.0);
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y * 7.3;
    vec3 emit = vec3(0.0);
    // own dot plus the eight neighbours for the bloom halo
    for (float j = -1.0; j <= 1.0; j++) {
        for (float i = -1.0; i <= 1.0; i++) {
            vec2 c = floor(p) + 0.5 + vec2(i, j);
            float v = level(c);
            vec3 tint = mix(vec3(0.1, 0.5, 1.0), vec3(1.0, 0.35, 0.6), v);
            float d = length(p - c);
            emit += tint * v * v * (smoothstep(0.33, 0.25, d) * 1.2 + 0.25 * exp(-3.0 * d));
        }
    }
    vec3 panel = vec3(0.04, 0.04, 0.06);
    vec3 col = panel + emit;
    vec4 prev = texture(b, gl_FragCoord.xy / r);
    o0 = vec4(mix(col, prev.rgb, 0.1) * prev.a, 1.0);
    float peak = max(emit.r, max(emit.g, emit.b));
    o1 = vec4(emit * smoothstep(0.3, 0.9, peak), 1.0);
}
