// checker_warp: swirling, sine-warped checkerboard seen through a rotating five-pointed star mask; outside the star is discarded
// features: DISCARD (pixels outside the star mask), atan(y,x), mod, mat2 rotation, smoothstep, user helper function

float starRadius(float a, float t) {
    // five-lobed boundary r(a)
    return 0.62 + 0.22 * cos(5.0 * a + t) + 0.04 * cos(10.0 * a - 2.0 * t);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float r = length(p);
    float a = atan(p.y, p.x);
    float edge = starRadius(a, 0.6 * iTime);
    if (r > edge) {
        discard;
    }

    // swirl: rotate more near the centre, then add a sine warp
    float sw = 1.8 * exp(-2.0 * r) * sin(0.5 * iTime);
    vec2 q = mat2(cos(sw), sin(sw), -sin(sw), cos(sw)) * p;
    q += 0.12 * sin(q.yx * 5.0 + vec2(1.1, 0.7) * iTime);
    vec2 g = q * 4.3 + vec2(0.37 * iTime, 0.0);
    float chk = mod(floor(g.x) + floor(g.y), 2.0);
    vec2 fg = abs(fract(g) - 0.5);
    float bevel = smoothstep(0.5, 0.38, max(fg.x, fg.y));

    vec3 c1 = vec3(0.95, 0.85, 0.3);
    vec3 c2 = vec3(0.15, 0.3, 0.75);
    vec3 col = mix(c1, c2, chk) * (0.65 + 0.35 * bevel);
    col *= smoothstep(edge, edge - 0.08, r) * 0.5 + 0.5;     // darker rim just inside the star
    fragColor = vec4(col, 1.0);
}
