// kaleido_petal: eight-fold mirror kaleidoscope over a drifting scene of translucent coloured discs and stripes, with a backbuffer tint
// features: TEXTURE read texture2D(b, uv), atan(y,x), mod (sector folding), mat2 rotation, user helper functions, float loop, smoothstep
vec2 foldSector(vec2 p, float n) {
    float sector = 6.2831853 / n;
    float a = mod(atan(p.y, p.x), sector);
    a = abs(a - 0.5 * sector);
    return length(p) * vec2(cos(a), sin(a));
}

mat2 turn(float a) {
    return mat2(cos(a), sin(a), -sin(a), cos(a));
}

vec3 scene(vec2 q) {
    vec3 c = vec3(0.06, 0.03, 0.12);
    for (float i = 0.0; i < 4.0; i++) {
        vec2 centre = vec2(0.55 + 0.35 * sin(0.37 * t + 1.9 * i), 0.3 * sin(0.53 * t + 2.7 * i));
        float d = length(q - centre);
        vec3 tone = 0.5 + 0.5 * sin(vec3(0.2, 2.3, 4.4) + 1.7 * i + 0.2 * t);
        float disc = smoothstep(0.24 + 0.05 * i, 0.2 + 0.05 * i, d);
        c = mix(c, tone, 0.55 * disc);
        c += tone * 0.5 * smoothstep(0.015, 0.0, abs(d - 0.22 - 0.05 * i));
    }
    c *= 0.8 + 0.2 * sin(28.0 * q.x + 3.0 * q.y - 2.0 * t);
    return c;
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    p = turn(0.15 * t) * p;
    vec2 q = foldSector(p, 8.0);
    q = foldSector(turn(0.21 * t) * (q - vec2(0.6, 0.0)), 4.0) + vec2(0.3, 0.0);
    vec3 col = scene(q);
    float rr = length(p);
    col *= smoothstep(1.6, 0.5, rr) * 0.8 + 0.2;
    vec4 prev = texture2D(b, gl_FragCoord.xy / r);
    col = mix(col, prev.rgb, 0.2) * prev.a;
    gl_FragColor = vec4(col, 1.0);
}
