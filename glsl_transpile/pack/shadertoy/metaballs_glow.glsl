// metaballs_glow: five orbiting 2D metaballs that merge into a glowing colour-blended blob with a rim light
// features: const arrays (vec3[5], vec2[5], float[5]), user helper function, smoothstep, pow, int loop

const vec3 ballColour[5] = vec3[5](
    vec3(1.00, 0.35, 0.30),
    vec3(0.30, 0.90, 0.50),
    vec3(0.30, 0.50, 1.00),
    vec3(1.00, 0.85, 0.25),
    vec3(0.85, 0.35, 1.00)
);
const vec2 ballFreq[5] = vec2[5](
    vec2(0.71, 0.93), vec2(1.13, 0.61), vec2(0.53, 1.27), vec2(0.97, 0.77), vec2(1.31, 1.05)
);
const float ballRadius[5] = float[5](0.30, 0.26, 0.34, 0.22, 0.28);

vec2 ballCentre(int i, float t) {
    vec2 fr = ballFreq[i];
    float ph = float(i) * 1.2566;
    return vec2(0.85 * sin(fr.x * t + ph), 0.6 * cos(fr.y * t + 2.0 * ph));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float field = 0.0;
    vec3 tint = vec3(0.0);
    for (int i = 0; i < 5; i++) {
        vec2 d = p - ballCentre(i, iTime);
        float r = ballRadius[i];
        float w = r * r / (dot(d, d) + 1e-3);
        field += w;
        tint += ballColour[i] * w;
    }
    tint /= field;                          // field >= small positive value, never zero

    float inside = smoothstep(0.95, 1.05, field);
    float rim = smoothstep(0.6, 1.0, field) * (1.0 - inside);
    float core = pow(clamp((field - 1.0) / 4.0, 0.0, 1.0), 0.5);

    vec3 bg = mix(vec3(0.03, 0.02, 0.06), vec3(0.08, 0.05, 0.14), p.y * 0.5 + 0.5);
    bg += 0.04 * sin(30.0 * field) * vec3(0.3, 0.3, 0.6) * smoothstep(0.2, 0.6, field) * (1.0 - inside);
    vec3 col = bg;
    col += tint * rim * 0.9;
    col = mix(col, tint * (0.55 + 0.6 * core), inside);
    col += vec3(1.0) * pow(core, 3.0) * 0.4;
    fragColor = vec4(col, 1.0);
}
