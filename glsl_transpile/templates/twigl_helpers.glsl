// TwiGL's geekest-mode helper library, written for this project. The names and results are the
// platform's: simplex noise in 2, 3 and 4 dimensions (Perlin 2001) with the gradient selection of
// McEwan et al. 2012, "Efficient computational noise in GLSL" (hash = permutation polynomial
// (34x^2 + x) mod 289; gradients from rings of 41 / 7x7 / 7x7x6 points; 1/sqrt(r) approximated by
// 1.79284291400159 - 0.85373472095314 r), a sine hash, HSV to RGB and rotation matrices.
// Each simplex corner is evaluated by its own function. Valid GLSL ES 1.00 and desktop GLSL.
#define F4 0.309016994374947451
float mod289(float x) { return x - floor(x * (1.0 / 289.0)) * 289.0; }
vec2 mod289(vec2 x) { return x - floor(x * (1.0 / 289.0)) * 289.0; }
vec3 mod289(vec3 x) { return x - floor(x * (1.0 / 289.0)) * 289.0; }
vec4 mod289(vec4 x) { return x - floor(x * (1.0 / 289.0)) * 289.0; }
float permute(float x) { return mod289(((x * 34.0) + 1.0) * x); }
vec3 permute(vec3 x) { return mod289(((x * 34.0) + 1.0) * x); }
vec4 permute(vec4 x) { return mod289(((x * 34.0) + 1.0) * x); }
float taylorInvSqrt(float r) { return 1.79284291400159 - 0.85373472095314 * r; }
vec4 taylorInvSqrt(vec4 r) { return 1.79284291400159 - 0.85373472095314 * r; }

// -- 2-D: offset d from a corner, that corner's hash -------------------------------------------
float twiglCorner2(vec2 d, float hash) {
    float w = max(0.5 - dot(d, d), 0.0);
    w *= w;
    w *= w;
    float gx = 2.0 * fract(hash * 0.024390243902439) - 1.0;  // 41 points on a line...
    float gy = abs(gx) - 0.5;                                 // ...folded onto a diamond
    gx -= floor(gx + 0.5);
    w *= taylorInvSqrt(gx * gx + gy * gy);
    return w * (gx * d.x + gy * d.y);
}

float snoise2D(vec2 v) {
    const float G2 = 0.211324865405187;  // (3 - sqrt(3)) / 6
    const float F2 = 0.366025403784439;  // (sqrt(3) - 1) / 2
    vec2 base = floor(v + dot(v, vec2(F2)));
    vec2 d0 = v - base + dot(base, vec2(G2));
    vec2 step1 = (d0.x > d0.y) ? vec2(1.0, 0.0) : vec2(0.0, 1.0);
    vec2 d1 = d0 + G2 - step1;
    vec2 d2 = d0 + (-0.577350269189626);  // 2 * G2 - 1
    vec2 cell = mod289(base);
    float h0 = permute(permute(cell.y) + cell.x);
    float h1 = permute(permute(cell.y + step1.y) + cell.x + step1.x);
    float h2 = permute(permute(cell.y + 1.0) + cell.x + 1.0);
    return 130.0 * (twiglCorner2(d0, h0) + twiglCorner2(d1, h1) + twiglCorner2(d2, h2));
}

// -- 3-D ---------------------------------------------------------------------------------------
float twiglCorner3(vec3 d, float hash) {
    // a 7x7 grid over [-1, 1]^2 (step 2/7, from -13/14) mapped onto an octahedron
    vec3 ns = 0.142857142857 * vec3(2.0, 0.5, 1.0) - vec3(0.0, 1.0, 0.0);
    float j = hash - 49.0 * floor(hash * ns.z * ns.z);  // hash mod 49
    float jx = floor(j * ns.z);
    float jy = floor(j - 7.0 * jx);
    vec3 g = vec3(jx * ns.x + ns.y, jy * ns.x + ns.y, 0.0);
    g.z = 1.0 - abs(g.x) - abs(g.y);
    if (g.z <= 0.0) {
        g.xy -= floor(g.xy) * 2.0 + 1.0;
    }
    g *= taylorInvSqrt(dot(g, g));
    float w = max(0.6 - dot(d, d), 0.0);
    w *= w;
    return w * w * dot(g, d);
}

float snoise3D(vec3 v) {
    const float G3 = 1.0 / 6.0;
    vec3 base = floor(v + dot(v, vec3(1.0 / 3.0)));
    vec3 d0 = v - base + dot(base, vec3(G3));
    vec3 ge = step(d0.yzx, d0.xyz);
    vec3 lt = 1.0 - ge;
    vec3 o1 = min(ge, lt.zxy);
    vec3 o2 = max(ge, lt.zxy);
    vec3 cell = mod289(base);
    float h0 = permute(permute(permute(cell.z) + cell.y) + cell.x);
    float h1 = permute(permute(permute(cell.z + o1.z) + cell.y + o1.y) + cell.x + o1.x);
    float h2 = permute(permute(permute(cell.z + o2.z) + cell.y + o2.y) + cell.x + o2.x);
    float h3 = permute(permute(permute(cell.z + 1.0) + cell.y + 1.0) + cell.x + 1.0);
    return 42.0 * (twiglCorner3(d0, h0) + twiglCorner3(d0 - o1 + G3, h1)
                   + twiglCorner3(d0 - o2 + 2.0 * G3, h2) + twiglCorner3(d0 - 0.5, h3));
}

