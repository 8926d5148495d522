// polar_rose: nested rose curves (r = cos(k*theta)) with neon bands, spun by the frame counter and breathing with time
// features: iFrame (frame counter drives the rotation), atan(y,x), smoothstep, pow, mod, user helper function

float roseBand(float r, float a, float k, float scale, float width) {
    float target = scale * abs(cos(k * a));
    return smoothstep(width, 0.0, abs(r - target));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float r = length(p);
    // iFrame advances one step per frame: a slow frame-locked spin
    float spin = float(iFrame % 3600) * 0.004;
    float a = atan(p.y, p.x) + spin;

    float breathe = 0.8 + 0.12 * sin(1.3 * iTime);
    vec3 col = vec3(0.02, 0.01, 0.05);
    for (int i = 0; i < 4; i++) {
        float fi = float(i);
        float k = 2.0 + fi;                      // 4, 6, 8, 10 petals (|cos| doubles the count)
        float layerA = a * (fi + 1.0 > 2.5 ? -1.0 : 1.0) + 0.3 * fi * iTime * 0.2;
        float band = roseBand(r, layerA, k, breathe * (1.0 - 0.18 * fi), 0.035);
        vec3 tone = 0.55 + 0.45 * sin(vec3(0.0, 2.0, 4.0) + fi * 1.3 + 0.5 * iTime);
        col += tone * band * (1.0 - 0.15 * fi);
    }
    // petal fill glow
    float fill = pow(clamp(1.0 - r / (breathe * abs(cos(3.0 * a)) + 0.05), 0.0, 1.0), 2.0);
    col += vec3(0.35, 0.1, 0.4) * fill;
    // faint polar grid
    float grid = smoothstep(0.012, 0.0, 0.125 - abs(mod(r, 0.25) - 0.125));
    col += vec3(0.05, 0.08, 0.12) * grid;
    fragColor = vec4(col, 1.0);
}
