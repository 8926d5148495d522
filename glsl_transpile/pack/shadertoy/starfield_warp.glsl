// starfield_warp: several parallax layers of twinkling coloured stars drifting past a nebula haze
// features: TEXTURE read with LOD bias (texture(iChannel1, uv, 1.5)), uint hash ^ >>, ivec2 arithmetic, float array filled in a loop, mat2 rotation, smoothstep, fract

uint hash2u(ivec2 c, uint layer) {
    uvec2 u = uvec2(c + 8192);
    uint h = (u.x * 0x6A09E667u) ^ (u.y * 0xBB67AE85u) ^ (layer * 0x3C6EF373u);
    h ^= h >> 15u;
    h *= 0xA54FF53Bu;
    h ^= h >> 13u;
    return h;
}

vec3 starLayer(vec2 p, uint layer, float twinkleT) {
    ivec2 cell = ivec2(floor(p));
    vec2 f = fract(p) - 0.5;
    uint h = hash2u(cell, layer);
    vec2 jitter = vec2(float(h & 255u), float((h >> 8u) & 255u)) / 255.0 - 0.5;
    float bright = float((h >> 16u) & 255u) / 255.0;
    vec2 d = f - 0.5 * jitter;
    float core = exp(-120.0 * dot(d, d)) * step(0.45, bright);   // only some cells hold a star
    float tw = 0.6 + 0.4 * sin(twinkleT * (1.0 + 2.0 * bright) + 6.2831 * bright);
    vec3 tint = mix(vec3(0.6, 0.75, 1.0), vec3(1.0, 0.75, 0.5), fract(bright * 7.0));
    return tint * core * tw * (0.4 + bright);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float c = cos(0.05 * iTime), s = sin(0.05 * iTime);
    uv = mat2(c, s, -s, c) * uv;

    // per-layer depth fractions, filled in a loop
    float depth[4];
    for (int i = 0; i < 4; i++) {
        depth[i] = fract(float(i) * 0.25 + 0.07 * iTime);
    }

    vec3 col = vec3(0.0);
    for (int i = 0; i < 4; i++) {
        float z = depth[i];
        float fade = smoothstep(0.0, 0.25, z) * smoothstep(1.0, 0.7, z);
        float scale = mix(14.0, 2.5, z);
        // the layer id changes only when the layer has faded out
        uint layer = uint(i) + 4u * uint(floor(float(i) * 0.25 + 0.07 * iTime));
        col += starLayer(uv * scale + vec2(float(i) * 7.31, float(i) * 3.17), layer, 3.0 * iTime) * fade;
    }

    vec3 haze = vec3(0.15, 0.05, 0.25) * smoothstep(1.4, 0.0, length(uv - vec2(0.4 * sin(0.2 * iTime), 0.2)));
    haze += vec3(0.02, 0.08, 0.15) * (0.5 + 0.5 * sin(3.0 * uv.x + 2.0 * uv.y + 0.3 * iTime));
    // unbound channel: biased lookup returns opaque black, used to dim the haze and as the alpha gain
    vec4 tex = texture(iChannel1, uv * 0.5 + 0.5, 1.5);
    haze = mix(haze, tex.rgb, 0.25);
    col = (col + haze) * tex.a;
    fragColor = vec4(col, 1.0);
}
