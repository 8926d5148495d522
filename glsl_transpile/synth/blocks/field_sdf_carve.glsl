// @block field sdf_carve
// @about a hexagon carved by a moving circle and intersected with a box (smooth booleans)
// @param size U(0.3, 0.8)
// @param hole U(0.1, 0.5)
// @param smoothness U(0.02, 0.25)
// @param speed U(0.3, 1.2)
// @param bands U(3.0, 10.0)
// @time
// @needs sdf
// @cost 1
vec2 field_sdf_carve(vec2 p, float size, float hole, float smoothness, float speed,
                     float bands, float t) {
    float hexagon = sdf_hexagon(p, size);
    float circle = sdf_circle(p - 0.4 * size * vec2(sin(t * speed), cos(t * speed * 0.8)), hole);
    float box = sdf_box(p, vec2(size * 1.1, size * 0.8));
    float d = smooth_intersect(smooth_subtract(hexagon, circle, smoothness), box, smoothness);
    float edge = exp(-abs(d) * 30.0);
    return vec2(fract(d * bands) * 0.7 + edge * 0.3, 0.6 + 0.4 * step(d, 0.0));
}
