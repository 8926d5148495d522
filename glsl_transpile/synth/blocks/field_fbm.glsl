// @block field fbm
// @about fractal gradient noise, itself warped by one more fbm lookup
// @param frequency U(0.8, 3.0)
// @param gain U(0.35, 0.65)
// @param lacunarity U(1.7, 2.4)
// @param warp U(0.0, 2.0)
// @param drift U(0.05, 0.4)
// @time
// @needs fbm
// @cost 3
vec2 field_fbm(vec2 p, float frequency, float gain, float lacunarity, float warp, float drift,
               float t) {
    vec2 q = p * frequency + vec2(t * drift);
    float first = fbm_gradient(q, gain, lacunarity);
    return vec2(fbm_gradient(q + warp * vec2(first, -first) - vec2(0.0, t * drift), gain,
                             lacunarity), 1.0);
}
