// mandel_orbit: Mandelbrot set slowly rotating and breathing around the seahorse valley, smooth escape-time colouring
// features: user helper function, mat2 rotation, smoothstep, log2, int loop with break

vec3 escapePalette(float s, float shift) {
    // three phase-shifted sine ramps give a warm/cool gradient
    return 0.5 + 0.5 * sin(6.2831853 * (s + shift) + vec3(0.3, 1.4, 2.6));
}

mat2 turn(float a) {
    float c = cos(a), s = sin(a);
    return mat2(c, s, -s, c);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;

    // gentle zoom between ~0.2 and ~0.32 of the view, centred on the valley between the bulbs
    float zoom = 0.26 + 0.06 * sin(0.37 * iTime);
    vec2 center = vec2(-0.755, 0.3) + 0.03 * vec2(cos(0.21 * iTime), sin(0.17 * iTime));
    vec2 c = center + zoom * (turn(0.11 * iTime) * uv);

    vec2 z = vec2(0.0);
    float n = 0.0;
    bool escaped = false;
    for (int i = 0; i < 48; i++) {
        z = vec2(z.x * z.x - z.y * z.y, 2.0 * z.x * z.y) + c;
        if (dot(z, z) > 256.0) { escaped = true; break; }
        n += 1.0;
    }

    vec3 inside = vec3(0.03, 0.02, 0.07);
    vec3 col = inside;
    if (escaped) {
        float sn = max(n - log2(log2(dot(z, z))) + 4.0, 0.0);
        // fade into the interior colour as the count approaches the cap: no hard edge at the limit
        float fade = smoothstep(46.0, 18.0, sn);
        vec3 band = escapePalette(0.45 * log2(sn + 1.0), 0.08 * iTime);
        col = mix(inside, band, fade);
    }
    // soft vignette
    col *= 1.0 - 0.25 * dot(uv, uv) / 2.0;
    fragColor = vec4(col, 1.0);
}
