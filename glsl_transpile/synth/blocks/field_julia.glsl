// @block field julia
// @about escape time of a Julia set whose constant circles slowly; smooth iteration count
// @param zoom U(0.9, 1.8)
// @param c_x U(-0.8, 0.4)
// @param c_y U(-0.7, 0.7)
// @param orbit U(0.02, 0.12)
// @param speed U(0.2, 0.8)
// @time
// @cost 3
vec2 field_julia(vec2 p, float zoom, float c_x, float c_y, float orbit, float speed, float t) {
    vec2 z = p * zoom;
    vec2 c = vec2(c_x, c_y) + orbit * vec2(cos(t * speed), sin(t * speed));
    float escaped = 48.0;
    for (int i = 0; i < 48; i++) {
        z = vec2(z.x * z.x - z.y * z.y, 2.0 * z.x * z.y) + c;
        if (dot(z, z) > 64.0) {
            escaped = float(i) - log2(log2(dot(z, z))) + 2.6;
            break;
        }
    }
    float v = clamp(escaped / 48.0, 0.0, 1.0);
    return vec2(sqrt(v), escaped >= 48.0 ? 0.35 : 1.0);
}
