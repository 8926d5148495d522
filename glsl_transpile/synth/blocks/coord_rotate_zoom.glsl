// @block coord rotate_zoom
// @about rotation and a breathing zoom, both animated in time
// @param spin U(0.05, 0.5)
// @param zoom U(0.5, 2.0)
// @param pulse U(0.05, 0.35)
// @param rate U(0.3, 1.5)
// @time
// @needs rotate
// @cost 1
vec2 coord_rotate_zoom(vec2 p, float spin, float zoom, float pulse, float rate, float t) {
    float scale = zoom * (1.0 + pulse * sin(t * rate));
    return rotation(t * spin) * p * scale;
}
