// @block coord mirror
// @about mirror folds across two lines through offset points, then a turn
// @param offset_x U(-0.6, 0.6)
// @param offset_y U(-0.6, 0.6)
// @param turn U(-3.1415927, 3.1415927)
// @needs rotate
// @cost 1
vec2 coord_mirror(vec2 p, float offset_x, float offset_y, float turn) {
    p = abs(p - vec2(offset_x, offset_y));
    p = rotation(turn) * p;
    return abs(p) - 0.5 * vec2(offset_y, offset_x);
}
