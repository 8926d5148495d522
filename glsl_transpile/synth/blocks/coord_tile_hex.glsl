// @block coord tile_hex
// @about hexagonal tiling: the nearer of two offset rectangular lattices gives the cell
// @param density U(1.2, 3.5)
// @family tiling
// @cost 1
vec2 coord_tile_hex(vec2 p, float density) {
    const vec2 PERIOD = vec2(1.0, 1.7320508);
    p *= density;
    vec2 a = mod(p, PERIOD) - 0.5 * PERIOD;
    vec2 b = mod(p - 0.5 * PERIOD, PERIOD) - 0.5 * PERIOD;
    return dot(a, a) < dot(b, b) ? a : b;
}
