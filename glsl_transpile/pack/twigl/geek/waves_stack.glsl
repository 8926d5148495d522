// waves_stack: stacked glowing ridge lines, each hiding the ones behind it, rippling like a pulsar plot in shifting colours
// features: ZERO-INIT locals (mediump vec3 c; float g; relied on as 0), PRECISION qualifier on declarations (mediump, lowp), user helper function, float loop, smoothstep, exp
precision highp float;
uniform vec2 r;
uniform vec2 m;
uniform float t;
uniform sampler2D b;

float ridge(float x, float i) {
    float d = (x - 0.5) * 3.4;
    float env = exp(-d * d);
    float w = 0.5 + 0.5 * sin(23.0 * x + 1.7 * i + 1.3 * t);
    w *= 0.6 + 0.4 * sin(9.0 * x - 0.7 * t + 0.5 * i);
    w += 0.35 * sin(5.0 * x + 0.9 * t - 0.3 * i);
    return env * w;
}

void main() {
    vec2 p = gl_FragCoord.xy / r;
    mediump vec3 c;        // zero-initialised: starts black
    float g;               // zero-initialised: accumulated glow
    lowp vec3 bg = vec3(0.02, 0.02, 0.05);
    for (float i = 0.0; i < 22.0; i++) {
        float y = 0.86 - i * 0.036 + 0.11 * ridge(p.x, i);
        // everything below this ridge is hidden by it
        c = mix(c, bg, smoothstep(y + 0.003, y - 0.003, p.y));
        float line = exp(-abs(p.y - y) * 420.0);
        vec3 tone = 0.6 + 0.4 * sin(vec3(0.0, 2.0, 4.0) + 0.25 * i + 0.4 * t);
        c += tone * line;
        g += exp(-abs(p.y - y) * 40.0) * 0.02;
    }
    c += vec3(0.3, 0.2, 0.6) * g;
    gl_FragColor = vec4(c, 1.0);
}
