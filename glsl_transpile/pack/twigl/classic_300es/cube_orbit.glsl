#version 300 es
// cube_orbit: a tumbling rounded cube orbited by a small moon, raymarched with diffuse and rim light over a gradient backdrop
// features: TEXTURE read texture(backbuffer, uv) (mixed into the background), mat3 rotations, user helper functions, raymarch (64 steps), smoothstep, pow
precision highp float;
uniform vec2 resolution;
uniform vec2 mouse;
uniform float time;
uniform sampler2D backbuffer;
out vec4 outColor;

mat3 rotation(vec3 ang) {
    vec3 c = cos(ang), s = sin(ang);
    mat3 rx = mat3(1.0, 0.0, 0.0, 0.0, c.x, s.x, 0.0, -s.x, c.x);
    mat3 ry = mat3(c.y, 0.0, -s.y, 0.0, 1.0, 0.0, s.y, 0.0, c.y);
    mat3 rz = mat3(c.z, s.z, 0.0, -s.z, c.z, 0.0, 0.0, 0.0, 1.0);
    return rz * ry * rx;
}

float roundBox(vec3 p, vec3 b, float r) {
    vec3 q = abs(p) - b;
    return length(max(q, 0.0)) + min(max(q.x, max(q.y, q.z)), 0.0) - r;
}

vec2 world(vec3 p) {
    mat3 m = rotation(vec3(0.7, 0.5, 0.3) * time);
    float cube = roundBox(m * p, vec3(0.62), 0.12);
    vec3 moonPos = vec3(1.55 * cos(1.1 * time), 0.35 * sin(0.7 * time), 1.55 * sin(1.1 * time));
    float moon = length(p - moonPos) - 0.22;
    return cube < moon ? vec2(cube, 0.0) : vec2(moon, 1.0);
}

void main() {
    vec2 uv = (gl_FragCoord.xy * 2.0 - resolution) / resolution.y;
    float ca = 0.3 * time;
    vec3 ro = vec3(4.0 * sin(ca), 0.5, -4.0 * cos(ca));
    vec3 fw = normalize(-ro);
    vec3 rt = normalize(cross(vec3(0.0, 1.0, 0.0), fw));
    vec3 rd = normalize(fw * 1.8 + rt * uv.x + cross(fw, rt) * uv.y);

    float g = uv.y * cos(0.4 * time) + uv.x * sin(0.4 * time);
    vec3 col = mix(vec3(0.1, 0.08, 0.2), vec3(0.9, 0.5, 0.35), smoothstep(-1.2, 1.2, g));
    col *= 0.8 + 0.2 * sin(6.0 * length(uv) - 2.0 * time);
    vec4 prev = texture(backbuffer, gl_FragCoord.xy / resolution);
    col = mix(col, prev.rgb, 0.25) * prev.a;

    float t = 0.0;
    vec2 hit = vec2(1.0, -1.0);
    for (int i = 0; i < 64; i++) {
        hit = world(ro + rd * t);
        if (hit.x < 1e-3 || t > 10.0) break;
        t += hit.x;
    }
    if (t < 10.0) {
        vec3 p = ro + rd * t;
        vec2 e = vec2(1e-3, 0.0);
        vec3 n = normalize(vec3(world(p + e.xyy).x - world(p - e.xyy).x,
                                world(p + e.yxy).x - world(p - e.yxy).x,
                                world(p + e.yyx).x - world(p - e.yyx).x));
        vec3 l = normalize(vec3(-0.6, 0.8, -0.5));
        float dif = max(dot(n, l), 0.0);
        float rim = pow(1.0 - max(dot(n, -rd), 0.0), 3.0);
        vec3 albedo = hit.y < 0.5 ? 0.5 + 0.5 * abs(rotation(vec3(0.7, 0.5, 0.3) * time) * n) : vec3(0.85, 0.85, 0.9);
        col = albedo * (0.2 + 0.8 * dif) + vec3(1.0, 0.7, 0.5) * rim * 0.5;
    }
    outColor = vec4(col, 1.0);
}
