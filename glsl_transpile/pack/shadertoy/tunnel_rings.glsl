// tunnel_rings: polar-mapped tunnel of glowing segmented rings rushing toward the viewer, with a twisting wall pattern
// features: TEXTURE read (texture(iChannel0, uv) mixed into the wall colour and alpha used as a gain), atan(y,x), mod, smoothstep, pow, user helper function

float segment(float x, float width) {
    float d = abs(fract(x) - 0.5);
    return smoothstep(width, width * 0.4, d);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    // wobble the vanishing point
    p += 0.25 * vec2(sin(0.5 * iTime), cos(0.37 * iTime));
    float r = length(p);
    float a = atan(p.y, p.x);                    // -pi..pi
    float depth = 0.4 / max(r, 1e-3);
    vec2 tuv = vec2(depth + 0.9 * iTime, a * 0.9549297 + 0.2 * iTime + 0.3 * depth); // 6 sectors per turn

    float rings = segment(tuv.x * 1.5, 0.08);
    float cells = mod(floor(tuv.x * 1.5) + floor(tuv.y), 2.0);
    float seams = segment(tuv.y, 0.04);
    vec3 wall = mix(vec3(0.12, 0.05, 0.25), vec3(0.05, 0.2, 0.3), cells);
    wall += vec3(0.2, 0.8, 1.0) * rings + vec3(1.0, 0.3, 0.6) * seams * 0.6;

    // the channel is unbound, so this is opaque black: it darkens the walls by a fixed amount
    vec4 tex = texture(iChannel0, fract(tuv * vec2(0.25, 0.5)));
    wall = mix(wall, tex.rgb, 0.2) * tex.a;

    float fog = pow(clamp(r * 1.4, 0.0, 1.0), 1.5);   // dark in the distance (centre)
    vec3 col = wall * fog + vec3(0.9, 0.6, 1.0) * 0.08 / (r + 0.08);
    fragColor = vec4(col, 1.0);
}
