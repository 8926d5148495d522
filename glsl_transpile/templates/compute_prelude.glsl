// Compute prelude: every kernel starts with this text (see glsl_transpile/kernel.py).
// One invocation shades one pixel. A workgroup of 64 invocations covers an 8x8 tile laid out as
// 16 quads of 2x2 pixels, so that lanes 4q..4q+3 of a subgroup form one pixel quad and
// subgroup quad operations give true finite differences, as dFdx/dFdy do in a fragment shader.
#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_quad : require
// The ABI shared with the renderer (glsl_transpile/abi.py): local size, records, buffers.
/*@ABI@*/

// WebGL predefines GL_ES; a desktop kernel may not define GL_ names, so the user's code says _kGL_ES
#define _kGL_ES 1
vec4 _kFragCoord;
vec4 _kFragColor = vec4(0.0);
vec4 _kFragData[4] = vec4[4](vec4(0.0), vec4(0.0), vec4(0.0), vec4(0.0));
bool _kFrontFacing = true;
vec2 _kPointCoord = vec2(0.5);
float _kFragDepth = 0.5;
bool _kHelperInvocation = false;
bool _kDiscarded = false;
// Loop trips of this invocation: the rewrite ticks it in every loop condition of the user's
// code (glsl_transpile/loop_ticks.py); at _K_LOOP_CAP the CPU drivers have cut a loop short.
uint _kLoopTicks = 0u;

// ---- derivatives over the 2x2 quad: lane bit 0 is x parity, lane bit 1 is y parity ----------
// "Fine" differences use the pixel's own row/column; "coarse" ones the quad's first pixel.
// Plain dFdx/dFdy are fine, as on Mesa llvmpipe (the reference) and most GPUs.
#ifndef _K_DFDX
#define _K_DFDX _kDFdxFine
#define _K_DFDY _kDFdyFine
#endif
#define _K_DERIVATIVES(T) \
T _kDFdxFine(T _kV) { T _kO = subgroupQuadSwapHorizontal(_kV); return (gl_SubgroupInvocationID & 1u) != 0u ? _kV - _kO : _kO - _kV; } \
T _kDFdyFine(T _kV) { T _kO = subgroupQuadSwapVertical(_kV); return (gl_SubgroupInvocationID & 2u) != 0u ? _kV - _kO : _kO - _kV; } \
T _kDFdxCoarse(T v) { return subgroupQuadBroadcast(v, 1u) - subgroupQuadBroadcast(v, 0u); } \
T _kDFdyCoarse(T v) { return subgroupQuadBroadcast(v, 2u) - subgroupQuadBroadcast(v, 0u); } \
T _kFwidthFine(T v) { return abs(_kDFdxFine(v)) + abs(_kDFdyFine(v)); } \
T _kFwidthCoarse(T v) { return abs(_kDFdxCoarse(v)) + abs(_kDFdyCoarse(v)); } \
T _kDFdx(T v) { return _K_DFDX(v); } \
T _kDFdy(T v) { return _K_DFDY(v); } \
T _kFwidth(T v) { return abs(_kDFdx(v)) + abs(_kDFdy(v)); }
_K_DERIVATIVES(float)
_K_DERIVATIVES(vec2)
_K_DERIVATIVES(vec3)
_K_DERIVATIVES(vec4)

