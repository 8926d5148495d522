// @block coord polar
// @about polar map: x is the angle (in half turns), y the radius, with a twist growing outwards
// @param twist U(-1.5, 1.5)
// @param radial U(0.5, 2.0)
// @family polar
// @cost 1
vec2 coord_polar(vec2 p, float twist, float radial) {
    float r = length(p);
    float angle = atan(p.y, p.x) + twist * r;
    return vec2(angle / 3.1415927, r * radial);
}
