// checker_hole: a checkerboard floor in perspective; a ripple ring sweeps across it knocking out every other tile (discarded pixels)
// features: DISCARD (checker mask inside the moving ripple and the sky), mod, floor, user helper function, smoothstep, mat2 rotation
float checker(vec2 g) {
    return mod(floor(g.x) + floor(g.y), 2.0);
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    float horizon = 0.35;
    if (p.y > horizon - 0.02) {
        discard;
    }
    float z = 1.0 / (horizon - p.y);
    vec2 g = vec2(p.x * z, z);
    float a = 0.1 * t;
    g = mat2(cos(a), sin(a), -sin(a), cos(a)) * g + vec2(0.3 * t, 0.9 * t);
    float c = checker(g * 0.9);
    // a ring of "holes" moves outward from the viewer
    float ringPos = mod(1.6 * t, 12.0) + 1.0;
    float inRing = smoothstep(1.5, 0.5, abs(z - ringPos)) * smoothstep(1.0, 2.5, ringPos);
    if (c > 0.5 && inRing > 0.5) {
        discard;
    }
    vec3 light = vec3(0.95, 0.9, 0.8);
    vec3 dark = vec3(0.2, 0.25, 0.45);
    vec3 col = mix(dark, light, c);
    col = mix(col, vec3(1.0, 0.45, 0.2), 0.6 * inRing);
    col *= exp(-0.06 * z);
    col = mix(col, vec3(0.35, 0.2, 0.4), smoothstep(4.0, 14.0, z));
    gl_FragColor = vec4(col, 1.0);
}
