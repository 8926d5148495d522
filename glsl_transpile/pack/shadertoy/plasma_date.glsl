// plasma_date: layered sine plasma whose palette is keyed to the calendar date, scaled by the pixel aspect ratio
// features: PRECISION qualifiers (precision mediump float statement, highp/mediump/lowp declarations), iDate, iResolution.z, user helper function, smoothstep

precision mediump float;

lowp vec3 plasmaPalette(mediump float v, highp float hueShift) {
    return 0.5 + 0.5 * sin(3.14159 * v + hueShift + vec3(0.0, 2.0, 4.0));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    // iResolution.z is the pixel aspect ratio (1.0 on normal displays)
    highp vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    uv.x *= iResolution.z;
    highp float t = 0.7 * iTime;
    // month and day give a stable per-day hue offset (small integers, safe in any precision)
    mediump float dayShift = 0.37 * iDate.y + 0.11 * iDate.z;

    mediump float v = 0.0;
    v += sin(uv.x * 3.1 + t);
    v += sin(3.0 * (uv.x * sin(0.5 * t) + uv.y * cos(0.33 * t)) + t);
    highp vec2 c = uv + 0.9 * vec2(sin(0.4 * t), cos(0.27 * t));
    v += sin(sqrt(40.0 * dot(c, c) + 1.0) + t);
    v += sin(2.3 * length(uv - vec2(0.5, -0.3)) - 1.3 * t);
    v *= 0.5;

    mediump vec3 col = plasmaPalette(v, dayShift);
    lowp float glow = smoothstep(0.8, 1.0, abs(sin(v * 2.0)));
    col = mix(col, vec3(1.0, 0.95, 0.85), 0.35 * glow);
    fragColor = vec4(col, 1.0);
}
