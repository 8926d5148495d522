// @block finish glow
// @about a glow of its own colour where the value passes a level that drifts in time
// @param glow_colour vec3 U(0.3, 1.0)
// @param level U(0.2, 0.8)
// @param sharpness U(6.0, 20.0)
// @param drift U(0.1, 0.6)
// @time
// @cost 0
vec3 finish_glow(vec3 colour, float v, vec2 uv, vec3 glow_colour, float level, float sharpness,
                 float drift, float t) {
    float centre = level + 0.15 * sin(t * drift);
    return colour + glow_colour * 0.6 * exp(-abs(v - centre) * sharpness);
}
