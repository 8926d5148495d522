// @block coord tile_triangle
// @about triangular tiling: skewed lattice, upper triangles mirrored onto lower ones
// @param density U(1.2, 3.5)
// @param shear U(-0.3, 0.3)
// @family tiling
// @cost 1
vec2 coord_tile_triangle(vec2 p, float density, float shear) {
    p *= density;
    vec2 skewed = vec2(p.x - p.y * (0.5773503 + shear), p.y * 1.1547005);
    vec2 f = fract(skewed);
    f = f.x + f.y > 1.0 ? 1.0 - f.yx : f;
    return f - 0.3333333;
}
