// flow_field: streaky line-integral rendering of a swirling, time-varying vector field, coloured by local flow direction
// features: user helper functions, uint hash ^ >>, value noise, int loop (advection), atan(y,x), smoothstep

float cellValue(vec2 i) {
    uvec2 u = uvec2(ivec2(i) + 4096);
    uint h = (u.x * 0x6A09E667u) ^ (u.y * 0xBB67AE85u);
    h ^= h >> 16u;
    h *= 0x3C6EF373u;
    h ^= h >> 15u;
    return float(h & 0xFFFFu) / 65535.0;
}

float noise2(vec2 p) {
    vec2 i = floor(p);
    vec2 f = p - i;
    f = f * f * (3.0 - 2.0 * f);
    return mix(mix(cellValue(i), cellValue(i + vec2(1.0, 0.0)), f.x),
               mix(cellValue(i + vec2(0.0, 1.0)), cellValue(i + vec2(1.0, 1.0)), f.x), f.y);
}

float flowAngle(vec2 p, float t) {
    return 3.0 * sin(0.9 * p.x + 0.4 * t) + 2.5 * cos(1.1 * p.y - 0.3 * t) + 1.5 * sin(0.7 * (p.x + p.y) + 0.2 * t);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p0 = (2.0 * fragCoord - iResolution.xy) / iResolution.y * 2.2;
    float t = iTime;
    vec2 p = p0;
    float acc = 0.0;
    float wsum = 0.0;
    // follow the field forward and accumulate high-frequency noise: streaks align with the flow
    for (int i = 0; i < 20; i++) {
        float a = flowAngle(p, t);
        p += 0.035 * vec2(cos(a), sin(a));
        float w = 1.0 - float(i) / 20.0;
        acc += w * noise2(p * 18.0 + vec2(0.0, 0.0));
        wsum += w;
    }
    acc /= wsum;
    vec2 dir = p - p0;
    float hue = atan(dir.y, dir.x);
    vec3 base = 0.5 + 0.45 * sin(hue + vec3(0.0, 2.1, 4.2));
    float streak = smoothstep(0.35, 0.75, acc);
    vec3 col = mix(vec3(0.03, 0.03, 0.06), base, streak);
    col *= 0.6 + 0.5 * smoothstep(0.2, 0.7, length(dir));
    fragColor = vec4(col, 1.0);
}
