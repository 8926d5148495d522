#version 300 es
// hex_pulse: honeycomb whose cells light up in expanding waves from a wandering source, with fwidth anti-aliased cell walls
// features: DERIVATIVES (fwidth for anti-aliased hexagon walls), cube-coordinate hex rounding, user helper functions, int %, smoothstep, exp
precision highp float;
uniform vec2 resolution;
uniform vec2 mouse;
uniform float time;
uniform sampler2D backbuffer;
out vec4 outColor;

// flat-top hexagons with circumradius 1: returns local offset (xy) and axial cell coordinates (zw)
vec4 hexLocate(vec2 p) {
    float q = 2.0 / 3.0 * p.x;
    float r = -p.x / 3.0 + 0.57735027 * p.y;
    vec3 c = vec3(q, r, -q - r);
    vec3 rc = floor(c + 0.5);
    vec3 e = abs(rc - c);
    if (e.x > e.y && e.x > e.z) rc.x = -rc.y - rc.z;
    else if (e.y > e.z) rc.y = -rc.x - rc.z;
    vec2 centre = vec2(1.5 * rc.x, 1.7320508 * (rc.y + 0.5 * rc.x));
    return vec4(p - centre, rc.xy);
}

float hexEdgeDistance(vec2 l) {
    vec2 a = abs(l);
    // distance from the centre in the flat-top hexagon metric (apothem 0.866)
    return max(a.y, 0.8660254 * a.x + 0.5 * a.y);
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - resolution) / resolution.y * 4.1;
    vec4 h = hexLocate(p);
    vec2 centre = p - h.xy;
    vec2 source = vec2(2.2 * sin(0.31 * time), 1.6 * cos(0.43 * time));
    float dist = length(centre - source);
    float wave = 0.5 + 0.5 * cos(1.3 * dist - 2.4 * time);
    wave = pow(wave, 4.0);

    int tone = (int(h.z) - int(h.w) + 999) % 3;
    vec3 base = tone == 0 ? vec3(0.95, 0.55, 0.15) : tone == 1 ? vec3(0.9, 0.25, 0.45) : vec3(0.25, 0.55, 0.95);
    float e = 0.8660254 - hexEdgeDistance(h.xy);        // distance to the cell wall
    float aa = fwidth(e);
    float wall = 1.0 - smoothstep(0.04, 0.04 + 1.5 * aa, e);
    float glowIn = exp(-4.0 * e);

    vec3 col = base * (0.12 + 0.9 * wave) * (0.7 + 0.3 * glowIn);
    col = mix(col, vec3(0.02, 0.02, 0.05), wall);
    col += base * wall * 0.25 * wave;
    outColor = vec4(col, 1.0);
}
