// @block field cellular
// @about cellular (Worley) noise with moving feature points: cells and their borders
// @param frequency U(1.5, 4.5)
// @param speed U(0.4, 1.5)
// @param border U(0.0, 1.0)
// @time
// @needs noise
// @cost 2
vec2 field_cellular(vec2 p, float frequency, float speed, float border, float t) {
    vec2 f = noise_cellular(p * frequency, t * speed);
    float value = mix(f.x, f.y - f.x, border);
    return vec2(clamp(value * 1.4, 0.0, 1.0), 0.7 + 0.3 * smoothstep(0.0, 0.1, f.y - f.x));
}
