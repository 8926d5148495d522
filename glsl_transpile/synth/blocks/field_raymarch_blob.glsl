// @block field raymarch_blob
// @about a turning torus melted into a rounded box, ray marched (48 steps) and lit by one light
// @param major U(0.5, 0.9)
// @param minor U(0.15, 0.35)
// @param box_size U(0.2, 0.5)
// @param melt U(0.1, 0.5)
// @param spin U(0.2, 0.8)
// @param light_x U(-1.0, 1.0)
// @param light_y U(0.3, 1.0)
// @time
// @needs sdf3
// @cost 6
float blob_distance(vec3 p, float major, float minor, float box_size, float melt, float turn) {
    vec3 q = p;
    q.xz = rotation(turn) * q.xz;
    q.xy = rotation(0.6 * turn) * q.xy;
    float torus = scene_torus(q, major, minor);
    float box = scene_rounded_box(q, vec3(box_size), 0.05);
    return scene_blend(torus, box, melt);
}

vec2 field_raymarch_blob(vec2 p, float major, float minor, float box_size, float melt,
                         float spin, float light_x, float light_y, float t) {
    vec3 origin = vec3(0.0, 0.0, -3.0);
    vec3 ray = normalize(vec3(p, 1.8));
    float travelled = 0.0;
    float turn = t * spin;
    for (int i = 0; i < 48; i++) {
        float d = blob_distance(origin + ray * travelled, major, minor, box_size, melt, turn);
        if (d < 0.002 || travelled > 6.0) {
            break;
        }
        travelled += d;
    }
    if (travelled > 6.0) {
        return vec2(0.15 * length(p), 0.5);
    }
    vec3 hit = origin + ray * travelled;
    const vec2 H = vec2(0.002, 0.0);
    vec3 normal = normalize(vec3(
        blob_distance(hit + H.xyy, major, minor, box_size, melt, turn)
            - blob_distance(hit - H.xyy, major, minor, box_size, melt, turn),
        blob_distance(hit + H.yxy, major, minor, box_size, melt, turn)
            - blob_distance(hit - H.yxy, major, minor, box_size, melt, turn),
        blob_distance(hit + H.yyx, major, minor, box_size, melt, turn)
            - blob_distance(hit - H.yyx, major, minor, box_size, melt, turn)));
    vec3 light = normalize(vec3(light_x, light_y, -0.7));
    float diffuse = max(dot(normal, light), 0.0);
    return vec2(0.5 + 0.5 * normal.y, 0.25 + 0.75 * diffuse);
}
