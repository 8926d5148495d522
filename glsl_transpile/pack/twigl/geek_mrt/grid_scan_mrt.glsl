#version 300 es
// grid_scan_mrt: retro sunset: a striped sun over layered mountains and a scrolling neon perspective grid; target 1 holds depth and grid mask
// features: MRT (o0 colour, o1 depth/mask), TEXTURE read texture(b, uv), user helper functions, analytic distance-scaled line widths, smoothstep, pow, abs/fract
precision highp float;
uniform vec2 r;
uniform vec2 m;
uniform float t;
uniform sampler2D b;
layout (location = 0) out vec4 o0;
layout (location = 1) out vec4 o1;

float gridLine(float x, float width) {
    float d = abs(fract(x) - 0.5);
    return smoothstep(0.5 - width, 0.5, d);
}

float ridge(float x, float k) {
    return 0.12 * sin(2.1 * x + k) + 0.06 * sin(5.3 * x - 1.7 * k) + 0.03 * sin(11.0 * x + k);
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    float horizon = -0.05;
    vec3 col;
    float depth = 1.0;
    float mask = 0.0;
    if (p.y > horizon) {
        float h = p.y - horizon;
        col = mix(vec3(0.95, 0.35, 0.45), vec3(0.15, 0.05, 0.3), smoothstep(0.0, 0.9, h));
        // sun with horizontal cut stripes that slide downwards
        vec2 sc = p - vec2(0.25 * sin(0.3 * t), 0.3 + 0.05 * sin(0.7 * t));
        float sun = smoothstep(0.42, 0.40, length(sc));
        float cut = step(0.0, sin(60.0 * p.y + 3.0 * t) + 1.4 - 6.0 * max(0.3 - p.y, 0.0) * 2.0);
        col = mix(col, mix(vec3(1.0, 0.85, 0.3), vec3(1.0, 0.3, 0.5), smoothstep(0.7, 0.0, p.y)), sun * cut);
        col += vec3(1.0, 0.4, 0.5) * 0.15 * exp(-3.0 * length(sc));
        // two mountain layers scrolling at different speeds
        float m1 = horizon + 0.18 + ridge(p.x + 0.23 * t, 1.0);
        float m2 = horizon + 0.08 + ridge(p.x * 1.7 + 0.61 * t, 4.0) * 0.7;
        col = mix(col, vec3(0.25, 0.08, 0.35), smoothstep(0.005, -0.005, p.y - m1));
        col = mix(col, vec3(0.1, 0.03, 0.18), smoothstep(0.005, -0.005, p.y - m2));
    } else {
        float h = horizon - p.y;                      // > 0 below the horizon
        float z = 0.35 / h;                            // distance along the floor
        vec2 g = vec2(p.x * z + 0.8 * sin(0.5 * t), z + 1.3 * t);
        float w = clamp(0.02 * z, 0.02, 0.45);         // widen lines with distance to limit aliasing
        float lines = max(gridLine(g.x, w), gridLine(g.y, w));
        float fade = exp(-0.08 * z);
        vec3 neon = mix(vec3(1.0, 0.2, 0.85), vec3(0.2, 0.9, 1.0), 0.5 + 0.5 * sin(0.6 * t));
        col = mix(vec3(0.05, 0.0, 0.1), neon, lines * fade);
        col += vec3(0.6, 0.1, 0.5) * pow(1.0 - min(h * 3.0, 1.0), 6.0) * 0.6;
        depth = clamp(z / 20.0, 0.0, 1.0);
        mask = lines * fade;
    }
    vec4 prev = texture(b, gl_FragCoord.xy / r);
    o0 = vec4(mix(col, prev.rgb, 0.1) * prev.a, 1.0);
    o1 = vec4(depth, mask, 0.5 + 0.5 * p.y, 1.0);
}
