// @block field raymarch_spheres
// @about a row of bobbing spheres over a floor, ray marched (48 steps), diffuse plus rim light
// @param radius U(0.25, 0.5)
// @param spacing U(0.9, 1.6)
// @param bob U(0.1, 0.5)
// @param speed U(0.5, 2.0)
// @param camera_height U(0.2, 1.0)
// @time
// @needs sdf3
// @cost 5
float spheres_distance(vec3 p, float radius, float spacing, float bob, float t) {
    float cell = floor(p.x / spacing + 0.5);
    vec3 q = vec3(p.x - cell * spacing, p.y - bob * sin(t + cell * 1.7), p.z);
    float sphere = length(q) - radius;
    float floor_plane = p.y + radius + bob + 0.2;
    return scene_blend(sphere, floor_plane, 0.3);
}

vec2 field_raymarch_spheres(vec2 p, float radius, float spacing, float bob, float speed,
                            float camera_height, float t) {
    vec3 origin = vec3(0.3 * t, camera_height, -3.0);
    vec3 ray = normalize(vec3(p.x, p.y - 0.25 * camera_height, 1.6));
    float travelled = 0.0;
    float phase = t * speed;
    for (int i = 0; i < 48; i++) {
        float d = spheres_distance(origin + ray * travelled, radius, spacing, bob, phase);
        if (d < 0.002 || travelled > 10.0) {
            break;
        }
        travelled += d;
    }
    if (travelled > 10.0) {
        return vec2(0.8 + 0.2 * p.y, 0.6);
    }
    vec3 hit = origin + ray * travelled;
    const vec2 H = vec2(0.002, 0.0);
    float here = spheres_distance(hit, radius, spacing, bob, phase);
    vec3 normal = normalize(vec3(
        spheres_distance(hit + H.xyy, radius, spacing, bob, phase) - here,
        spheres_distance(hit + H.yxy, radius, spacing, bob, phase) - here,
        spheres_distance(hit + H.yyx, radius, spacing, bob, phase) - here));
    float diffuse = max(dot(normal, normalize(vec3(0.5, 0.8, -0.4))), 0.0);
    float rim = pow(1.0 - max(dot(normal, -ray), 0.0), 3.0);
    return vec2(fract(travelled * 0.25), 0.2 + 0.6 * diffuse + 0.4 * rim);
}