// -- 4-D ---------------------------------------------------------------------------------------
vec4 grad4(float j, vec4 ip) {
    // 7x7x6 points on a cube mapped onto the 4-D cross polytope
    vec4 p = vec4(floor(fract(vec3(j) * ip.xyz) * 7.0) * ip.z - 1.0, 0.0);
    p.w = 1.5 - dot(abs(p.xyz), vec3(1.0));
    if (p.w < 0.0) {
        p.xyz += vec3(p.x < 0.0 ? 1.0 : -1.0, p.y < 0.0 ? 1.0 : -1.0, p.z < 0.0 ? 1.0 : -1.0);
    }
    return p;
}

float twiglCorner4(vec4 d, float hash) {
    vec4 g = grad4(hash, vec4(1.0 / 294.0, 1.0 / 49.0, 1.0 / 7.0, 0.0));
    g *= taylorInvSqrt(dot(g, g));
    float w = max(0.6 - dot(d, d), 0.0);
    w *= w;
    return w * w * dot(g, d);
}

float twiglHash4(vec4 cell) {
    return permute(permute(permute(permute(cell.w) + cell.z) + cell.y) + cell.x);
}

float snoise4D(vec4 v) {
    // G4 = (5 - sqrt(5)) / 20 and the offsets of corners 1..4: G4, 2 G4, 3 G4, 4 G4 - 1
    const vec4 G = vec4(0.138196601125011, 0.276393202250021, 0.414589803375032,
                        -0.447213595499958);
    vec4 base = floor(v + dot(v, vec4(F4)));
    vec4 d0 = v - base + dot(base, G.xxxx);
    // rank of each component of d0 among the four: the simplex is walked in that order
    vec4 rank = vec4(0.0);
    rank.x = step(d0.y, d0.x) + step(d0.z, d0.x) + step(d0.w, d0.x);
    rank.y = (1.0 - step(d0.y, d0.x)) + step(d0.z, d0.y) + step(d0.w, d0.y);
    rank.z = (1.0 - step(d0.z, d0.x)) + (1.0 - step(d0.z, d0.y)) + step(d0.w, d0.z);
    rank.w = (1.0 - step(d0.w, d0.x)) + (1.0 - step(d0.w, d0.y)) + (1.0 - step(d0.w, d0.z));
    vec4 o3 = clamp(rank, 0.0, 1.0);
    vec4 o2 = clamp(rank - 1.0, 0.0, 1.0);
    vec4 o1 = clamp(rank - 2.0, 0.0, 1.0);
    vec4 cell = mod289(base);
    float n = twiglCorner4(d0, twiglHash4(cell))
            + twiglCorner4(d0 - o1 + G.xxxx, twiglHash4(cell + o1))
            + twiglCorner4(d0 - o2 + G.yyyy, twiglHash4(cell + o2))
            + twiglCorner4(d0 - o3 + G.zzzz, twiglHash4(cell + o3))
            + twiglCorner4(d0 + G.wwww, twiglHash4(cell + 1.0));
    return 49.0 * n;
}

float fsnoise(vec2 c) { return fract(sin(dot(c, vec2(12.9898, 78.233))) * 43758.5453); }
float fsnoiseDigits(vec2 c) { return fract(sin(dot(c, vec2(0.129898, 0.78233))) * 437.585453); }
vec3 hsv(float h, float s, float v) {
    vec3 ramp = clamp(abs(fract(vec3(h) + vec3(1.0, 2.0 / 3.0, 1.0 / 3.0)) * 6.0 - 3.0) - 1.0,
                      0.0, 1.0);
    return v * mix(vec3(1.0), ramp, s);
}
mat2 rotate2D(float r) { return mat2(cos(r), sin(r), -sin(r), cos(r)); }
mat3 rotate3D(float angle, vec3 axis) {
    // Rodrigues' rotation formula, column-major
    vec3 a = normalize(axis);
    float s = sin(angle);
    float c = cos(angle);
    vec3 k = a * (1.0 - c);
    return mat3(k.x * a.x + c, k.x * a.y + a.z * s, k.x * a.z - a.y * s,
                k.y * a.x - a.z * s, k.y * a.y + c, k.y * a.z + a.x * s,
                k.z * a.x + a.y * s, k.z * a.y - a.x * s, k.z * a.z + c);
}
const float PI = 3.141592653589793;
const float PI2 = PI * 2.0;
