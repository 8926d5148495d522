// @block blend multiply
// @about multiply blend (ink over ink), rescaled so mid-grey keeps the base
// @param weight U(0.4, 1.0)
// @cost 0
vec3 blend_multiply(vec3 base, vec3 layer, float weight) {
    return mix(base, base * layer * 2.0, weight);
}
