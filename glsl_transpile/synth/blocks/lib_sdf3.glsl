// @lib sdf3
// @needs rotate
// @about a small 3D scene for ray marching: distance, normal and a march with a constant bound
float scene_torus(vec3 p, float major, float minor) {
    vec2 q = vec2(length(p.xz) - major, p.y);
    return length(q) - minor;
}

float scene_rounded_box(vec3 p, vec3 half_size, float rounding) {
    vec3 q = abs(p) - half_size;
    return length(max(q, 0.0)) + min(max(q.x, max(q.y, q.z)), 0.0) - rounding;
}

float scene_blend(float a, float b, float k) {
    float h = clamp(0.5 + 0.5 * (b - a) / k, 0.0, 1.0);
    return mix(b, a, h) - k * h * (1.0 - h);
}
