// gyroid_march: raymarched gyroid lattice carved into a rotating ball, with normal shading, a rim light and step-count glow
// features: raymarch (64 steps, 1e-3 threshold, max distance), mat3 rotation, user helper functions, smoothstep, pow, clamp

mat3 rotY(float a) {
    float c = cos(a), s = sin(a);
    return mat3(c, 0.0, -s, 0.0, 1.0, 0.0, s, 0.0, c);
}

mat3 rotX(float a) {
    float c = cos(a), s = sin(a);
    return mat3(1.0, 0.0, 0.0, 0.0, c, s, 0.0, -s, c);
}

float gyroidShell(vec3 p, float freq, float thick) {
    vec3 q = p * freq;
    float g = dot(sin(q), cos(q.yzx));
    return (abs(g) - thick) / (freq * 1.8);
}

float sceneSdf(vec3 p) {
    mat3 m = rotY(0.35 * iTime) * rotX(0.21 * iTime);
    vec3 q = m * p;
    float ball = length(q) - 1.35;
    float g = gyroidShell(q + vec3(0.0, 0.0, 0.15 * iTime), 4.2, 0.28);
    return max(ball, g);
}

vec3 sceneNormal(vec3 p) {
    vec2 e = vec2(1.5e-3, 0.0);
    return normalize(vec3(sceneSdf(p + e.xyy) - sceneSdf(p - e.xyy),
                          sceneSdf(p + e.yxy) - sceneSdf(p - e.yxy),
                          sceneSdf(p + e.yyx) - sceneSdf(p - e.yyx)));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    vec3 ro = vec3(0.0, 0.0, -3.6);
    vec3 rd = normalize(vec3(uv, 1.7));

    float t = 0.0;
    float steps = 0.0;
    bool hit = false;
    for (int i = 0; i < 64; i++) {
        float d = sceneSdf(ro + rd * t);
        if (d < 1e-3) { hit = true; break; }
        t += d * 0.8;
        steps += 1.0;
        if (t > 8.0) break;
    }
    vec3 col = mix(vec3(0.04, 0.03, 0.08), vec3(0.12, 0.05, 0.18), 0.5 + 0.5 * uv.y);
    col += vec3(0.5, 0.25, 0.9) * pow(steps / 64.0, 2.0) * 0.8;
    if (hit) {
        vec3 p = ro + rd * t;
        vec3 n = sceneNormal(p);
        vec3 l = normalize(vec3(-0.5, 0.7, -0.6));
        float dif = clamp(dot(n, l), 0.0, 1.0);
        float rim = pow(clamp(1.0 + dot(n, rd), 0.0, 1.0), 3.0);
        float depthShade = smoothstep(1.4, 0.2, length(p));        // interior darker
        vec3 base = 0.55 + 0.45 * sin(vec3(0.0, 1.8, 3.6) + 2.0 * length(p) + 0.4 * iTime);
        col = base * (0.2 + 0.8 * dif) * (1.0 - 0.5 * depthShade) + vec3(1.0, 0.8, 0.6) * rim * 0.6;
    }
    fragColor = vec4(pow(col, vec3(0.9)), 1.0);
}
