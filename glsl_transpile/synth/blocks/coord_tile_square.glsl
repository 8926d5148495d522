// @block coord tile_square
// @about square tiling: each cell repeats the pattern around its centre (cell coordinates in +-0.5)
// @param density U(1.2, 3.5)
// @param stagger U(0.0, 0.5)
// @family tiling
// @cost 1
vec2 coord_tile_square(vec2 p, float density, float stagger) {
    p *= density;
    p.x += stagger * floor(p.y);
    return fract(p) - 0.5;
}
