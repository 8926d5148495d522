// galaxy_spiral: a rotating two-armed spiral galaxy with dust lanes and a bright core, over a field of hashed background stars
// features: uint hash (^, >>, *) with a precision highp int statement, ivec2/uvec2 conversions, atan(y,x), log, mat2 rotation, user helper functions, smoothstep, exp, pow
precision highp int;

float starHash(ivec2 c) {
    uvec2 u = uvec2(c + 3000);
    uint h = u.x * 0x9E3779B9u ^ (u.y * 0x85EBCA6Bu + (u.x >> 5u));
    h ^= h >> 15u;
    h *= 0x6A09E667u;
    h ^= h >> 16u;
    return float(h & 0xFFFFu) / 65535.0;
}

float background(vec2 p) {
    vec2 g = p * 24.0;
    vec2 f = fract(g) - 0.5;
    float h = starHash(ivec2(floor(g)));
    return smoothstep(0.985, 1.0, h) * exp(-40.0 * dot(f, f)) * 2.0;
}

void main() {
    vec2 p = (gl_FragCoord.xy * 2.0 - r) / r.y;
    vec3 col = vec3(0.8, 0.85, 1.0) * background(p + vec2(0.01 * t, 0.0));

    // tilt the disc, then spin it
    vec2 q = vec2(p.x, p.y * 1.6);
    float c = cos(0.25 * t), s = sin(0.25 * t);
    q = mat2(c, s, -s, c) * q;
    float rad = length(q) + 1e-4;
    float ang = atan(q.y, q.x);
    float spiral = cos(2.0 * (ang - 2.2 * log(rad)));          // two logarithmic arms
    float disc = exp(-2.2 * rad);
    float arms = pow(0.5 + 0.5 * spiral, 3.0) * disc;
    float dust = smoothstep(0.2, 0.9, 0.5 + 0.5 * cos(2.0 * (ang - 2.2 * log(rad)) + 0.6)) * disc;
    vec3 armCol = mix(vec3(0.45, 0.6, 1.0), vec3(1.0, 0.85, 0.7), exp(-4.0 * rad));
    col += armCol * arms * 1.6;
    col *= 1.0 - 0.5 * dust;
    col += vec3(1.0, 0.9, 0.7) * exp(-14.0 * rad) * 1.2;
    col += vec3(0.25, 0.1, 0.35) * disc * 0.4;
    o = vec4(col, 1.0);
}
