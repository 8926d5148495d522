// hex_truchet: rotating hexagonal Truchet tiling of circular arcs, anti-aliased with fwidth, with travelling light pulses
// features: DERIVATIVES (fwidth for anti-aliased arc edges), cube-coordinate hex rounding, int arithmetic with %, uint hash ^ >>, mat2 rotation, smoothstep

const float SQRT3 = 1.7320508;

// nearest pointy-top hexagon centre (circumradius 1) via cube-coordinate rounding
vec4 hexCell(vec2 p) {
    float q = SQRT3 / 3.0 * p.x - p.y / 3.0;
    float r = 2.0 / 3.0 * p.y;
    vec3 cube = vec3(q, -q - r, r);
    vec3 rc = floor(cube + 0.5);
    vec3 diff = abs(rc - cube);
    if (diff.x > diff.y && diff.x > diff.z) rc.x = -rc.y - rc.z;
    else if (diff.y > diff.z) rc.y = -rc.x - rc.z;
    else rc.z = -rc.x - rc.y;
    vec2 centre = vec2(SQRT3 * (rc.x + 0.5 * rc.z), 1.5 * rc.z);
    return vec4(p - centre, rc.x, rc.z);
}

uint cellHash(ivec2 c) {
    uint h = uint(c.x + 1024) * 0x6A09E667u ^ uint(c.y + 2048) * 0xBB67AE85u;
    h ^= h >> 13u;
    h *= 0x3C6EF373u;
    return h ^ (h >> 16u);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float a = 0.09 * iTime;
    vec2 p = mat2(cos(a), sin(a), -sin(a), cos(a)) * uv * 3.3 + vec2(0.31 * iTime, 0.17 * iTime);

    vec4 h = hexCell(p);
    ivec2 id = ivec2(h.zw);
    uint hc = cellHash(id);
    // pick one of the two alternating corner triples
    float base = (hc & 1u) == 1u ? 0.5235988 : 1.5707963;
    float d = 1e3;
    for (int k = 0; k < 3; k++) {
        float ang = base + 2.0943951 * float(k);
        vec2 corner = vec2(cos(ang), sin(ang));
        vec2 v = h.xy - corner;
        float dk = abs(length(v) - 0.5);
        d = min(d, dk);
    }

    // anti-aliasing width from screen-space derivatives of the distance
    float aa = clamp(fwidth(d), 1e-4, 0.08);
    float band = smoothstep(0.13 + aa, 0.13 - aa, d);
    float core = smoothstep(0.05 + aa, 0.05 - aa, d);

    int tone = (id.x - id.y + 3000) % 3;
    vec3 tileCol = tone == 0 ? vec3(0.10, 0.12, 0.22) : (tone == 1 ? vec3(0.14, 0.09, 0.20) : vec3(0.08, 0.15, 0.18));
    float pulse = 0.5 + 0.5 * sin(2.5 * length(p - vec2(0.31 * iTime, 0.17 * iTime)) - 2.2 * iTime);
    vec3 ropeCol = mix(vec3(0.95, 0.55, 0.2), vec3(0.3, 0.85, 0.95), 0.5 + 0.5 * sin(dot(p, vec2(0.7, 0.4)) + 0.7 * iTime));
    vec3 col = tileCol;
    col = mix(col, ropeCol * (0.55 + 0.45 * pulse), band);
    col = mix(col, vec3(1.0, 0.97, 0.9), core * pulse);
    // subtle dark hexagon rim
    vec2 ah = abs(h.xy);
    float hexD = max(ah.x * 0.8660254 * 2.0 / SQRT3, ah.x * 0.5 + ah.y * 0.8660254);
    col *= 0.75 + 0.25 * smoothstep(0.86, 0.8, hexD);
    fragColor = vec4(col, 1.0);
}
