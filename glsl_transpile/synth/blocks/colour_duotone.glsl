// @block colour duotone
// @about two inks mixed by the value, with a highlight ink on the crests
// @param dark vec3 U(0.0, 0.45)
// @param light vec3 U(0.5, 1.0)
// @param highlight vec3 U(0.4, 1.0)
// @param contrast U(0.8, 2.5)
// @cost 0
vec3 colour_duotone(float v, vec3 dark, vec3 light, vec3 highlight, float contrast) {
    float s = clamp((v - 0.5) * contrast + 0.5, 0.0, 1.0);
    vec3 colour = mix(dark, light, s);
    return mix(colour, highlight, smoothstep(0.8, 1.0, s) * 0.6);
}
