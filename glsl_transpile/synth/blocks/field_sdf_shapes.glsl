// @block field sdf_shapes
// @about a circle, a turning box and a ring joined by smooth unions; value = banded distance
// @param radius U(0.15, 0.6)
// @param box_size U(0.1, 0.5)
// @param ring_radius U(0.3, 0.9)
// @param smoothness U(0.05, 0.4)
// @param orbit U(0.2, 0.7)
// @param speed U(0.3, 1.2)
// @time
// @needs sdf rotate
// @cost 1
vec2 field_sdf_shapes(vec2 p, float radius, float box_size, float ring_radius,
                      float smoothness, float orbit, float speed, float t) {
    vec2 centre = orbit * vec2(cos(t * speed), sin(t * speed * 1.3));
    float circle = sdf_circle(p - centre, radius);
    float box = sdf_box(rotation(t * speed * 0.7) * (p + centre), vec2(box_size));
    float ring = sdf_ring(p, ring_radius, 0.05);
    float d = smooth_union(smooth_union(circle, box, smoothness), ring, smoothness);
    float inside = 1.0 - smoothstep(-0.01, 0.01, d);
    return vec2(0.5 + 0.5 * cos(d * 18.0) * (1.0 - inside) + 0.5 * inside, 1.0);
}
