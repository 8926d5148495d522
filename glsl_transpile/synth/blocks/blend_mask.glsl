// @block blend mask
// @about the layer shows where its own brightness passes a threshold
// @param threshold U(0.3, 0.7)
// @param softness U(0.02, 0.3)
// @cost 0
vec3 blend_mask(vec3 base, vec3 layer, float threshold, float softness) {
    float brightness = dot(layer, vec3(0.299, 0.587, 0.114));
    return mix(base, layer, smoothstep(threshold - softness, threshold + softness, brightness));
}
