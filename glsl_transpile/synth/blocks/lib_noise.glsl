// @lib noise
// @needs hash
// @about lattice noises in [0, 1]: value, gradient, simplex and cellular (Worley)
float noise_value(vec2 p) {
    vec2 cell = floor(p);
    vec2 f = p - cell;
    vec2 w = f * f * (3.0 - 2.0 * f);
    float a = hash21(cell);
    float b = hash21(cell + vec2(1.0, 0.0));
    float c = hash21(cell + vec2(0.0, 1.0));
    float d = hash21(cell + vec2(1.0, 1.0));
    return mix(mix(a, b, w.x), mix(c, d, w.x), w.y);
}

// a pseudo-random gradient per corner, dotted with the offset to that corner
float corner_ramp(vec2 cell, vec2 offset) {
    vec2 g = hash22(cell) * 2.0 - 1.0;
    return dot(g, offset);
}

float noise_gradient(vec2 p) {
    vec2 cell = floor(p);
    vec2 f = p - cell;
    vec2 w = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    float a = corner_ramp(cell, f);
    float b = corner_ramp(cell + vec2(1.0, 0.0), f - vec2(1.0, 0.0));
    float c = corner_ramp(cell + vec2(0.0, 1.0), f - vec2(0.0, 1.0));
    float d = corner_ramp(cell + vec2(1.0, 1.0), f - vec2(1.0, 1.0));
    return 0.5 + 0.7 * mix(mix(a, b, w.x), mix(c, d, w.x), w.y);
}

// noise on a triangle lattice: skew to squares, pick the triangle, sum three radial kernels
float noise_simplex(vec2 p) {
    const float SKEW = 0.3660254;    // (sqrt(3) - 1) / 2
    const float UNSKEW = 0.2113249;  // (3 - sqrt(3)) / 6
    vec2 cell = floor(p + (p.x + p.y) * SKEW);
    vec2 d0 = p - cell + (cell.x + cell.y) * UNSKEW;
    vec2 step1 = d0.x > d0.y ? vec2(1.0, 0.0) : vec2(0.0, 1.0);
    vec2 d1 = d0 - step1 + UNSKEW;
    vec2 d2 = d0 - 1.0 + 2.0 * UNSKEW;
    vec3 falloff = max(0.5 - vec3(dot(d0, d0), dot(d1, d1), dot(d2, d2)), 0.0);
    falloff = falloff * falloff * falloff * falloff;
    vec3 ramps = vec3(corner_ramp(cell, d0), corner_ramp(cell + step1, d1),
                      corner_ramp(cell + vec2(1.0), d2));
    return 0.5 + 35.0 * dot(falloff, ramps);
}

// distances to the nearest and second-nearest moving feature point: (f1, f2)
vec2 noise_cellular(vec2 p, float t) {
    vec2 cell = floor(p);
    vec2 nearest = vec2(8.0);
    for (int j = -1; j <= 1; j++) {
        for (int i = -1; i <= 1; i++) {
            vec2 neighbour = cell + vec2(float(i), float(j));
            vec2 h = hash22(neighbour);
            vec2 feature = neighbour + 0.5 + 0.4 * sin(t + 6.2831853 * h);
            float d = length(p - feature);
            nearest = d < nearest.x ? vec2(d, nearest.x) : vec2(nearest.x, min(nearest.y, d));
        }
    }
    return nearest;
}