// ---- texture channels ------------------------------------------------------------------------
// The channels are real samplers (set 1, see glsl_transpile/abi.py); an unbound one is a 1x1
// texture reading (0, 0, 0, 1), as OpenGL reads an incomplete texture. A compute shader has no
// implicit derivatives, so implicit-LOD sampling is textureGrad over the pixel's 2x2 quad with
// coarse differences (one LOD per quad, as Mesa's llvmpipe selects it); a bias b scales them by
// 2^b, which adds b to the LOD. textureLod, textureGrad, texelFetch, textureSize, textureGather
// and their offset forms are the built-ins, called as they are.
#define _K_IMPLICIT(S, C, G) \
vec4 _kt_texture(S s, C p) { return textureGrad(s, p, _kDFdxCoarse(G), _kDFdyCoarse(G)); } \
vec4 _kt_texture(S s, C p, float b) { float k = exp2(b); return textureGrad(s, p, _kDFdxCoarse(G) * k, _kDFdyCoarse(G) * k); }
_K_IMPLICIT(sampler2D, vec2, p)
_K_IMPLICIT(samplerCube, vec3, p)
_K_IMPLICIT(sampler3D, vec3, p)
_K_IMPLICIT(sampler2DArray, vec3, p.xy)
// projective lookups: textureProjGrad takes the differences of the projected coordinates
#define _K_PROJ(S, C, Q) \
vec4 _kt_textureProj(S s, C p) { return _kt_texture(s, Q); } \
vec4 _kt_textureProj(S s, C p, float b) { return _kt_texture(s, Q, b); }
_K_PROJ(sampler2D, vec3, p.xy / p.z)
_K_PROJ(sampler2D, vec4, p.xy / p.w)
_K_PROJ(sampler3D, vec4, p.xyz / p.w)
// an offset must be a constant expression, so textureOffset is a macro (no bias form)
#define _kt_textureOffset(s, p, o) textureGradOffset(s, p, _kDFdxCoarse(p), _kDFdyCoarse(p), o)
// WebGL 1 spellings
vec4 _kt_texture2D(sampler2D s, vec2 p) { return _kt_texture(s, p); }
vec4 _kt_texture2D(sampler2D s, vec2 p, float b) { return _kt_texture(s, p, b); }
vec4 _kt_texture2DProj(sampler2D s, vec3 p) { return _kt_textureProj(s, p); }
vec4 _kt_texture2DProj(sampler2D s, vec3 p, float b) { return _kt_textureProj(s, p, b); }
vec4 _kt_texture2DProj(sampler2D s, vec4 p) { return _kt_textureProj(s, p); }
vec4 _kt_texture2DProj(sampler2D s, vec4 p, float b) { return _kt_textureProj(s, p, b); }
vec4 _kt_texture2DLod(sampler2D s, vec2 p, float l) { return textureLod(s, p, l); }
vec4 _kt_texture2DLodEXT(sampler2D s, vec2 p, float l) { return textureLod(s, p, l); }
vec4 _kt_texture2DProjLod(sampler2D s, vec3 p, float l) { return textureProjLod(s, p, l); }
vec4 _kt_texture2DProjLod(sampler2D s, vec4 p, float l) { return textureProjLod(s, p, l); }
vec4 _kt_texture2DProjLodEXT(sampler2D s, vec3 p, float l) { return textureProjLod(s, p, l); }
vec4 _kt_texture2DProjLodEXT(sampler2D s, vec4 p, float l) { return textureProjLod(s, p, l); }
vec4 _kt_texture2DGradEXT(sampler2D s, vec2 p, vec2 dx, vec2 dy) { return textureGrad(s, p, dx, dy); }
vec4 _kt_texture2DProjGradEXT(sampler2D s, vec3 p, vec2 dx, vec2 dy) { return textureProjGrad(s, p, dx, dy); }
vec4 _kt_texture2DProjGradEXT(sampler2D s, vec4 p, vec2 dx, vec2 dy) { return textureProjGrad(s, p, dx, dy); }
vec4 _kt_textureCube(samplerCube s, vec3 p) { return _kt_texture(s, p); }
vec4 _kt_textureCube(samplerCube s, vec3 p, float b) { return _kt_texture(s, p, b); }
vec4 _kt_textureCubeLod(samplerCube s, vec3 p, float l) { return textureLod(s, p, l); }
vec4 _kt_textureCubeLodEXT(samplerCube s, vec3 p, float l) { return textureLod(s, p, l); }
vec4 _kt_textureCubeGradEXT(samplerCube s, vec3 p, vec3 dx, vec3 dy) { return textureGrad(s, p, dx, dy); }
vec4 _kt_texture3D(sampler3D s, vec3 p) { return _kt_texture(s, p); }
vec4 _kt_texture3D(sampler3D s, vec3 p, float b) { return _kt_texture(s, p, b); }
vec4 _kt_texture3DLod(sampler3D s, vec3 p, float l) { return textureLod(s, p, l); }
// clamp with a NaN argument gives the lower bound, as in OpenGL on Mesa and in browsers (a
// kernel's FClamp may give the upper one)
#define _K_CLAMP(T, B) T _kClamp(T x, B lo, B hi) { return min(max(x, lo), hi); }
#define _K_CLAMPS(T, S) _K_CLAMP(T, T) _K_CLAMP(T, S)
_K_CLAMP(float, float) _K_CLAMPS(vec2, float) _K_CLAMPS(vec3, float) _K_CLAMPS(vec4, float)
_K_CLAMP(int, int) _K_CLAMPS(ivec2, int) _K_CLAMPS(ivec3, int) _K_CLAMPS(ivec4, int)
_K_CLAMP(uint, uint) _K_CLAMPS(uvec2, uint) _K_CLAMPS(uvec3, uint) _K_CLAMPS(uvec4, uint)

// ---- output ----------------------------------------------------------------------------------
// round(clamp(c, 0, 1) * 255) per channel, NaN as 0; the alpha byte is a flag, not colour:
// _K_OPAQUE_ALPHA, or _K_LOOP_CAPPED_ALPHA where the invocation's loops reached the cap.
uint _kPackRgba8(vec3 c, uint alpha) {
    c = vec3(isnan(c.r) ? 0.0 : c.r, isnan(c.g) ? 0.0 : c.g, isnan(c.b) ? 0.0 : c.b);
    uvec3 u = uvec3(clamp(c, 0.0, 1.0) * 255.0 + 0.5);
    return u.r | (u.g << 8) | (u.b << 16) | (alpha << 24);
}
