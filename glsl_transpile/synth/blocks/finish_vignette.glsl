// @block finish vignette
// @about darken towards the corners
// @param strength U(0.1, 0.5)
// @cost 0
vec3 finish_vignette(vec3 colour, float v, vec2 uv, float strength) {
    return colour * (1.0 - strength * dot(uv, uv) * 0.5);
}
