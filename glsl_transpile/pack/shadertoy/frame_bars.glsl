// frame_bars: retro LED spectrum analyser whose bars dance with summed harmonics; a frame-locked scan column and blinking peak LEDs
// features: ZERO-INIT locals (float h; int lit; relying on zero), ASSIGNMENTS INSIDE ?: , iFrame, int arithmetic (/, %), smoothstep, user helper function

vec3 ledColour(float level01) {
    vec3 c = mix(vec3(0.1, 0.95, 0.3), vec3(1.0, 0.85, 0.1), smoothstep(0.45, 0.7, level01));
    return mix(c, vec3(1.0, 0.2, 0.15), smoothstep(0.75, 0.9, level01));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    const int BARS = 24;
    const float ROWS = 16.0;
    float fx = uv.x * float(BARS);
    int bar = int(floor(fx));
    float cx = fract(fx);
    float fy = uv.y * ROWS;
    int row = int(floor(fy));
    float cy = fract(fy);

    float h;            // zero-initialised accumulator (WebGL semantics)
    int lit;            // zero-initialised counter
    float fb = float(bar);
    for (int k = 1; k <= 5; k++) {
        float fk = float(k);
        h += sin(fb * 0.37 * fk + iTime * (0.7 + 0.45 * fk) + fk) / fk;
        lit += (k % 2 == 1) ? 1 : 0;
    }
    h = clamp(0.45 + 0.28 * h, 0.05, 0.98);
    float level = h * ROWS;

    float glow;
    float dim;
    float(row) + 0.5 < level ? glow += 1.0 : dim += 1.0;      // assignment inside ?:

    float cell = smoothstep(0.0, 0.12, cx) * smoothstep(1.0, 0.88, cx) *
                 smoothstep(0.0, 0.15, cy) * smoothstep(1.0, 0.85, cy);
    vec3 led = ledColour(float(row) / ROWS);
    vec3 col = vec3(0.02, 0.02, 0.04);
    col += cell * (led * glow + led * 0.12 * dim);

    // peak LED one row above the bar top blinks every 8 frames
    int peakRow = int(level) + 1;
    bool blinkOn = ((iFrame / 8) % 2) == 0;
    if (row == peakRow && blinkOn) col += cell * vec3(0.9, 0.9, 1.0) * 0.8;

    // a scan highlight walks one bar every 6 frames; lit (= 3) sets its strength
    int scan = (iFrame / 6) % BARS;
    if (bar == scan) col += vec3(0.08, 0.1, 0.2) * float(lit) * (0.5 + 0.5 * cell);
    fragColor = vec4(col, 1.0);
}
