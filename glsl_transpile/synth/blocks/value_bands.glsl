// @block value bands
// @about posterise the value into soft-edged bands
// @param count U(3.0, 10.0)
// @param softness U(0.05, 0.5)
// @cost 0
float value_bands(float v, float count, float softness) {
    float scaled = v * count;
    float band = floor(scaled);
    return (band + smoothstep(0.5 - softness, 0.5 + softness, fract(scaled))) / count;
}
