#version 300 es
// square_tunnel: flight down a square corridor with glowing panel seams and frame-stepped running lights, darkening into the distance
// features: frame uniform f (running lights step per frame), TEXTURE read texture(b, uv), user helper function, max-norm distance, mod, smoothstep, pow
precision highp float;
uniform vec2 r;
uniform vec2 m;
uniform float t;
uniform float f;
uniform sampler2D b;
out vec4 o;

float seam(float x, float w) {
    float d = abs(fract(x) - 0.5);
    return smoothstep(0.5 - w, 0.5, d);
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    p += 0.15 * vec2(sin(0.6 * t), cos(0.45 * t));
    vec2 ap = abs(p);
    float d = max(ap.x, ap.y);                      // square "radius"
    float z = 0.5 / max(d, 0.02) + 1.3 * t;         // depth coordinate
    // position along the wall: the side's own coordinate divided by the square radius
    float side = ap.x > ap.y ? p.y / d : p.x / d;   // -1..1 across each wall
    float wallId = ap.x > ap.y ? (p.x > 0.0 ? 0.0 : 2.0) : (p.y > 0.0 ? 1.0 : 3.0);

    vec3 wall = mix(vec3(0.12, 0.13, 0.18), vec3(0.2, 0.16, 0.26), mod(wallId, 2.0));
    float panels = seam(z * 0.8, 0.06) + seam(side * 2.0 + 0.5, 0.05);
    wall += vec3(0.2, 0.7, 1.0) * panels * 0.6;

    // running lights: one lamp per metre of depth, the lit lamp advances every 4 frames
    float lamp = floor(z * 0.8);
    float litLamp = mod(floor(f / 4.0), 8.0);
    float isLit = 1.0 - step(0.5, abs(mod(lamp, 8.0) - litLamp));
    float bulb = smoothstep(0.35, 0.0, length(vec2(fract(z * 0.8) - 0.5, side * 1.5)));
    wall += vec3(1.0, 0.55, 0.2) * bulb * (0.25 + 1.5 * isLit);

    float fog = pow(clamp(d * 1.6, 0.0, 1.0), 1.2);
    vec3 col = wall * fog;
    vec4 prev = texture(b, gl_FragCoord.xy / r);
    col = mix(col, prev.rgb, 0.2) * prev.a;
    o = vec4(col, 1.0);
}
