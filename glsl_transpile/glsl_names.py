"""Name tables: GLSL types, the identifiers the rewrite renames, and what each renames to.

Programs were written for WebGL (GLSL ES 1.00 / 3.00); kernels compile as desktop GLSL 4.50.
Words that are keywords or built-in functions in 4.50 but free identifiers in ES are renamed in
the user's code so programs that compiled in the browser compile here.
"""
from __future__ import annotations

SCALARS = {"float": "0.0", "int": "0", "uint": "0u", "bool": "false", "double": "0.0"}
VECTORS = {f"{p}vec{n}": z for n in (2, 3, 4)
           for p, z in (("", "0.0"), ("i", "0"), ("u", "0u"), ("b", "false"), ("d", "0.0"))}
MATRICES = {f"mat{a}" for a in (2, 3, 4)} | {f"mat{a}x{b}" for a in (2, 3, 4) for b in (2, 3, 4)}
SAMPLER_TYPES = {
    "sampler2D", "samplerCube", "sampler3D", "sampler2DArray", "sampler2DShadow",
    "samplerCubeShadow", "sampler2DArrayShadow", "isampler2D", "isampler3D", "isamplerCube",
    "isampler2DArray", "usampler2D", "usampler3D", "usamplerCube", "usampler2DArray",
    "sampler2DRect", "samplerExternalOES", "sampler1D",
}
BASIC_TYPES = set(SCALARS) | set(VECTORS) | MATRICES

# texture built-ins that a kernel cannot call as they are: implicit-LOD sampling (no
# derivatives in compute: the prelude samples with textureGrad over the pixel quad) and the
# WebGL 1 spellings; they go to the prelude's ``_kt_`` functions. textureLod, textureGrad,
# texelFetch, textureSize, textureGather... are the built-ins themselves.
TEXTURE_FUNCTIONS = {
    "texture", "textureProj", "textureOffset", "texture2D", "texture2DProj", "texture2DLod",
    "texture2DProjLod", "textureCube", "textureCubeLod", "texture3D", "texture3DLod",
    "texture2DLodEXT", "texture2DProjLodEXT", "textureCubeLodEXT", "texture2DGradEXT",
    "texture2DProjGradEXT", "textureCubeGradEXT",
}
DERIVATIVES = {"dFdx", "dFdy", "fwidth", "dFdxFine", "dFdyFine", "fwidthFine", "dFdxCoarse",
               "dFdyCoarse", "fwidthCoarse"}

# fragment built-in variables -> compute globals of the prelude
FRAGMENT_VARIABLES = {"gl_FragCoord": "_kFragCoord", "gl_FragColor": "_kFragColor",
                      "gl_FragData": "_kFragData", "gl_FrontFacing": "_kFrontFacing",
                      "gl_PointCoord": "_kPointCoord", "gl_FragDepth": "_kFragDepth",
                      "gl_HelperInvocation": "_kHelperInvocation"}

# keywords of desktop GLSL 4.50 that ES 3.00 neither uses nor reserves
GLSL450_ONLY_KEYWORDS = {
    "buffer", "shared", "sample", "patch", "subroutine", "precise", "dmat2", "dmat3", "dmat4",
    "image1D", "image2D", "image3D", "imageCube", "image2DArray", "imageBuffer", "iimage2D",
    "uimage2D", "sampler1DArray", "samplerBuffer", "sampler2DMS", "atomic_uint", "coherent",
    "restrict", "readonly", "writeonly", "noperspective", "resource", "common", "partition",
    "active", "filter", "input", "output",
    # Vulkan GLSL's separate sampler and texture types (GL_KHR_vulkan_glsl)
    "sampler", "samplerShadow", "texture1D", "texture1DArray", "texture2DArray", "texture2DMS",
    "texture2DMSArray", "textureCubeArray", "textureBuffer", "texture2DRect", "itexture2D",
    "utexture2D", "itexture3D", "utexture3D", "itextureCube", "utextureCube", "subpassInput",
    "subpassInputMS", "isubpassInput", "usubpassInput",
}
# keywords of ES 3.00 / 4.50 that were free identifiers in ES 1.00 (WebGL 1)
ES300_NEW_KEYWORDS = {
    "uint", "uvec2", "uvec3", "uvec4", "layout", "centroid", "flat", "smooth", "case", "switch",
    "default", "mat2x2", "mat2x3", "mat2x4", "mat3x2", "mat3x3", "mat3x4", "mat4x2", "mat4x3",
    "mat4x4", "isampler2D", "usampler2D", "sampler2DArray", "sampler3D", "samplerCubeShadow",
    "sampler2DShadow", "in", "out", "inout",
} - {"in", "out", "inout"}  # these are ES 1.00 keywords too

# built-in functions of GLSL 4.50 absent from GLSL ES 1.00: a WebGL 1 program may define them
GLSL450_FUNCTIONS_NOT_IN_ES100 = {
    "round", "roundEven", "trunc", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "isnan",
    "isinf", "modf", "frexp", "ldexp", "fma", "inverse", "transpose", "determinant",
    "outerProduct", "floatBitsToInt", "floatBitsToUint", "intBitsToFloat", "uintBitsToFloat",
    "packUnorm2x16", "packSnorm2x16", "unpackUnorm2x16", "unpackSnorm2x16", "packHalf2x16",
    "unpackHalf2x16", "packUnorm4x8", "unpackUnorm4x8", "bitfieldExtract", "bitfieldInsert",
    "bitfieldReverse", "bitCount", "findLSB", "findMSB", "uaddCarry", "usubBorrow", "umulExtended",
    "imulExtended", "texture", "textureSize", "texelFetch", "textureLod", "textureGrad",
    "interpolateAtCentroid", "interpolateAtSample", "interpolateAtOffset", "noise1", "noise2",
    "noise3", "noise4", "barrier", "memoryBarrier", "atomicAdd", "atomicMin", "atomicMax",
    "atomicAnd", "atomicOr", "atomicXor", "atomicExchange", "atomicCompSwap", "imageLoad",
    "imageStore", "imageSize",
}
# built-in functions of GLSL 4.50 absent from GLSL ES 3.00: a WebGL 2 program may define them
GLSL450_FUNCTIONS_NOT_IN_ES300 = {
    "noise1", "noise2", "noise3", "noise4", "bitfieldExtract", "bitfieldInsert",
    "bitfieldReverse", "bitCount", "findLSB", "findMSB", "uaddCarry", "usubBorrow",
    "umulExtended", "imulExtended", "fma", "frexp", "ldexp", "packUnorm4x8", "unpackUnorm4x8",
    "packSnorm4x8", "unpackSnorm4x8", "interpolateAtCentroid", "interpolateAtSample",
    "interpolateAtOffset", "barrier", "memoryBarrier", "atomicAdd", "atomicMin", "atomicMax",
    "atomicAnd", "atomicOr", "atomicXor", "atomicExchange", "atomicCompSwap", "imageLoad",
    "imageStore", "imageSize", "textureQueryLod", "textureQueryLevels", "packDouble2x32",
    "unpackDouble2x32",
}

QUALIFIERS = {"const", "highp", "mediump", "lowp", "precise", "invariant", "flat", "smooth",
              "centroid", "noperspective", "uniform", "in", "out", "varying", "attribute"}
