// @block field orbit_trap
// @about Mandelbrot iteration around a chosen centre; value = closest approach to a moving point
// @param centre_x U(-0.9, 0.3)
// @param centre_y U(-0.6, 0.6)
// @param zoom U(0.3, 1.5)
// @param trap_x U(-0.5, 0.5)
// @param trap_y U(-0.5, 0.5)
// @param speed U(0.2, 0.8)
// @time
// @cost 3
vec2 field_orbit_trap(vec2 p, float centre_x, float centre_y, float zoom, float trap_x,
                      float trap_y, float speed, float t) {
    vec2 c = vec2(centre_x, centre_y) + p * zoom;
    vec2 trap = vec2(trap_x, trap_y) + 0.3 * vec2(cos(t * speed), sin(t * speed * 0.7));
    vec2 z = vec2(0.0);
    float closest = 10.0;
    for (int i = 0; i < 40; i++) {
        z = vec2(z.x * z.x - z.y * z.y, 2.0 * z.x * z.y) + c;
        closest = min(closest, length(z - trap));
        if (dot(z, z) > 16.0) {
            break;
        }
    }
    return vec2(clamp(1.0 - sqrt(closest) * 0.9, 0.0, 1.0), 1.0);
}
