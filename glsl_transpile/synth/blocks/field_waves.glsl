// @block field waves
// @about interference of three circular waves from points that wander
// @param frequency U(4.0, 12.0)
// @param speed U(1.0, 4.0)
// @param spread U(0.3, 1.0)
// @param phase U(0.0, 6.2831853)
// @time
// @cost 1
vec2 field_waves(vec2 p, float frequency, float speed, float spread, float phase, float t) {
    float sum = 0.0;
    for (int i = 0; i < 3; i++) {
        float a = phase + 2.0943951 * float(i) + 0.2 * t;
        vec2 source = spread * vec2(cos(a), sin(a));
        sum += sin(frequency * length(p - source) - t * speed);
    }
    return vec2(0.5 + sum / 6.0, 1.0);
}
