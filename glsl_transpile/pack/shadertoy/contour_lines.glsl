// contour_lines: shifting topographic map with hypsometric tints, derivative-lit relief and anti-aliased contour lines
// features: DERIVATIVES (dFdx/dFdy for the relief normal, fwidth for line anti-aliasing), const array, user helper functions, smoothstep, mix

const vec3 waveDir[5] = vec3[5](
    vec3(0.82, 0.57, 1.00),
    vec3(-0.43, 0.90, 1.70),
    vec3(0.25, -0.97, 2.60),
    vec3(-0.95, -0.31, 3.70),
    vec3(0.60, -0.80, 5.10)
);

float heightAt(vec2 p, float t) {
    float h = 0.0;
    float amp = 0.5;
    for (int i = 0; i < 5; i++) {
        vec3 w = waveDir[i];
        float ph = dot(w.xy, p) * w.z + t * (0.3 + 0.13 * float(i));
        h += amp * sin(ph + 0.8 * sin(1.7 * ph - float(i)));
        amp *= 0.58;
    }
    return h;
}

vec3 tint(float h) {
    vec3 c = mix(vec3(0.05, 0.18, 0.45), vec3(0.15, 0.55, 0.6), smoothstep(-0.8, -0.1, h));
    c = mix(c, vec3(0.35, 0.6, 0.25), smoothstep(-0.1, 0.15, h));
    c = mix(c, vec3(0.6, 0.45, 0.25), smoothstep(0.2, 0.55, h));
    c = mix(c, vec3(0.95, 0.95, 0.95), smoothstep(0.6, 0.85, h));
    return c;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    float scale = 1.7;
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y * scale;
    float h = heightAt(p + vec2(0.1 * iTime, 0.0), 0.6 * iTime);

    // relief normal from screen-space derivatives of the height field
    float pixel = 2.0 * scale / iResolution.y;
    vec3 n = normalize(vec3(-dFdx(h) / pixel, -dFdy(h) / pixel, 1.6));
    vec3 l = normalize(vec3(cos(0.5 * iTime), sin(0.5 * iTime), 0.9));
    float light = 0.35 + 0.65 * max(dot(n, l), 0.0);

    // contour lines every 0.12 units of height, one pixel wide regardless of resolution
    float v = h / 0.12;
    float w = fwidth(v);
    float line = abs(fract(v + 0.5) - 0.5) / max(w, 1e-4);
    float ink = 1.0 - smoothstep(0.5, 1.5, line);
    float major = abs(fract(v / 5.0 + 0.5) - 0.5) * 5.0 / max(w, 1e-4);
    ink = max(ink, 1.0 - smoothstep(1.0, 2.2, major));

    vec3 col = tint(h) * light;
    col = mix(col, vec3(0.12, 0.08, 0.05), 0.75 * ink);
    fragColor = vec4(col, 1.0);
}
