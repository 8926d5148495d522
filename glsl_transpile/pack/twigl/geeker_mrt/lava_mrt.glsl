// lava_mrt: a lava lamp: warm wax blobs rise, merge and sink inside a glowing glass capsule; target 1 stores the wax field
// features: MRT (o0 colour, o1 field value), TEXTURE read texture(b1, uv), user helper functions, float loop, smoothstep, pow
float capsule(vec2 p) {
    // rounded vertical capsule, half height 0.75, radius 0.45 (negative inside)
    vec2 q = vec2(p.x, max(abs(p.y) - 0.45, 0.0));
    return length(q) - 0.45 * (1.0 - 0.15 * p.y);
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    float field = 0.0;
    for (float i = 0.0; i < 6.0; i++) {
        float speed = 0.25 + 0.07 * i;
        float y = 0.75 * sin(speed * t + 1.7 * i);                 // rise and fall
        float x = 0.18 * sin(0.4 * t + 2.3 * i) * (1.0 - 0.5 * abs(y));
        float rad = 0.11 + 0.035 * mod(i, 3.0);
        vec2 d = p - vec2(x, y);
        field += rad * rad / (dot(d, d) + 0.002);
    }
    field += 0.6 * smoothstep(-0.55, -0.85, p.y);                    // molten pool at the bottom

    float inside = smoothstep(0.01, -0.01, capsule(p));
    float wax = smoothstep(0.9, 1.1, field) * inside;
    vec3 liquid = mix(vec3(0.25, 0.05, 0.3), vec3(0.55, 0.1, 0.35), 0.5 + 0.5 * p.y);
    vec3 waxCol = mix(vec3(1.0, 0.35, 0.05), vec3(1.0, 0.85, 0.3), pow(clamp((field - 1.0) / 3.0, 0.0, 1.0), 0.5));
    vec3 col = vec3(0.03, 0.02, 0.04);
    col = mix(col, liquid, inside);
    col = mix(col, waxCol, wax);
    col += vec3(1.0, 0.5, 0.3) * 0.35 * smoothstep(0.04, 0.0, abs(capsule(p)));   // glass rim
    col += vec3(0.6, 0.3, 0.1) * 0.15 * exp(-3.0 * max(capsule(p), 0.0)) * (1.0 - inside);

    vec4 prev = texture(b1, gl_FragCoord.xy / r);
    o0 = vec4(mix(col, prev.rgb, 0.1) * prev.a, 1.0);
    o1 = vec4(clamp(field / 4.0, 0.0, 1.0), inside, wax, 1.0);
}
