// @block field fbm_value
// @about fractal value noise with a slow rotation of the octave stack
// @param frequency U(1.0, 3.5)
// @param gain U(0.35, 0.65)
// @param lacunarity U(1.7, 2.4)
// @param drift U(0.05, 0.5)
// @time
// @needs fbm rotate
// @cost 2
vec2 field_fbm_value(vec2 p, float frequency, float gain, float lacunarity, float drift,
                     float t) {
    vec2 q = rotation(0.2 * t * drift) * p * frequency + vec2(0.0, t * drift);
    float v = fbm_value(q, gain, lacunarity);
    return vec2(clamp((v - 0.5) * 1.8 + 0.5, 0.0, 1.0), 1.0);
}
