// @block value fold
// @about fold the value back and forth, so smooth fields become rhythmic
// @param frequency U(1.0, 3.0)
// @param speed U(0.2, 1.0)
// @time
// @cost 0
float value_fold(float v, float frequency, float speed, float t) {
    return abs(sin(v * frequency * 3.1415927 + t * speed));
}
