// sdf_spheres: raymarched bobbing coloured spheres over a checkered floor with diffuse light, soft shadow and fog
// features: struct (Hit), user helper functions, raymarch (64 steps, 1e-3 threshold), mod, smoothstep, pow

struct Hit {
    float dist;
    float id;     // 0 = floor, 1..3 = spheres
};

Hit closer(Hit a, Hit b) {
    return a.dist < b.dist ? a : b;
}

Hit scene(vec3 p) {
    Hit h = Hit(p.y + 1.0, 0.0);
    for (int i = 0; i < 3; i++) {
        float fi = float(i);
        float ang = 2.0944 * fi + 0.5 * iTime;
        vec3 c = vec3(1.6 * cos(ang), -0.2 + 0.45 * sin(1.3 * iTime + 2.0 * fi), 1.6 * sin(ang));
        h = closer(h, Hit(length(p - c) - (0.55 + 0.1 * fi), 1.0 + fi));
    }
    h = closer(h, Hit(length(p - vec3(0.0, -0.1 + 0.2 * sin(iTime), 0.0)) - 0.7, 4.0));
    return h;
}

vec3 sceneNormal(vec3 p) {
    const float e = 1e-3;
    vec3 dx = vec3(e, 0.0, 0.0), dy = vec3(0.0, e, 0.0), dz = vec3(0.0, 0.0, e);
    return normalize(vec3(scene(p + dx).dist - scene(p - dx).dist,
                          scene(p + dy).dist - scene(p - dy).dist,
                          scene(p + dz).dist - scene(p - dz).dist));
}

float shadowRay(vec3 ro, vec3 rd) {
    float res = 1.0;
    float t = 0.05;
    for (int i = 0; i < 24; i++) {
        float h = scene(ro + rd * t).dist;
        res = min(res, clamp(8.0 * h / t, 0.0, 1.0));
        t += clamp(h, 0.05, 0.5);
        if (t > 8.0) break;
    }
    return res;
}

vec3 material(float id, vec3 p) {
    if (id < 0.5) {
        float chk = mod(floor(p.x * 1.1) + floor(p.z * 1.1), 2.0);
        return mix(vec3(0.25, 0.27, 0.32), vec3(0.75, 0.75, 0.7), chk);
    }
    if (id < 1.5) return vec3(0.95, 0.3, 0.2);
    if (id < 2.5) return vec3(0.2, 0.8, 0.35);
    if (id < 3.5) return vec3(0.25, 0.4, 0.95);
    return vec3(0.95, 0.8, 0.3);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float ca = 0.2 * iTime;
    vec3 ro = vec3(5.0 * sin(ca), 1.6, 5.0 * cos(ca));
    vec3 fw = normalize(-ro + vec3(0.0, -0.3, 0.0));
    vec3 rt = normalize(cross(fw, vec3(0.0, 1.0, 0.0)));
    vec3 up = cross(rt, fw);
    vec3 rd = normalize(fw * 1.8 + rt * uv.x + up * uv.y);

    vec3 sky = mix(vec3(0.55, 0.7, 0.9), vec3(0.15, 0.25, 0.5), clamp(uv.y * 0.8 + 0.3, 0.0, 1.0));
    vec3 col = sky;
    float t = 0.0;
    Hit h = Hit(1e9, -1.0);
    for (int i = 0; i < 64; i++) {
        h = scene(ro + rd * t);
        if (h.dist < 1e-3 || t > 30.0) break;
        t += h.dist;
    }
    if (t < 30.0 && h.dist < 0.05) {
        vec3 p = ro + rd * t;
        vec3 n = sceneNormal(p);
        vec3 l = normalize(vec3(0.6, 0.9, 0.3));
        float dif = max(dot(n, l), 0.0) * shadowRay(p + n * 0.01, l);
        float spec = pow(max(dot(reflect(rd, n), l), 0.0), 24.0);
        vec3 base = material(h.id, p);
        col = base * (0.18 + 0.85 * dif) + 0.35 * spec * dif;
        col = mix(col, sky, 1.0 - exp(-0.004 * t * t));
    }
    fragColor = vec4(pow(clamp(col, 0.0, 1.0), vec3(0.4545)), 1.0);
}
