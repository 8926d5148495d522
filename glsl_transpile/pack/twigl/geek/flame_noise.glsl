// flame_noise: a flickering campfire flame built from rising, sine-based turbulent noise, with ember sparks stepped by the frame counter
// features: TEXTURE read texture2D(b, uv) (darkens the smoke), frame uniform f, user helper functions (hash-free noise, fbm), mat2 rotation, smoothstep, pow
precision highp float;
uniform vec2 r;
uniform vec2 m;
uniform float t;
uniform float f;
uniform sampler2D b;

float wobble(vec2 p) {
    return sin(p.x + sin(1.3 * p.y)) * cos(0.9 * p.y + sin(1.7 * p.x));
}

float turbulence(vec2 p) {
    float s = 0.0;
    float a = 0.5;
    mat2 turn = mat2(0.8, 0.6, -0.6, 0.8);
    for (int i = 0; i < 5; i++) {
        s += a * abs(wobble(p));
        p = turn * p * 2.1 + vec2(0.3, -1.1);
        a *= 0.5;
    }
    return s;
}

void main() {
    vec2 uv = gl_FragCoord.xy / r;
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    vec2 q = vec2(p.x * 2.2, p.y * 1.6 - 1.9 * t);
    float n = turbulence(q * 1.4);
    // flame shape: narrow at the top, wobbling with the noise
    float y = p.y + 0.8;
    float width = 0.55 * (1.0 - smoothstep(0.0, 1.5, y)) + 0.05;
    float shape = 1.0 - smoothstep(0.0, 1.0, abs(p.x + 0.15 * (n - 0.5) * y) / width);
    float heat = shape * smoothstep(1.8, 0.0, y + 0.6 * n) * smoothstep(-0.3, 0.1, y);
    heat = clamp(heat * 1.6, 0.0, 1.0);
    vec3 col = vec3(1.5, 0.55, 0.12) * heat + vec3(0.5, 0.7, 1.0) * pow(heat, 6.0);
    col += vec3(0.08, 0.05, 0.04) * smoothstep(0.6, 1.8, y) * n;   // smoke

    // sparks: a few small dots that jump every 6 frames
    float step6 = floor(f / 6.0);
    for (float k = 0.0; k < 4.0; k++) {
        vec2 sp = vec2(0.3 * sin(1.7 * k + 0.37 * step6), mod(0.6 * t + 0.31 * k, 1.6) - 0.5);
        col += vec3(1.0, 0.6, 0.2) * 0.004 / (dot(p - sp, p - sp) + 0.002) * smoothstep(1.1, 0.4, sp.y) * smoothstep(-0.5, -0.25, sp.y);
    }
    vec4 prev = texture2D(b, uv);
    col = mix(col, prev.rgb, 0.15) * prev.a;
    gl_FragColor = vec4(col, 1.0);
}
