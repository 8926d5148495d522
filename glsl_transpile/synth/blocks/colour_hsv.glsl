// @block colour hsv
// @about a hue ramp: the value moves round the colour wheel from a starting hue
// @param hue U(0.0, 1.0)
// @param span U(0.15, 1.0)
// @param saturation U(0.45, 0.95)
// @param brightness U(0.6, 1.0)
// @param cycle U(-0.15, 0.15)
// @time
// @cost 0
vec3 colour_hsv(float v, float hue, float span, float saturation, float brightness,
                float cycle, float t) {
    float h = fract(hue + span * v + cycle * t);
    vec3 wheel = clamp(abs(mod(h * 6.0 + vec3(0.0, 4.0, 2.0), 6.0) - 3.0) - 1.0, 0.0, 1.0);
    float value = brightness * (0.35 + 0.65 * v);
    return value * mix(vec3(1.0), wheel, saturation);
}
