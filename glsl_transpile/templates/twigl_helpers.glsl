// TwiGL's geekest-mode helper library, written for this project from the published algorithms:
// simplex noise in 2, 3 and 4 dimensions (Perlin 2001; the permutation polynomial
// (34x^2 + x) mod 289 and the Taylor approximation 1.79284291400159 - 0.85373472095314 r of
// 1/sqrt(r) popularised by McEwan et al. 2012, "Efficient computational noise in GLSL"), a sine
// hash, HSV to RGB and rotation matrices. Valid GLSL ES 1.00 and desktop GLSL.
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

float snoise2D(vec2 v) {
    // skew to the simplex grid: F2 = (sqrt(3) - 1) / 2, G2 = (3 - sqrt(3)) / 6
    const vec4 K = vec4(0.211324865405187, 0.366025403784439, -0.577350269189626, 0.024390243902439);
    vec2 cell = floor(v + dot(v, K.yy));
    vec2 d0 = v - cell + dot(cell, K.xx);
    vec2 step1 = (d0.x > d0.y) ? vec2(1.0, 0.0) : vec2(0.0, 1.0);
    vec4 d12 = d0.xyxy + K.xxzz;
    d12.xy -= step1;
    cell = mod289(cell);
    vec3 hashes = permute(permute(cell.y + vec3(0.0, step1.y, 1.0)) + cell.x + vec3(0.0, step1.x, 1.0));
    vec3 falloff = max(0.5 - vec3(dot(d0, d0), dot(d12.xy, d12.xy), dot(d12.zw, d12.zw)), 0.0);
    falloff = falloff * falloff;
    falloff = falloff * falloff;
    // 41 gradient directions on a line folded onto a diamond
    vec3 gx = 2.0 * fract(hashes * K.www) - 1.0;
    vec3 gy = abs(gx) - 0.5;
    vec3 gxr = gx - floor(gx + 0.5);
    falloff *= 1.79284291400159 - 0.85373472095314 * (gxr * gxr + gy * gy);
    vec3 dots;
    dots.x = gxr.x * d0.x + gy.x * d0.y;
    dots.yz = gxr.yz * d12.xz + gy.yz * d12.yw;
    return 130.0 * dot(falloff, dots);
}

float snoise3D(vec3 v) {
    const vec2 K = vec2(1.0 / 6.0, 1.0 / 3.0);
    const vec4 D = vec4(0.0, 0.5, 1.0, 2.0);
    vec3 cell = floor(v + dot(v, K.yyy));
    vec3 d0 = v - cell + dot(cell, K.xxx);
    vec3 ge = step(d0.yzx, d0.xyz);
    vec3 lt = 1.0 - ge;
    vec3 o1 = min(ge.xyz, lt.zxy);
    vec3 o2 = max(ge.xyz, lt.zxy);
    vec3 d1 = d0 - o1 + K.xxx;
    vec3 d2 = d0 - o2 + K.yyy;
    vec3 d3 = d0 - D.yyy;
    cell = mod289(cell);
    vec4 hashes = permute(permute(permute(
        cell.z + vec4(0.0, o1.z, o2.z, 1.0))
        + cell.y + vec4(0.0, o1.y, o2.y, 1.0))
        + cell.x + vec4(0.0, o1.x, o2.x, 1.0));
    // 7x7 gradient points on a square mapped onto an octahedron
    float inv7 = 0.142857142857;
    vec3 ns = inv7 * D.wyz - D.xzx;
    vec4 j = hashes - 49.0 * floor(hashes * ns.z * ns.z);
    vec4 jx = floor(j * ns.z);
    vec4 jy = floor(j - 7.0 * jx);
    vec4 gx = jx * ns.x + ns.yyyy;
    vec4 gy = jy * ns.x + ns.yyyy;
    vec4 gz = 1.0 - abs(gx) - abs(gy);
    vec4 b0 = vec4(gx.xy, gy.xy);
    vec4 b1 = vec4(gx.zw, gy.zw);
    vec4 s0 = floor(b0) * 2.0 + 1.0;
    vec4 s1 = floor(b1) * 2.0 + 1.0;
    vec4 below = -step(gz, vec4(0.0));
    vec4 a0 = b0.xzyw + s0.xzyw * below.xxyy;
    vec4 a1 = b1.xzyw + s1.xzyw * below.zzww;
    vec3 g0 = vec3(a0.xy, gz.x);
    vec3 g1 = vec3(a0.zw, gz.y);
    vec3 g2 = vec3(a1.xy, gz.z);
    vec3 g3 = vec3(a1.zw, gz.w);
    vec4 norm = taylorInvSqrt(vec4(dot(g0, g0), dot(g1, g1), dot(g2, g2), dot(g3, g3)));
    g0 *= norm.x;
    g1 *= norm.y;
    g2 *= norm.z;
    g3 *= norm.w;
    vec4 falloff = max(0.6 - vec4(dot(d0, d0), dot(d1, d1), dot(d2, d2), dot(d3, d3)), 0.0);
    falloff = falloff * falloff;
    return 42.0 * dot(falloff * falloff, vec4(dot(g0, d0), dot(g1, d1), dot(g2, d2), dot(g3, d3)));
}

