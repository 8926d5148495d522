// @block coord warp_noise
// @about domain warp: the point is pushed by two drifting noise values
// @param frequency U(0.8, 4.0)
// @param strength U(0.1, 0.9)
// @param drift U(0.1, 0.5)
// @time
// @needs noise
// @cost 2
vec2 coord_warp_noise(vec2 p, float frequency, float strength, float drift, float t) {
    vec2 q = p * frequency + vec2(t * drift, -0.7 * t * drift);
    vec2 push = vec2(noise_gradient(q), noise_gradient(q + vec2(5.2, 1.3))) - 0.5;
    return p + strength * push;
}
