// @block value contour
// @about contour lines over the value, drawn darker
// @param count U(3.0, 12.0)
// @param width U(0.03, 0.2)
// @param strength U(0.3, 0.9)
// @cost 0
float value_contour(float v, float count, float width, float strength) {
    float f = abs(fract(v * count) - 0.5) * 2.0;
    return v * (1.0 - strength * (1.0 - smoothstep(0.0, width, f)));
}
