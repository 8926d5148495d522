// @block coord iterated_fold
// @about six kaleidoscopic folds: mirror, shift, turn and scale, repeated (constant bound)
// @param shift_x U(0.1, 0.8)
// @param shift_y U(0.1, 0.8)
// @param turn U(-1.2, 1.2)
// @param scale U(1.05, 1.45)
// @param wobble U(0.05, 0.3)
// @time
// @needs rotate
// @cost 2
vec2 coord_iterated_fold(vec2 p, float shift_x, float shift_y, float turn, float scale,
                         float wobble, float t) {
    mat2 turning = rotation(turn + wobble * sin(t * 0.5));
    for (int i = 0; i < 6; i++) {
        p = abs(p) - vec2(shift_x, shift_y);
        p = turning * p * scale;
    }
    return p / 8.0;
}
