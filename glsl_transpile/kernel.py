"""Assembling a compute kernel (GLSL 4.50 text) from a ``ShaderSource``.

Layout of a kernel, by ``#line`` source-string number (glslang reports ``ERROR: S:L``):

- string 0: the prelude (``templates/compute_prelude.glsl``), the platform's uniforms and channel
  samplers (``abi.channel_declaration``), for TwiGL geekest modes the helper library, and the
  built-in signatures of functions the program redefines (``overloads``);
- string 1: the user's code, rewritten line-for-line (line L is the user's line L);
- string 3: a Shadertoy "Common" pass, when there is one (placed before string 1);
- string 2: the epilogue (``templates/compute_main.glsl``) that computes the pixel position,
  sets the uniforms, runs the user's entry point and stores the pixel (``target`` "image") or
  the buffer texel (``target`` "buffer": one pass of a multi-pass program, see
  ``multipass.compile_units``).

Pure: ``ShaderSource`` in, text out; no files written, no device.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import abi, theta
from .errors import UnsupportedShaderError
from .media import bind
from .rewrite import USER_MAIN, UserCode, rewrite_user_code
from .sources import BUFFER, SHADERTOY, ShaderSource

USER_STRING = 1
_MAIN_RE = re.compile(r"void\s+main\s*\(")  # as twigl.app tests it, on the raw code
COMMON_STRING = 3  # a Shadertoy "Common" pass

# TwiGL uniform name -> (expected type, value expression from the _KFrame record ``u``)
_TWIGL_VALUES = {
    "resolution": ("vec2", "_kRes"), "r": ("vec2", "_kRes"),
    "mouse": ("vec2", "_kU._kMouse.xy"), "m": ("vec2", "_kU._kMouse.xy"),
    "time": ("float", "_kU._kTime"), "t": ("float", "_kU._kTime"),
    "frame": ("float", "float(_kU._kFrame)"), "f": ("float", "float(_kU._kFrame)"),
    "sound": ("float", "_kU._kSound"), "s": ("float", "_kU._kSound"),
}
_GEEK_CHUNK_UNIFORMS = [("vec2", "r"), ("vec2", "m"), ("float", "t"), ("float", "f"),
                        ("float", "s")]
# TwiGL's sampler uniforms -> channel binding (its previous frame, and that of output 1)
TWIGL_SAMPLERS = {"b": 0, "backbuffer": 0, "b0": 0, "backbuffer0": 0, "b1": 1, "backbuffer1": 1}
_ALL_BUFFERS = frozenset(range(4))


@dataclass(frozen=True)
class ComputeKernel:
    """A program as compute GLSL. ``glsl`` compiles with ``compiler.compile_glsl``."""

    name: str
    glsl: str
    user_string: int = USER_STRING


@lru_cache(maxsize=None)
def template(name: str) -> str:
    """The text of ``templates/<name>``."""
    return resources.files(__package__).joinpath("templates", name).read_text("utf-8")


@lru_cache(maxsize=None)
def prelude() -> str:
    """The kernel prelude with the ABI declarations (``abi.glsl_declarations``) in place."""
    return template("compute_prelude.glsl").replace("/*@ABI@*/", abi.glsl_declarations())


def is_webgl1(src: ShaderSource) -> bool:
    """True for programs written in GLSL ES 1.00 (TwiGL modes without ``_300es``/``_mrt``)."""
    return src.kind != SHADERTOY and not src.mode.endswith(("_300es", "_mrt")) \
        and "#version 300 es" not in src.code


def twigl_wraps_main(src: ShaderSource) -> bool:
    """geekest modes let the user write only the body of ``main``; the app wraps it."""
    return src.mode.startswith("geekest") and _MAIN_RE.search(src.code) is None


def to_compute(src: ShaderSource, *, unconst_lines: frozenset[int] = frozenset()
               ) -> ComputeKernel:
    """The compute kernel of ``src``.

    ``unconst_lines``: user lines whose global ``const`` qualifier is dropped (glslang cannot
    fold some built-ins, e.g. ``transpose``, in constant initialisers that WebGL accepts).
    A program with parameters (``src.theta``) reads them per sample (``theta.runtime_code``):
    the kernel text is the same for every theta.
    Raises:
        UnsupportedShaderError: the program cannot be expressed.
        ShaderSourceError: ``src.theta`` does not match the code's theta declaration.
    """
    code = src.code
    if src.theta:
        code = theta.runtime_code(code, src.name, len(src.theta))
    wrapped = src.kind != SHADERTOY and twigl_wraps_main(src)
    if wrapped:
        code = "void main(){" + code + "\n}"  # same line: user line 1 stays line 1
    common_lines = src.common.count("\n") + 1 if src.common else 0
    if common_lines:  # rewritten together (shared structs, functions), then split apart
        code = src.common + "\n" + code
    user = rewrite_user_code(code, webgl1=is_webgl1(src),
                             rename_main=src.kind != SHADERTOY,
                             unconst_lines=frozenset(n + common_lines for n in unconst_lines),
                             sampler_layout=_sampler_layout(src))
    if src.kind == SHADERTOY:
        # a main() of the user's (outside inactive #if blocks) clashes with ours: glslang
        # reports it, and compile_program turns that into UnsupportedShaderError
        platform, setter = _shadertoy_platform(src), ""
    else:
        if not user.has_main:
            raise UnsupportedShaderError(src.name, "TwiGL program without a main() function")
        platform, setter = _twigl_platform(src), _twigl_setter(src, user)
    if src.target == BUFFER:
        platform = "#define _K_BUFFER_TARGET 1\n" + platform
    # a golfed mainImage may be a macro: the platform's call expands it (and the macros its
    # body uses), so then the program's macros stay defined, as on Shadertoy
    macro_main = src.kind == SHADERTOY and "mainImage" in user.macros
    undef = "" if macro_main else "\n".join(f"#undef {m}" for m in user.macros)
    lines = user.code.split("\n")
    common_part = ([f"#line 1 {COMMON_STRING}", "\n".join(lines[:common_lines])]
                   if common_lines else [])
    parts = [prelude(), platform, user.forwarders, *common_part,
             f"#line 1 {USER_STRING}", "\n".join(lines[common_lines:]),
             "#line 1 2", undef, setter, _epilogue(src, user)]
    return ComputeKernel(name=src.name, glsl="\n".join(parts))


def _shadertoy_platform(src: ShaderSource) -> str:
    """Shadertoy's uniforms, with iChannel0..3 declared as the program's channels are and
    ``iChannelResolution`` the size of what each is bound to (0 when unbound)."""
    inputs = src.inputs or (None,) * 4
    declarations, sizes = [], []
    for i, (inp, kind) in enumerate(zip(inputs, src.channels)):
        declarations.append(abi.channel_declaration(i, kind, f"iChannel{i}"))
        if not bind(inp, _ALL_BUFFERS, kind).bound:
            sizes.append("vec3(0.0)")
        elif kind == "3d":
            sizes.append(f"vec3(textureSize(iChannel{i}, 0))")
        else:
            sizes.append(f"vec3(textureSize(iChannel{i}, 0), 1.0)")
    text = template("shadertoy_uniforms.glsl").replace("/*@CHANNELS@*/", "\n".join(declarations))
    return text.replace("/*@CHANNEL_RESOLUTION@*/", f"vec3[4]({', '.join(sizes)})")


def _sampler_layout(src: ShaderSource):
    """The binding of a sampler uniform the program declares: TwiGL's own names have theirs;
    any other ``sampler2D`` shares a binding that nothing is bound to (it reads (0, 0, 0, 1),
    as an unset sampler would); other sampler types cannot be bound."""
    inputs = src.inputs or (None,) * 4
    if src.kind == SHADERTOY:
        free = [i for i in (3, 2, 1, 0) if src.channels[i] == "2d"
                and not bind(inputs[i], _ALL_BUFFERS).bound]
    else:
        free = [3, 2]

    def layout(type_name: str, name: str) -> str:
        if src.kind != SHADERTOY and name in TWIGL_SAMPLERS:
            return abi.channel_layout(TWIGL_SAMPLERS[name])
        if type_name != "sampler2D" or not free:
            raise UnsupportedShaderError(src.name, f"the program's own sampler uniform {name!r} "
                                                   f"({type_name}) cannot be bound")
        return abi.channel_layout(free[0])
    return layout


def _twigl_platform(src: ShaderSource) -> str:
    """Declarations the TwiGL app adds for ``src.mode``."""
    base, _, variant = src.mode.partition("_")
    lines: list[str] = []
    if base in ("geeker", "geekest"):
        lines += [f"{t} {n};" for t, n in _GEEK_CHUNK_UNIFORMS]
        channels = ["b0", "b1"] if variant == "mrt" else ["b"]
        lines += [abi.channel_declaration(TWIGL_SAMPLERS[c], "2d", c) for c in channels]
        if variant == "300es":
            lines.append("vec4 o = vec4(0.0);")
        elif variant == "mrt":
            lines.append("vec4 o0 = vec4(0.0);\nvec4 o1 = vec4(0.0);")
    if base == "geekest":
        lines.append(template("twigl_helpers.glsl"))
        lines.append("#define FC _kFragCoord")
    return "\n".join(lines)


def _twigl_setter(src: ShaderSource, user: UserCode) -> str:
    """``_kSetUniforms``: assigns the uniforms the program (or its mode's chunk) declares.
    It follows the user's code, where classic/geek programs declare their uniforms."""
    uniforms = list(user.uniforms)
    if src.mode.startswith(("geeker", "geekest")):
        uniforms += _GEEK_CHUNK_UNIFORMS
    setter = ["void _kSetUniforms(_KFrame _kU, vec2 _kRes) {"]
    for type_name, name in uniforms:
        expected = _TWIGL_VALUES.get(name)
        if expected and expected[0] == type_name:
            setter.append(f"    {name} = {expected[1]};")
    setter.append("}")
    return "\n".join(setter)


def _output_expression(src: ShaderSource, user: UserCode) -> str:
    """The user's colour output as a vec4 expression."""
    if src.kind == SHADERTOY:
        return "_kOut"
    if user.outputs:
        by_location = sorted(user.outputs, key=lambda o: o[1])
        return f"vec4({by_location[0][0]})"
    base, _, variant = src.mode.partition("_")
    if base in ("geeker", "geekest") and variant == "300es":
        return "o"
    if base in ("geeker", "geekest") and variant == "mrt":
        return "o0"
    if "_kFragData" in user.code:
        return "_kFragData[0]"
    return "_kFragColor"


def _epilogue(src: ShaderSource, user: UserCode) -> str:
    if src.kind == SHADERTOY:
        entry = "vec4 _kOut = vec4(0.0); mainImage(_kOut, _kFragCoord.xy);"
    else:
        entry = f"{USER_MAIN}();"
    text = template("compute_main.glsl")
    text = text.replace("/*@ZERO_GLOBALS@*/", "\n    ".join(user.zero_globals))
    n = len(src.theta)
    text = text.replace("/*@PARAM_STORAGE@*/", theta.storage_glsl(n) if n else "")
    text = text.replace("/*@PARAMS@*/", theta.loader_glsl(n, lanes=abi.LOCAL_SIZE) if n else "")
    text = text.replace("/*@ENTRY@*/", entry)
    return text.replace("/*@OUTPUT@*/", _output_expression(src, user))
