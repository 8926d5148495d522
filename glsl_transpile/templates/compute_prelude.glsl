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
// No texture is bound: as in OpenGL for an incomplete texture, every read returns (0, 0, 0, 1)
// and the size is 1x1. Every sampler type of the user's code becomes _KChannel.
struct _KChannel { int unused; };
#define _K_TEXEL vec4(0.0, 0.0, 0.0, 1.0)
#define _K_COORDS(F) F(vec2) F(vec3) F(vec4)
#define _K_SAMPLE1(C) vec4 _kt_texture(_KChannel s, C p) { return _K_TEXEL; } vec4 _kt_texture(_KChannel s, C p, float bias) { return _K_TEXEL; } vec4 _kt_textureLod(_KChannel s, C p, float lod) { return _K_TEXEL; } vec4 _kt_textureGrad(_KChannel s, C p, C dx, C dy) { return _K_TEXEL; }
_K_COORDS(_K_SAMPLE1)
vec4 _kt_textureGrad(_KChannel s, vec3 p, vec2 dx, vec2 dy) { return _K_TEXEL; }
vec4 _kt_texture2D(_KChannel s, vec2 p) { return _K_TEXEL; }
vec4 _kt_texture2D(_KChannel s, vec2 p, float bias) { return _K_TEXEL; }
vec4 _kt_texture2DLod(_KChannel s, vec2 p, float lod) { return _K_TEXEL; }
vec4 _kt_texture2DLodEXT(_KChannel s, vec2 p, float lod) { return _K_TEXEL; }
vec4 _kt_texture2DGradEXT(_KChannel s, vec2 p, vec2 dx, vec2 dy) { return _K_TEXEL; }
vec4 _kt_textureCube(_KChannel s, vec3 p) { return _K_TEXEL; }
vec4 _kt_textureCube(_KChannel s, vec3 p, float bias) { return _K_TEXEL; }
vec4 _kt_textureCubeLod(_KChannel s, vec3 p, float lod) { return _K_TEXEL; }
vec4 _kt_textureCubeLodEXT(_KChannel s, vec3 p, float lod) { return _K_TEXEL; }
vec4 _kt_textureCubeGradEXT(_KChannel s, vec3 p, vec3 dx, vec3 dy) { return _K_TEXEL; }
vec4 _kt_texture3D(_KChannel s, vec3 p) { return _K_TEXEL; }
vec4 _kt_texture3D(_KChannel s, vec3 p, float bias) { return _K_TEXEL; }
vec4 _kt_shadow2D(_KChannel s, vec3 p) { return _K_TEXEL; }
#define _K_PROJ(C) vec4 _kt_texture2DProj(_KChannel s, C p) { return _K_TEXEL; } vec4 _kt_texture2DProj(_KChannel s, C p, float bias) { return _K_TEXEL; } vec4 _kt_texture2DProjLod(_KChannel s, C p, float lod) { return _K_TEXEL; } vec4 _kt_texture2DProjLodEXT(_KChannel s, C p, float lod) { return _K_TEXEL; } vec4 _kt_textureProj(_KChannel s, C p) { return _K_TEXEL; } vec4 _kt_textureProj(_KChannel s, C p, float bias) { return _K_TEXEL; } vec4 _kt_textureProjLod(_KChannel s, C p, float lod) { return _K_TEXEL; } vec4 _kt_textureProjGrad(_KChannel s, C p, vec2 dx, vec2 dy) { return _K_TEXEL; } vec4 _kt_textureProjOffset(_KChannel s, C p, ivec2 o) { return _K_TEXEL; }
_K_PROJ(vec3)
_K_PROJ(vec4)
#define _K_OFFSET(C, I) vec4 _kt_textureOffset(_KChannel s, C p, I o) { return _K_TEXEL; } vec4 _kt_textureOffset(_KChannel s, C p, I o, float bias) { return _K_TEXEL; } vec4 _kt_textureLodOffset(_KChannel s, C p, float lod, I o) { return _K_TEXEL; } vec4 _kt_textureGradOffset(_KChannel s, C p, C dx, C dy, I o) { return _K_TEXEL; } vec4 _kt_texelFetch(_KChannel s, I p, int lod) { return _K_TEXEL; } vec4 _kt_texelFetchOffset(_KChannel s, I p, int lod, I o) { return _K_TEXEL; }
_K_OFFSET(vec2, ivec2)
_K_OFFSET(vec3, ivec3)
vec4 _kt_texelFetch(_KChannel s, ivec2 p) { return _K_TEXEL; }
ivec2 _kt_textureSize(_KChannel s, int lod) { return ivec2(1); }
vec4 _kt_textureGather(_KChannel s, vec2 p) { return vec4(0.0); }
vec4 _kt_textureGather(_KChannel s, vec2 p, int comp) { return comp == 3 ? vec4(1.0) : vec4(0.0); }
vec4 _kt_textureGather(_KChannel s, vec3 p) { return vec4(0.0); }
vec4 _kt_textureGatherOffset(_KChannel s, vec2 p, ivec2 o) { return vec4(0.0); }
vec2 _kt_textureQueryLod(_KChannel s, vec2 p) { return vec2(0.0); }
int _kt_textureQueryLevels(_KChannel s) { return 0; }

// ---- output ----------------------------------------------------------------------------------
// round(clamp(c, 0, 1) * 255) per channel, NaN as 0; the alpha byte is a flag, not colour:
// _K_OPAQUE_ALPHA, or _K_LOOP_CAPPED_ALPHA where the invocation's loops reached the cap.
uint _kPackRgba8(vec3 c, uint alpha) {
    c = vec3(isnan(c.r) ? 0.0 : c.r, isnan(c.g) ? 0.0 : c.g, isnan(c.b) ? 0.0 : c.b);
    uvec3 u = uvec3(clamp(c, 0.0, 1.0) * 255.0 + 0.5);
    return u.r | (u.g << 8) | (u.b << 16) | (alpha << 24);
}