vec4 grad4(float j, vec4 ip) {
    const vec4 ones = vec4(1.0, 1.0, 1.0, -1.0);
    vec4 p;
    vec4 s;
    p.xyz = floor(fract(vec3(j) * ip.xyz) * 7.0) * ip.z - 1.0;
    p.w = 1.5 - dot(abs(p.xyz), ones.xyz);
    s = vec4(lessThan(p, vec4(0.0)));
    p.xyz = p.xyz + (s.xyz * 2.0 - 1.0) * s.www;
    return p;
}

float snoise4D(vec4 v) {
    // G4 = (5 - sqrt(5)) / 20 and its multiples
    const vec4 G = vec4(0.138196601125011, 0.276393202250021, 0.414589803375032, -0.447213595499958);
    vec4 cell = floor(v + dot(v, vec4(F4)));
    vec4 d0 = v - cell + dot(cell, G.xxxx);
    // rank the components of d0 to find the simplex
    vec4 rank;
    vec3 isX = step(d0.yzw, d0.xxx);
    vec3 isYZ = step(d0.zww, d0.yyz);
    rank.x = isX.x + isX.y + isX.z;
    rank.yzw = 1.0 - isX;
    rank.y += isYZ.x + isYZ.y;
    rank.zw += 1.0 - isYZ.xy;
    rank.z += isYZ.z;
    rank.w += 1.0 - isYZ.z;
    vec4 o3 = clamp(rank, 0.0, 1.0);
    vec4 o2 = clamp(rank - 1.0, 0.0, 1.0);
    vec4 o1 = clamp(rank - 2.0, 0.0, 1.0);
    vec4 d1 = d0 - o1 + G.xxxx;
    vec4 d2 = d0 - o2 + G.yyyy;
    vec4 d3 = d0 - o3 + G.zzzz;
    vec4 d4 = d0 + G.wwww;
    cell = mod289(cell);
    float h0 = permute(permute(permute(permute(cell.w) + cell.z) + cell.y) + cell.x);
    vec4 h1 = permute(permute(permute(permute(
        cell.w + vec4(o1.w, o2.w, o3.w, 1.0))
        + cell.z + vec4(o1.z, o2.z, o3.z, 1.0))
        + cell.y + vec4(o1.y, o2.y, o3.y, 1.0))
        + cell.x + vec4(o1.x, o2.x, o3.x, 1.0));
    // 7x7x6 gradient points on a cube mapped onto the 4-D cross polytope
    vec4 ip = vec4(1.0 / 294.0, 1.0 / 49.0, 1.0 / 7.0, 0.0);
    vec4 g0 = grad4(h0, ip);
    vec4 g1 = grad4(h1.x, ip);
    vec4 g2 = grad4(h1.y, ip);
    vec4 g3 = grad4(h1.z, ip);
    vec4 g4 = grad4(h1.w, ip);
    vec4 norm = taylorInvSqrt(vec4(dot(g0, g0), dot(g1, g1), dot(g2, g2), dot(g3, g3)));
    g0 *= norm.x;
    g1 *= norm.y;
    g2 *= norm.z;
    g3 *= norm.w;
    g4 *= taylorInvSqrt(dot(g4, g4));
    vec3 f0 = max(0.6 - vec3(dot(d0, d0), dot(d1, d1), dot(d2, d2)), 0.0);
    vec2 f1 = max(0.6 - vec2(dot(d3, d3), dot(d4, d4)), 0.0);
    f0 = f0 * f0;
    f1 = f1 * f1;
    return 49.0 * (dot(f0 * f0, vec3(dot(g0, d0), dot(g1, d1), dot(g2, d2)))
                 + dot(f1 * f1, vec2(dot(g3, d3), dot(g4, d4))));
}

float fsnoise(vec2 c) { return fract(sin(dot(c, vec2(12.9898, 78.233))) * 43758.5453); }
float fsnoiseDigits(vec2 c) { return fract(sin(dot(c, vec2(0.129898, 0.78233))) * 437.585453); }
vec3 hsv(float h, float s, float v) {
    vec4 k = vec4(1.0, 2.0 / 3.0, 1.0 / 3.0, 3.0);
    vec3 p = abs(fract(vec3(h) + k.xyz) * 6.0 - vec3(k.w));
    return v * mix(vec3(k.x), clamp(p - vec3(k.x), 0.0, 1.0), s);
}
mat2 rotate2D(float r) { return mat2(cos(r), sin(r), -sin(r), cos(r)); }
mat3 rotate3D(float angle, vec3 axis) {
    vec3 a = normalize(axis);
    float s = sin(angle);
    float c = cos(angle);
    float r = 1.0 - c;
    return mat3(a.x * a.x * r + c, a.y * a.x * r + a.z * s, a.z * a.x * r - a.y * s,
                a.x * a.y * r - a.z * s, a.y * a.y * r + c, a.z * a.y * r + a.x * s,
                a.x * a.z * r + a.y * s, a.y * a.z * r - a.x * s, a.z * a.z * r + c);
}
const float PI = 3.141592653589793;
const float PI2 = PI * 2.0;
