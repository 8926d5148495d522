// bump_deriv: hammered copper plate: a procedural bump field lit by an orbiting light, normals taken from screen-space derivatives
// features: DERIVATIVES (dFdx/dFdy of the height give the surface normal, fwidth fades fine detail), user helper functions, mat2 rotation, pow, smoothstep, reflect
float bumps(vec2 p) {
    float h = 0.0;
    float a = 0.5;
    mat2 m2 = mat2(0.8, 0.6, -0.6, 0.8);
    for (int i = 0; i < 4; i++) {
        h += a * sin(p.x + sin(p.y + 0.3 * t)) * sin(p.y + sin(p.x - 0.2 * t));
        p = m2 * p * 1.9 + vec2(1.3, 0.4);
        a *= 0.5;
    }
    return h;
}

void main() {
    float scale = 4.0;
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y * scale;
    float h = bumps(p);
    float px = 2.0 * scale / r.y;
    vec3 n = normalize(vec3(-dFdx(h) / px, -dFdy(h) / px, 1.5));
    // where the height changes by a lot per pixel, flatten the colour detail
    float detail = 1.0 - smoothstep(0.05, 0.4, fwidth(h));

    vec2 lp = 3.0 * vec2(cos(0.7 * t), sin(0.7 * t));
    vec3 l = normalize(vec3(lp - p / scale * 2.0, 2.0));
    vec3 v = vec3(0.0, 0.0, 1.0);
    float dif = max(dot(n, l), 0.0);
    float spec = pow(max(dot(reflect(-l, n), v), 0.0), 24.0);
    vec3 copper = mix(vec3(0.45, 0.2, 0.1), vec3(0.95, 0.6, 0.35), 0.5 + 0.5 * h * detail);
    vec3 col = copper * (0.15 + 0.85 * dif) + vec3(1.0, 0.85, 0.7) * spec * 0.8;
    col *= 1.0 - 0.3 * dot(p / scale, p / scale) * 0.5;
    o = vec4(col, 1.0);
}
