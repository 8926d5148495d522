// @block field stripes
// @about moving stripes at an angle, sharpened: makes the coordinate stages visible
// @param frequency U(2.5, 9.0)
// @param angle U(0.0, 3.1415927)
// @param speed U(0.5, 2.5)
// @param sharpness U(1.0, 6.0)
// @time
// @cost 1
vec2 field_stripes(vec2 p, float frequency, float angle, float speed, float sharpness, float t) {
    float s = sin(frequency * dot(p, vec2(cos(angle), sin(angle))) - t * speed);
    return vec2(0.5 + 0.5 * clamp(s * sharpness, -1.0, 1.0), 1.0);
}
