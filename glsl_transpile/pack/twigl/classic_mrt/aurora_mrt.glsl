#version 300 es
// aurora_mrt: curtains of green and magenta aurora rippling over a starry dusk horizon; target 1 holds the curtain mask and height
// features: MRT (two outputs), TEXTURE reads texture(backbuffer0, uv) and texture(backbuffer1, uv), user helper functions, const float array, smoothstep, exp, pow
precision highp float;
uniform vec2 resolution;
uniform vec2 mouse;
uniform float time;
uniform sampler2D backbuffer0;
uniform sampler2D backbuffer1;
layout (location = 0) out vec4 outColor0;
layout (location = 1) out vec4 outColor1;

const float layerSpeed[4] = float[4](0.31, -0.23, 0.17, 0.41);

float curtainLine(float x, float k, float t) {
    return 0.15 * sin(1.7 * x + t + k) + 0.08 * sin(3.9 * x - 1.3 * t + 2.0 * k) + 0.04 * sin(8.3 * x + 0.7 * t);
}

void main() {
    vec2 uv = gl_FragCoord.xy / resolution;
    vec2 p = (gl_FragCoord.xy * 2.0 - resolution) / resolution.y;

    vec3 sky = mix(vec3(0.02, 0.03, 0.08), vec3(0.12, 0.08, 0.2), smoothstep(0.4, -0.8, p.y));
    // a sprinkle of static stars from a smooth interference pattern (no hashing)
    float st = sin(47.0 * p.x + 13.0 * sin(9.0 * p.y)) * sin(53.0 * p.y + 11.0 * sin(7.0 * p.x));
    sky += vec3(0.8) * smoothstep(0.96, 1.0, st) * smoothstep(-0.2, 0.5, p.y);

    float mask = 0.0;
    vec3 glow = vec3(0.0);
    for (int i = 0; i < 4; i++) {
        float k = float(i);
        float base = 0.25 + 0.12 * k + curtainLine(p.x, k * 1.9, layerSpeed[i] * 3.0 * time);
        float above = p.y - base;
        // sharp lower edge, long soft tail upwards, vertical rays
        float body = exp(-abs(above) * (above < 0.0 ? 22.0 : 3.5));
        float rays = 0.55 + 0.45 * sin(30.0 * p.x + 4.0 * sin(2.0 * p.x + time + k) - 0.8 * time);
        float a = body * rays * (0.6 + 0.4 * sin(0.8 * time + k));
        vec3 tint = mix(vec3(0.15, 1.0, 0.45), vec3(0.85, 0.25, 0.9), smoothstep(0.0, 0.5, above) * (0.4 + 0.2 * k));
        glow += tint * a * 0.7;
        mask = max(mask, a);
    }
    vec3 col = sky + glow;
    // horizon silhouette
    float hill = -0.7 + 0.06 * sin(3.0 * p.x) + 0.03 * sin(7.0 * p.x + 1.0);
    col = mix(col, vec3(0.01, 0.01, 0.02), smoothstep(hill + 0.01, hill - 0.01, p.y));

    vec4 prev0 = texture(backbuffer0, uv);
    vec4 prev1 = texture(backbuffer1, uv);
    outColor0 = vec4(mix(col, prev0.rgb, 0.15) * prev0.a, 1.0);
    outColor1 = vec4(mask, smoothstep(-0.7, 1.0, p.y), prev1.a * 0.5 + 0.5 * mask, 1.0);
}
