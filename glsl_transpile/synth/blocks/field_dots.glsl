// @block field dots
// @about a lattice of pulsing discs whose size follows a hash of their cell
// @param frequency U(2.0, 6.0)
// @param size U(0.15, 0.45)
// @param speed U(0.5, 2.0)
// @time
// @needs hash
// @cost 1
vec2 field_dots(vec2 p, float frequency, float size, float speed, float t) {
    vec2 q = p * frequency;
    vec2 cell = floor(q);
    float h = hash21(cell);
    float radius = size * (0.6 + 0.4 * sin(t * speed + 6.2831853 * h));
    float d = length(fract(q) - 0.5) - radius;
    return vec2(mix(h, 1.0 - h, step(d, 0.0)), 0.5 + 0.5 * smoothstep(0.05, -0.05, d));
}
