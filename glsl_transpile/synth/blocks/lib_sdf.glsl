// @lib sdf
// @about signed distances of 2D shapes and the smooth booleans that join them
float sdf_circle(vec2 p, float radius) {
    return length(p) - radius;
}

float sdf_box(vec2 p, vec2 half_size) {
    vec2 d = abs(p) - half_size;
    return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0);
}

float sdf_ring(vec2 p, float radius, float width) {
    return abs(length(p) - radius) - width;
}

// a regular hexagon of inner radius r (a distance bound: exact inside, close outside)
float sdf_hexagon(vec2 p, float r) {
    p = abs(p);
    return max(p.x * 0.8660254 + p.y * 0.5, p.y) - r;
}

// polynomial smooth minimum: blends the two distances over a band of width k
float smooth_union(float a, float b, float k) {
    float h = clamp(0.5 + 0.5 * (b - a) / k, 0.0, 1.0);
    return mix(b, a, h) - k * h * (1.0 - h);
}

float smooth_subtract(float a, float b, float k) {
    return -smooth_union(-a, b, k);
}

float smooth_intersect(float a, float b, float k) {
    return -smooth_union(-a, -b, k);
}
