// torus_lattice: flight through an infinite lattice of spinning tori, coloured per cell, with distance fog and step glow
// features: mod domain repetition, floor cell ids, mat2 rotations, user helper functions, raymarch (64 steps), smoothstep

mat2 rot2(float a) {
    float c = cos(a), s = sin(a);
    return mat2(c, s, -s, c);
}

float torusSdf(vec3 p, vec2 radii) {
    vec2 q = vec2(length(p.xz) - radii.x, p.y);
    return length(q) - radii.y;
}

const float CELL = 3.0;

float lattice(vec3 p) {
    vec3 id = floor(p / CELL + 0.5);
    vec3 q = mod(p + 0.5 * CELL, CELL) - 0.5 * CELL;
    vec3 aq = abs(q);
    float toWall = 0.5 * CELL - max(aq.x, max(aq.y, aq.z));
    float phase = dot(id, vec3(1.3, 2.1, 0.7));
    q.xy = rot2(0.6 * iTime + phase) * q.xy;
    q.yz = rot2(0.4 * iTime + phase * 0.5) * q.yz;
    // each torus stays >= 0.48 inside its cell, so never step further than the wall plus that margin
    return min(torusSdf(q, vec2(0.8, 0.22)), toWall + 0.45);
}

vec3 cellTint(vec3 p) {
    vec3 id = floor(p / CELL + 0.5);
    return 0.55 + 0.45 * sin(vec3(0.0, 2.0, 4.0) + dot(id, vec3(1.7, 0.9, 2.3)));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    vec3 ro = vec3(0.7, 0.4, 1.1 * iTime);
    vec3 rd = normalize(vec3(uv, 1.5));
    rd.xy = rot2(0.15 * iTime) * rd.xy;
    rd.xz = rot2(0.2 * sin(0.3 * iTime)) * rd.xz;

    float t = 0.0;
    float steps = 0.0;
    for (int i = 0; i < 64; i++) {
        float d = lattice(ro + rd * t);
        if (d < 1e-3) break;
        t += d * 0.9;
        steps += 1.0;
        if (t > 40.0) break;
    }
    vec3 fogCol = vec3(0.05, 0.06, 0.12);
    vec3 col = fogCol;
    // shade wherever the ray stopped (converged or out of steps); distance fog hides far/grazing results
    if (t < 40.0) {
        vec3 p = ro + rd * t;
        vec2 e = vec2(2e-3, 0.0);
        vec3 n = normalize(vec3(lattice(p + e.xyy) - lattice(p - e.xyy),
                                lattice(p + e.yxy) - lattice(p - e.yxy),
                                lattice(p + e.yyx) - lattice(p - e.yyx)));
        vec3 l = normalize(vec3(0.4, 0.8, -0.5));
        float dif = 0.25 + 0.75 * max(dot(n, l), 0.0);
        float rim = pow(1.0 - max(dot(n, -rd), 0.0), 3.0);
        col = cellTint(p) * dif + 0.4 * rim;
        col = mix(col, fogCol, smoothstep(4.0, 17.0, t));
    }
    col += vec3(0.2, 0.35, 0.6) * (steps / 64.0) * 0.5;
    fragColor = vec4(col, 1.0);
}
