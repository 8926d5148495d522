#version 300 es
// twisted_ring: raymarched torus with a twisting square cross-section, candy-stripe bands, diffuse and specular light
// features: user helper functions, mat2 rotations (cross-section twist), atan(y,x), raymarch (64 steps, 1e-3 threshold, relaxed step), smoothstep, pow
precision highp float;
uniform vec2 r;
uniform vec2 m;
uniform float t;
uniform sampler2D b;
out vec4 o;

mat2 rot(float a) {
    float c = cos(a), s = sin(a);
    return mat2(c, s, -s, c);
}

vec3 spinView(vec3 p) {
    p.yz = rot(0.9 + 0.3 * sin(0.4 * t)) * p.yz;
    p.xz = rot(0.25 * t) * p.xz;
    return p;
}

float ring(vec3 p) {
    p = spinView(p);
    float ang = atan(p.z, p.x);
    vec2 cs = vec2(length(p.xz) - 1.1, p.y);
    cs = rot(1.5 * ang + 0.8 * t) * cs;               // 3*pi per loop: a multiple of the square's pi/2 symmetry, so no seam
    vec2 d = abs(cs) - vec2(0.26);
    return (length(max(d, 0.0)) + min(max(d.x, d.y), 0.0) - 0.04) * 0.7;
}

void main() {
    vec2 uv = (gl_FragCoord.xy * 2.0 - r) / r.y;
    vec3 ro = vec3(0.0, 0.0, -3.3);
    vec3 rd = normalize(vec3(uv, 1.6));
    float dist = 0.0;
    for (int i = 0; i < 64; i++) {
        float d = ring(ro + rd * dist);
        if (d < 1e-3 || dist > 7.0) break;
        dist += d;
    }
    vec3 col = mix(vec3(0.07, 0.09, 0.14), vec3(0.2, 0.1, 0.18), 0.5 + 0.5 * uv.y);
    if (dist < 7.0) {
        vec3 pos = ro + rd * dist;
        vec2 e = vec2(1e-3, 0.0);
        vec3 n = normalize(vec3(ring(pos + e.xyy) - ring(pos - e.xyy),
                                ring(pos + e.yxy) - ring(pos - e.yxy),
                                ring(pos + e.yyx) - ring(pos - e.yyx)));
        vec3 l = normalize(vec3(0.5, 0.8, -0.6));
        float dif = max(dot(n, l), 0.0);
        float spec = pow(max(dot(reflect(rd, n), l), 0.0), 32.0);
        vec3 lp = spinView(pos);
        float stripe = smoothstep(-0.2, 0.2, sin(atan(lp.z, lp.x) * 12.0 + 2.0 * t));
        vec3 base = mix(vec3(0.95, 0.3, 0.35), vec3(0.95, 0.9, 0.85), stripe);
        col = base * (0.2 + 0.8 * dif) + spec * 0.6;
    }
    o = vec4(col, 1.0);
}
