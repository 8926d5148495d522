// @block field curl_flow
// @about streaks along a curl-noise flow: the point is advected eight steps, then striped
// @param frequency U(0.8, 3.0)
// @param step_length U(0.01, 0.05)
// @param stripes U(1.5, 5.0)
// @param drift U(0.1, 0.5)
// @time
// @needs noise
// @cost 4
vec2 field_curl_flow(vec2 p, float frequency, float step_length, float stripes, float drift,
                     float t) {
    const float EPS = 0.05;
    vec2 q = p * frequency;
    for (int i = 0; i < 8; i++) {
        vec2 at = q + vec2(0.0, t * drift);
        float dx = noise_gradient(at + vec2(EPS, 0.0)) - noise_gradient(at - vec2(EPS, 0.0));
        float dy = noise_gradient(at + vec2(0.0, EPS)) - noise_gradient(at - vec2(0.0, EPS));
        q += step_length * vec2(dy, -dx) / (2.0 * EPS);
    }
    return vec2(0.5 + 0.5 * sin(stripes * (q.x + q.y)), 1.0);
}
