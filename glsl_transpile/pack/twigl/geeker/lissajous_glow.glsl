// lissajous_glow: a neon Lissajous figure drawn as a glowing polyline whose frequency ratio slowly morphs, colour cycling along the curve
// features: ZERO-INIT locals (vec3 glow; float total; relied on as zero), PRECISION qualifier on declarations (lowp vec4, mediump float), user helper functions (curve, segment distance), float loop (48 segments), smoothstep
vec2 curve(float s) {
    float a = 3.0 + 0.5 * sin(0.2 * t);
    return vec2(0.85 * sin(a * s + 0.7 * t), 0.75 * sin(2.0 * s));
}

float segmentDistance(vec2 p, vec2 a, vec2 b) {
    vec2 ab = b - a;
    float h = clamp(dot(p - a, ab) / max(dot(ab, ab), 1e-6), 0.0, 1.0);
    return length(p - a - ab * h);
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    vec3 glow;          // zero-initialised accumulator
    float total;        // zero-initialised accumulator
    vec2 prev = curve(0.0);
    for (float i = 1.0; i <= 48.0; i++) {
        float s = i / 48.0 * 6.2831853;
        vec2 cur = curve(s);
        float d = segmentDistance(p, prev, cur);
        float w = 0.0005 / (d * d + 0.0005);
        vec3 hue = 0.5 + 0.5 * sin(vec3(0.0, 2.1, 4.2) + s + 0.8 * t);
        glow += hue * w;
        total += w;
        prev = cur;
    }
    mediump float haze = smoothstep(0.0, 3.0, total);
    lowp vec4 outC = vec4(glow * 0.6 + vec3(0.03, 0.02, 0.07) + vec3(0.1, 0.05, 0.2) * haze, 1.0);
    gl_FragColor = vec4(outC.rgb / (1.0 + 0.4 * outC.rgb), 1.0);
}
