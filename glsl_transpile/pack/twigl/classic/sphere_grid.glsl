// sphere_grid: raymarched infinite grid of pulsing spheres seen from a gliding, banking camera, with diffuse light and depth fog
// features: struct (Ray), user helper functions, mod domain repetition, raymarch (48 steps, 1e-3 threshold), mat2 rotation, smoothstep, pow
precision highp float;
uniform vec2 resolution;
uniform vec2 mouse;
uniform float time;
uniform sampler2D backbuffer;

struct Ray {
    vec3 origin;
    vec3 dir;
};

float field(vec3 p) {
    vec3 cell = floor(p / 2.0 + 0.5);
    vec3 q = mod(p + 1.0, 2.0) - 1.0;
    float pulse = 0.28 + 0.1 * sin(2.0 * time + dot(cell, vec3(1.1, 0.7, 1.3)));
    return length(q) - pulse;
}

vec3 normalAt(vec3 p) {
    vec2 e = vec2(1e-3, 0.0);
    return normalize(vec3(field(p + e.xyy) - field(p - e.xyy),
                          field(p + e.yxy) - field(p - e.yxy),
                          field(p + e.yyx) - field(p - e.yyx)));
}

void main() {
    vec2 uv = (gl_FragCoord.xy * 2.0 - resolution) / resolution.y;
    Ray ray;
    ray.origin = vec3(1.0 + 0.3 * sin(0.4 * time), 1.0, 0.9 * time);
    ray.dir = normalize(vec3(uv, 1.4));
    float bank = 0.3 * sin(0.35 * time);
    ray.dir.xy = mat2(cos(bank), sin(bank), -sin(bank), cos(bank)) * ray.dir.xy;

    float t = 0.0;
    for (int i = 0; i < 48; i++) {
        float d = field(ray.origin + ray.dir * t);
        if (d < 1e-3 || t > 25.0) break;
        t += d;
    }
    vec3 fog = vec3(0.75, 0.6, 0.85);
    vec3 col = fog;
    if (t < 25.0) {
        vec3 p = ray.origin + ray.dir * t;
        vec3 n = normalAt(p);
        vec3 l = normalize(vec3(0.5, 0.8, -0.3));
        float dif = max(dot(n, l), 0.0);
        vec3 cell = floor(p / 2.0 + 0.5);
        vec3 base = 0.5 + 0.4 * cos(vec3(0.0, 2.0, 4.0) + dot(cell, vec3(0.9, 1.7, 0.4)));
        col = base * (0.25 + 0.75 * dif) + 0.3 * pow(max(dot(reflect(ray.dir, n), l), 0.0), 16.0);
        col = mix(col, fog, smoothstep(3.0, 20.0, t));
    }
    gl_FragColor = vec4(col, 1.0);
}
