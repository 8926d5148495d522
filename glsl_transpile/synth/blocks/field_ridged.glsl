// @block field ridged
// @about ridged fractal noise: sharp crests like mountain ranges or veins
// @param frequency U(0.8, 2.5)
// @param gain U(0.4, 0.7)
// @param lacunarity U(1.8, 2.3)
// @param drift U(0.05, 0.4)
// @time
// @needs fbm
// @cost 2
vec2 field_ridged(vec2 p, float frequency, float gain, float lacunarity, float drift, float t) {
    float v = fbm_ridged(p * frequency + vec2(-t * drift, 0.5 * t * drift), gain, lacunarity);
    return vec2(clamp(v * 1.6, 0.0, 1.0), 0.75 + 0.25 * v);
}
