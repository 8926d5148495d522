#version 300 es
// swirl_ink_mrt: marbled ink swirls from repeatedly rotating and bending the plane, in indigo, teal and gold; target 1 stores the warp displacement
// features: MRT (o0 colour, o1 warp field), TEXTURE read texture(b, uv), mat2 rotation inside a loop, user helper function, smoothstep, length
precision highp float;
uniform vec2 r;
uniform vec2 m;
uniform float t;
uniform sampler2D b;
layout (location = 0) out vec4 o0;
layout (location = 1) out vec4 o1;

mat2 rot(float a) {
    float c = cos(a), s = sin(a);
    return mat2(c, s, -s, c);
}

void main() {
    vec2 p0 = (gl_FragCoord.xy * 2.0 - r) / r.y * 1.6;
    vec2 p = p0;
    for (int i = 0; i < 7; i++) {
        float fi = float(i);
        // rotate by an amount that depends on the radius, then bend with a sine
        p = rot(0.35 * length(p) + 0.15 * t + fi) * p;
        p += 0.22 * sin(p.yx * (1.3 + 0.2 * fi) + vec2(0.5 * t, -0.4 * t) + fi);
    }
    float v = 0.5 + 0.5 * sin(3.0 * p.x + 2.0 * p.y);
    float w = 0.5 + 0.5 * sin(2.3 * p.y - 1.7 * p.x + 1.0);
    vec3 col = mix(vec3(0.06, 0.05, 0.25), vec3(0.1, 0.6, 0.65), smoothstep(0.2, 0.8, v));
    col = mix(col, vec3(0.95, 0.75, 0.3), smoothstep(0.75, 0.95, v * w));
    col *= 0.75 + 0.25 * w;
    vec4 prev = texture(b, gl_FragCoord.xy / r);
    o0 = vec4(mix(col, prev.rgb, 0.15) * prev.a, 1.0);
    vec2 disp = p - p0;
    o1 = vec4(0.5 + 0.2 * disp, smoothstep(0.0, 3.0, length(disp)), 1.0);
}
