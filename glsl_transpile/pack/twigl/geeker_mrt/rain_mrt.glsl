// rain_mrt: three parallax layers of falling rain streaks in front of blurred city bokeh lights; target 1 is the rain mask
// features: MRT (o0 colour, o1 rain mask), TEXTURE read texture(b1, uv), user helper functions, float loop, fract/floor column hashing with small inputs, smoothstep
float colHash(float c, float layer) {
    return fract(sin(c * 1.731 + layer * 7.17) * 437.53);
}

vec3 bokeh(vec2 p) {
    vec3 c = vec3(0.0);
    for (float i = 0.0; i < 7.0; i++) {
        vec2 centre = vec2(-1.2 + 0.4 * i + 0.08 * sin(0.3 * t + i), -0.2 + 0.35 * sin(1.7 * i) + 0.03 * sin(0.5 * t + 2.0 * i));
        float d = length(p - centre);
        vec3 tone = mix(vec3(1.0, 0.55, 0.2), vec3(0.3, 0.6, 1.0), 0.5 + 0.5 * sin(2.3 * i));
        c += tone * smoothstep(0.22, 0.18, d) * (0.25 + 0.1 * sin(2.0 * t + i));
    }
    return c;
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    vec3 col = mix(vec3(0.02, 0.03, 0.07), vec3(0.08, 0.05, 0.12), smoothstep(1.0, -1.0, p.y));
    col += bokeh(p);
    float rain = 0.0;
    for (float layer = 0.0; layer < 3.0; layer++) {
        float cols = 18.0 + 14.0 * layer;
        vec2 q = p;
        q.x += 0.12 * q.y;                           // slanted by the wind
        float cx = floor(q.x * cols * 0.5);
        float h = colHash(cx, layer);
        float speed = 1.2 + 0.8 * h + 0.4 * layer;
        // dy runs 0..1 periodically; the streak vanishes at both ends so the wrap is invisible
        float dy = fract(q.y * (0.5 + 0.2 * layer) + speed * t + h * 5.0);
        float streak = smoothstep(0.0, 0.05, dy) * smoothstep(0.35, 0.05, dy);
        float fx = fract(q.x * cols * 0.5) - 0.5;
        float thin = smoothstep(0.12, 0.0, abs(fx - 0.3 * (h - 0.5)));
        rain += streak * thin * (0.35 + 0.25 * (2.0 - layer)) * step(0.35, h);
    }
    col += vec3(0.7, 0.8, 1.0) * rain;
    vec4 prev = texture(b1, gl_FragCoord.xy / r);
    o0 = vec4(mix(col, prev.rgb, 0.1) * prev.a, 1.0);
    o1 = vec4(vec3(clamp(rain, 0.0, 1.0)), 1.0);
}
