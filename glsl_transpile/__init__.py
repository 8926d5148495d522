"""glsl_transpile: shader programs as people publish them in, SPIR-V compute kernels out.

Owns loading sources (Shadertoy code and JSON, TwiGL in all modes, Shaders-21k folders,
manifests), kind/mode detection, the fragment-to-compute rewrite, compilation with glslang, the
SPIR-V cache and source-line mapping of errors, the parameter protocol (``theta``) and the
program generator (``synth``). Must not import Vulkan or torch.
"""
from .batch import CompiledProgram, compile_program, compile_programs
from .cache import SpirvCache
from .compiler import compile_spirv
from .errors import (CompilerUnavailableError, GeneratorError, ShaderCompileError,
                     ShaderSourceError, TranspileError, UnsupportedShaderError)
from .fragment import FragmentProgram, to_fragment
from .kernel import ComputeKernel, to_compute
from .limits import CompileLimits
from .pack import builtin_pack_dir, load_builtin_pack
from .sandbox import CompilePool
from .sources import ShaderSource, from_code, load_path, load_sources, missing_inputs

__all__ = [
    "CompileLimits", "CompilePool", "CompiledProgram", "ComputeKernel", "CompilerUnavailableError",
    "FragmentProgram", "GeneratorError", "ShaderCompileError", "ShaderSource",
    "ShaderSourceError", "SpirvCache", "TranspileError", "UnsupportedShaderError",
    "builtin_pack_dir", "compile_program", "compile_programs", "compile_spirv", "from_code",
    "load_builtin_pack", "load_path", "load_sources", "missing_inputs", "to_compute",
    "to_fragment",
]
