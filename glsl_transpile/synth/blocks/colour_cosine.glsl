// @block colour cosine
// @about cosine palette: offset + amplitude * cos(2 pi (frequency * v + phase)), cycling in time
// @param offset vec3 U(0.35, 0.65)
// @param amplitude vec3 U(0.25, 0.5)
// @param frequency vec3 U(0.3, 1.6)
// @param phase vec3 U(0.0, 1.0)
// @param cycle U(-0.3, 0.3)
// @time
// @cost 0
vec3 colour_cosine(float v, vec3 offset, vec3 amplitude, vec3 frequency, vec3 phase,
                   float cycle, float t) {
    return offset + amplitude * cos(6.2831853 * (frequency * v + phase + cycle * t));
}
