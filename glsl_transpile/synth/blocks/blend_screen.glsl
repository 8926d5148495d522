// @block blend screen
// @about screen blend: brightens, never darkens
// @param weight U(0.4, 1.0)
// @cost 0
vec3 blend_screen(vec3 base, vec3 layer, float weight) {
    vec3 a = clamp(base, 0.0, 1.0);
    vec3 b = clamp(layer, 0.0, 1.0) * weight;
    return 1.0 - (1.0 - a) * (1.0 - b);
}
