// orbits_mrt: a tiny solar system: glowing star, tilted orbit rings and five planets with lit day sides; target 1 marks planet coverage and index
// features: MRT (o0 colour, o1 planet id mask), TEXTURE read texture(b0, uv) (trail feedback), user helper functions, atan(y,x), pow, float loop, smoothstep, exp
float tilt() {
    return 0.45 + 0.2 * sin(0.3 * t);
}

vec2 planetPos(float i) {
    float radius = 0.3 + 0.17 * i;
    float speed = 1.4 / (1.0 + i);
    float a = speed * t + 2.4 * i;
    return vec2(cos(a), tilt() * sin(a)) * radius;         // tilted (squashed) circular orbits
}

float ringDist(vec2 p, float radius) {
    vec2 q = vec2(p.x, p.y / tilt());
    return abs(length(q) - radius) * tilt();
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    vec3 col = vec3(0.01, 0.01, 0.03);
    col += vec3(1.0, 0.75, 0.35) * (0.012 / (dot(p, p) + 0.004));
    // rotating corona rays and a drifting nebula
    float ang = atan(p.y, p.x);
    col += vec3(1.0, 0.5, 0.2) * 0.25 * pow(0.5 + 0.5 * sin(7.0 * ang + 1.3 * t), 4.0) * exp(-4.0 * length(p));
    col += vec3(0.15, 0.05, 0.25) * (0.5 + 0.5 * sin(2.0 * p.x + 3.0 * p.y + 0.6 * t)) * (0.5 + 0.5 * sin(3.0 * p.y - p.x - 0.4 * t));
    float idMask = 0.0;
    for (float i = 0.0; i < 5.0; i++) {
        float radius = 0.3 + 0.17 * i;
        col += vec3(0.15, 0.2, 0.35) * smoothstep(0.006, 0.0, ringDist(p, radius)) * 0.6;
        vec2 c = planetPos(i);
        float size = 0.05 + 0.015 * mod(i * 3.0, 4.0);
        float d = length(p - c);
        float disc = smoothstep(size, size - 0.006, d);
        vec3 tone = 0.5 + 0.45 * sin(vec3(0.0, 2.0, 4.0) + 1.9 * i);
        // day side faces the star at the origin
        vec2 toStar = normalize(-c);
        float lit = clamp(0.25 + dot(normalize(p - c + 1e-5), toStar) * 0.75 + 0.25, 0.0, 1.0);
        col = mix(col, tone * lit, disc);
        col += tone * 0.15 * exp(-40.0 * max(d - size, 0.0)) * (1.0 - disc);
        idMask = max(idMask, disc * (i + 1.0) / 5.0);
    }
    vec4 trail = texture(b0, gl_FragCoord.xy / r);
    o0 = vec4(mix(col, trail.rgb, 0.12) * trail.a, 1.0);
    o1 = vec4(idMask, length(p) * 0.5, 0.0, 1.0);
}
