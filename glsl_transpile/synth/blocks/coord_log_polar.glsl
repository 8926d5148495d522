// @block coord log_polar
// @about log-polar map: zooming becomes a shift, so the drift is an endless zoom
// @param arms U(1.0, 3.0)
// @param drift U(0.1, 0.6)
// @time
// @family polar
// @cost 1
vec2 coord_log_polar(vec2 p, float arms, float drift, float t) {
    float r = max(length(p), 1e-4);
    float angle = atan(p.y, p.x);
    return vec2(angle * arms / 3.1415927, log(r) * arms - t * drift);
}
