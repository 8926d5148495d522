// @block coord warp_sine
// @about domain warp by crossed sine fields
// @param frequency U(1.0, 4.0)
// @param strength U(0.05, 0.5)
// @param speed U(0.3, 1.5)
// @time
// @cost 1
vec2 coord_warp_sine(vec2 p, float frequency, float strength, float speed, float t) {
    p.x += strength * sin(frequency * p.y + t * speed);
    p.y += strength * sin(frequency * 1.3 * p.x - t * speed * 0.8);
    return p;
}
