// @block field noise_simplex
// @about simplex-lattice noise, drifting
// @param frequency U(1.2, 4.5)
// @param drift U(0.1, 0.8)
// @time
// @needs noise
// @cost 1
vec2 field_noise_simplex(vec2 p, float frequency, float drift, float t) {
    return vec2(noise_simplex(p * frequency - vec2(0.4 * t * drift, t * drift)), 1.0);
}
