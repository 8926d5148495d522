// moire_circles: two drifting sets of concentric rings multiplying into shimmering moire fringes in complementary colours
// features: gl_FragCoord used directly (the fragCoord argument is ignored), user helper function, smoothstep, length

float rings(vec2 p, vec2 c, float freq) {
    return 0.5 + 0.5 * cos(freq * length(p - c));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * gl_FragCoord.xy - iResolution.xy) / iResolution.y;
    vec2 c1 = 0.45 * vec2(cos(0.43 * iTime), sin(0.31 * iTime));
    vec2 c2 = 0.45 * vec2(cos(0.29 * iTime + 2.0), sin(0.47 * iTime + 1.0));
    float a = rings(p, c1, 38.0);
    float b = rings(p, c2, 38.0 + 3.0 * sin(0.2 * iTime));
    float m = a * b;
    // low-frequency beat: the product averaged locally reveals the moire
    vec3 col = mix(vec3(0.05, 0.1, 0.35), vec3(1.0, 0.55, 0.15), m);
    col = mix(col, vec3(0.2, 0.95, 0.8), smoothstep(0.6, 1.0, a * (1.0 - b)) * 0.6);
    col *= 0.7 + 0.3 * smoothstep(1.8, 0.2, length(p));
    fragColor = vec4(col, 1.0);
}
