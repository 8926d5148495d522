#version 300 es
// truchet_weave: drifting square Truchet tiling of quarter-circle tubes with flowing colour and soft shadows between tiles
// features: ASSIGNMENTS INSIDE ?: (accumulating tube/glow weights), ZERO-INIT locals (float c, g;), uint hash with ^ >> &, precision highp int statement, int/uint conversions, mat2 rotation, smoothstep
precision highp float;
precision highp int;
uniform vec2 r;
uniform vec2 m;
uniform float t;
uniform sampler2D b;
out vec4 o;

uint tileHash(ivec2 c) {
    uvec2 u = uvec2(c + 2048);
    uint h = (u.x * 0x6A09E667u) ^ (u.y * 0x3C6EF373u + 0x9B05688Cu);
    h ^= h >> 15u;
    h *= 0xBB67AE85u;
    h ^= h >> 12u;
    return h;
}

void main() {
    vec2 uv = (gl_FragCoord.xy * 2.0 - r) / r.y;
    float a = 0.1 * sin(0.3 * t);
    vec2 p = mat2(cos(a), sin(a), -sin(a), cos(a)) * uv * 3.7 + vec2(0.41 * t, 0.23 * t);
    ivec2 cell = ivec2(floor(p));
    vec2 q = fract(p) - 0.5;
    uint h = tileHash(cell);
    // flip half of the tiles: mirrors the pair of arcs
    if ((h & 1u) == 1u) q.x = -q.x;

    // two quarter arcs around opposite corners
    vec2 c0 = q - vec2(0.5, 0.5);
    vec2 c1 = q + vec2(0.5, 0.5);
    float d0 = abs(length(c0) - 0.5);
    float d1 = abs(length(c1) - 0.5);
    float d = min(d0, d1);
    float along = d0 < d1 ? atan(c0.y, c0.x) : atan(c1.y, c1.x);

    float c;      // zero-initialised tube weight
    float g;      // zero-initialised glow weight
    d < 0.16 ? c += smoothstep(0.16, 0.12, d) : g += exp(-18.0 * (d - 0.16));

    // colour flows with position; stripes use 8*angle, which matches at every tile edge (angles k*pi/2)
    vec3 tubeCol = 0.55 + 0.45 * sin(vec3(0.0, 2.0, 4.0) + 0.6 * p.x - 0.4 * p.y + 0.7 * t);
    tubeCol *= 0.75 + 0.25 * sin(8.0 * along - 3.0 * t);
    float shade = 0.55 + 0.45 * sqrt(clamp(1.0 - d / 0.16, 0.0, 1.0));
    vec3 col = vec3(0.06, 0.05, 0.1) * (1.0 - 0.7 * g);
    col = mix(col, tubeCol * shade, c);
    col += vec3(0.02, 0.03, 0.06) * (1.0 - abs(q.x) - abs(q.y));
    o = vec4(col, 1.0);
}
