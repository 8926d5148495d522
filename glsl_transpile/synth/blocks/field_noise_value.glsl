// @block field noise_value
// @about value noise, drifting
// @param frequency U(1.5, 5.0)
// @param drift U(0.1, 0.8)
// @time
// @needs noise
// @cost 1
vec2 field_noise_value(vec2 p, float frequency, float drift, float t) {
    return vec2(noise_value(p * frequency + vec2(t * drift, 0.3 * t * drift)), 1.0);
}
