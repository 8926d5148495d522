// @lib rotate
// @about 2D rotation matrix
mat2 rotation(float angle) {
    float c = cos(angle);
    float s = sin(angle);
    return mat2(c, s, -s, c);
}
