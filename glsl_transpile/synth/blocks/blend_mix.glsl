// @block blend mix
// @about linear mix of the layer onto the picture
// @param weight U(0.25, 0.75)
// @cost 0
vec3 blend_mix(vec3 base, vec3 layer, float weight) {
    return mix(base, layer, weight);
}
