// @block coord kaleido
// @about kaleidoscope: the angle folded into one mirrored sector; the count need not be whole
// @param segments U(3.0, 12.0)
// @param spin U(0.05, 0.4)
// @time
// @needs rotate
// @cost 1
vec2 coord_kaleido(vec2 p, float segments, float spin, float t) {
    float sector = 6.2831853 / segments;
    float angle = mod(atan(p.y, p.x) + t * spin, sector);
    angle = abs(angle - 0.5 * sector);
    return length(p) * vec2(cos(angle), sin(angle));
}
