// sdf_blend_2d: four orbiting 2D signed-distance shapes melting together with a smooth union; colour-blended fill, iso-distance ripples, far field discarded
// features: struct (Shape) and array of structs filled in a loop, DISCARD (far outside the union), user helper functions, mat2, smoothstep, exp/log smooth minimum, int switch-like branching

struct Shape {
    vec2 pos;
    float size;
    vec3 colour;
    int kind;      // 0 circle, 1 box, 2 ring, 3 diamond
};

float shapeDist(Shape s, vec2 p, float t) {
    vec2 q = p - s.pos;
    float c = cos(t), sn = sin(t);
    q = mat2(c, sn, -sn, c) * q;
    if (s.kind == 0) return length(q) - s.size;
    if (s.kind == 1) {
        vec2 d = abs(q) - vec2(s.size, s.size * 0.6);
        return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0);
    }
    if (s.kind == 2) return abs(length(q) - s.size) - 0.07;
    return (abs(q.x) + abs(q.y) - s.size) * 0.7071;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    Shape shapes[4];
    for (int i = 0; i < 4; i++) {
        float fi = float(i);
        float a = 0.45 * iTime + fi * 1.5708;
        shapes[i].pos = vec2(0.55 * cos(a), 0.42 * sin(1.3 * a + fi)) * (0.8 + 0.2 * sin(iTime + fi));
        shapes[i].size = 0.2 + 0.05 * fi;
        shapes[i].colour = 0.55 + 0.45 * sin(vec3(0.0, 2.1, 4.2) + 1.7 * fi);
        shapes[i].kind = i;
    }

    const float k = 0.12;
    float dist[4];
    float m = 1e3;
    for (int i = 0; i < 4; i++) {
        dist[i] = shapeDist(shapes[i], p, 0.7 * iTime + float(i));
        m = min(m, dist[i]);
    }
    // exponential smooth union, shifted by the minimum so every exp() is <= 1 and the log argument >= 1
    float wsum = 0.0;
    vec3 tint = vec3(0.0);
    for (int i = 0; i < 4; i++) {
        float w = exp(-(dist[i] - m) / k);
        wsum += w;
        tint += shapes[i].colour * w;
    }
    float d = m - k * log(wsum);
    tint /= wsum;

    if (d > 0.55) {
        discard;
    }

    vec3 col = vec3(0.06, 0.05, 0.09);
    float ripple = 0.5 + 0.5 * cos(60.0 * d - 4.0 * iTime);
    col += tint * 0.35 * ripple * smoothstep(0.55, 0.0, d) * step(0.0, d);
    float fill = smoothstep(0.01, -0.01, d);
    vec3 inner = tint * (0.75 + 0.25 * cos(25.0 * d));
    col = mix(col, inner, fill);
    col = mix(col, vec3(1.0), smoothstep(0.02, 0.0, abs(d)) * 0.8);     // outline
    fragColor = vec4(col, 1.0);
}
