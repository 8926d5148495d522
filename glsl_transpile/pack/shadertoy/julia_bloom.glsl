// julia_bloom: Julia set whose parameter travels just inside the main cardioid, coloured by an orbit trap and smooth escape time
// features: struct (Orbit), user helper functions, int loop, atan(y,x), smoothstep, pow

struct Orbit {
    float trap;     // closest approach to the trap ring during the first iterations
    float angle;    // angle of the iterate at that approach
    float smoothN;  // smooth escape count
    bool escaped;
};

Orbit iterateJulia(vec2 z, vec2 c) {
    Orbit o;
    o.trap = 10.0;
    o.angle = 0.0;
    o.smoothN = 0.0;
    o.escaped = false;
    float n = 0.0;
    for (int i = 0; i < 40; i++) {
        z = vec2(z.x * z.x - z.y * z.y, 2.0 * z.x * z.y) + c;
        float m2 = dot(z, z);
        if (m2 > 64.0) {
            o.escaped = true;
            o.smoothN = n - log2(log2(m2) * 0.5) + 1.0;
            break;
        }
        // only the early, still well-conditioned iterates feed the trap
        if (i < 10) {
            float d = abs(sqrt(m2) - 0.6);
            if (d < o.trap) { o.trap = d; o.angle = atan(z.y, z.x); }
        }
        n += 1.0;
    }
    return o;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    // c follows a slightly shrunken main cardioid: the Julia set stays connected and keeps a rich interior
    float a = 0.31 * iTime + 1.2;
    vec2 e1 = vec2(cos(a), sin(a));
    vec2 e2 = vec2(cos(2.0 * a), sin(2.0 * a));
    vec2 c = 0.97 * (0.5 * e1 - 0.25 * e2);
    Orbit o = iterateJulia(uv * 1.1, c);

    vec3 trapCol = 0.5 + 0.5 * cos(o.angle + vec3(0.0, 2.1, 4.2) + 0.4 * iTime);
    vec3 col = trapCol * pow(clamp(1.0 - o.trap * 2.2, 0.0, 1.0), 2.0);
    col = mix(vec3(0.02, 0.03, 0.08), col + 0.05, 0.9);
    if (o.escaped) {
        float glow = smoothstep(38.0, 3.0, o.smoothN);
        float e = clamp(o.smoothN / 40.0, 0.0, 1.0);
        vec3 halo = mix(vec3(0.25, 0.08, 0.45), vec3(1.0, 0.75, 0.35), pow(e, 0.6));
        halo = mix(halo, vec3(0.1, 0.5, 0.8), 0.5 * smoothstep(0.8, 1.6, length(uv)));
        col = mix(col, halo * (0.5 + 0.5 * e), glow);
    }
    fragColor = vec4(col, 1.0);
}
