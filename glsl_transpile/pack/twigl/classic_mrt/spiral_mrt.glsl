#version 300 es
// spiral_mrt: hypnotic Archimedean double spiral with candy-striped arms and a pulsing core; target 1 encodes radius and angle
// features: MRT (two outputs), TEXTURE read texture(backbuffer0, uv), atan(y,x), mod, smoothstep, pow, user helper function
precision highp float;
uniform vec2 resolution;
uniform vec2 mouse;
uniform float time;
uniform sampler2D backbuffer0;
uniform sampler2D backbuffer1;
layout (location = 0) out vec4 outColor0;
layout (location = 1) out vec4 outColor1;

vec3 candy(float x) {
    return mix(vec3(0.95, 0.2, 0.35), vec3(1.0, 0.92, 0.8), smoothstep(0.35, 0.65, 0.5 + 0.5 * sin(x)));
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - resolution) / resolution.y;
    p *= 1.0 + 0.08 * sin(1.1 * time);
    float r = length(p);
    float a = atan(p.y, p.x);
    float turns = a / 6.2831853;
    // two interleaved arms: phase repeats every half turn
    float s = fract(2.0 * (3.0 * r - turns) - 0.45 * time);
    float arm = smoothstep(0.0, 0.08, s) * smoothstep(0.5, 0.42, s);
    float stripes = 40.0 * r - 3.0 * time + 4.0 * a;
    vec3 col = mix(vec3(0.08, 0.05, 0.2), candy(stripes), arm);
    col = mix(col, vec3(0.2, 0.8, 0.9), (1.0 - arm) * smoothstep(0.62, 0.5, s) * smoothstep(0.5, 0.55, s));
    float core = pow(max(1.0 - r / (0.22 + 0.05 * sin(4.0 * time)), 0.0), 1.5);
    col += vec3(1.0, 0.85, 0.4) * core;
    col *= smoothstep(1.7, 0.9, r) * 0.7 + 0.3;

    vec4 prev = texture(backbuffer0, gl_FragCoord.xy / resolution);
    outColor0 = vec4(mix(col, prev.rgb, 0.2) * prev.a, 1.0);
    outColor1 = vec4(r / 1.5, turns + 0.5, arm, 1.0);
}
