"""The fragment shader a program is on its home platform: the reference a kernel must match.

``to_fragment`` builds the exact text Shadertoy (WebGL 2) or twigl.app (WebGL 1/2, per mode) would
compile, so that an OpenGL fragment render of it is what a viewer of the web page saw. Used by the
tests and by the benchmark's fragment-draw baseline. Pure: strings in, strings out.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from . import theta
from .kernel import template, twigl_wraps_main
from .lexer import IDENT, tokenize
from .rewrite import zero_initialise
from .sources import BUFFER, SHADERTOY, ShaderSource

_SAMPLER_GLSL = {"2d": "sampler2D", "cube": "samplerCube", "3d": "sampler3D"}

_SHADERTOY_HEADER = """#version 300 es
precision highp float;
precision highp int;
precision mediump sampler3D;
#define HW_PERFORMANCE 1
uniform vec3 iResolution;
uniform float iTime;
uniform float iTimeDelta;
uniform float iFrameRate;
uniform int iFrame;
uniform float iChannelTime[4];
uniform vec3 iChannelResolution[4];
uniform vec4 iMouse;
uniform vec4 iDate;
uniform float iSampleRate;
"""
_SHADERTOY_MAIN = """
out vec4 _kOut;
void main() {
    vec4 color = vec4(0.0);
    mainImage(color, gl_FragCoord.xy);
    _kOut = vec4(color.rgb, 1.0);
}
"""
# a buffer pass keeps its alpha (it renders into an RGBA float texture)
_SHADERTOY_BUFFER_MAIN = _SHADERTOY_MAIN.replace("vec4(color.rgb, 1.0)", "color")
_GEEK_CHUNK = ("precision highp float;uniform vec2 r;uniform vec2 m;uniform float t;"
               "uniform float f;uniform float s;")


@dataclass(frozen=True)
class FragmentProgram:
    """GL fragment source plus the names its uniforms have on that platform."""

    name: str
    source: str
    resolution: str   # uniform names (may be absent from the program)
    time: str
    frame: str
    mouse: str
    frame_is_int: bool
    params: str = ""  # the uniform float array holding theta, when passed as parameters


def desktop_precision(code: str) -> str:
    """``mediump``/``lowp`` as ``highp``: what browsers on desktop GPUs run (32-bit), whereas
    Mesa's llvmpipe really computes mediump floats and ints at 16 bits."""
    return "".join("highp" if t.kind == IDENT and t.text in ("mediump", "lowp") else t.text
                   for t in tokenize(code))


def to_fragment(src: ShaderSource, *, desktop: bool = True,
                theta_uniform: bool = False) -> FragmentProgram:
    """The platform's fragment shader for ``src`` (see module doc).

    With ``desktop`` (the default) it behaves as in a browser on a desktop GPU where Mesa
    differs: precision qualifiers mean 32 bits, and locals declared without initialiser are
    zeroed each time their declaration runs (Mesa's glsl_zero_init zeroes once per function).
    A program with parameters keeps its baked constants, or with ``theta_uniform`` reads them
    from ``uniform float THETA[N]`` (named by ``FragmentProgram.params``)."""
    params = ""
    if theta_uniform and src.theta:
        src = dataclasses.replace(src, code=theta.uniform_code(src.code, src.name,
                                                               len(src.theta)))
        params = theta.NAME
    if desktop:
        src = dataclasses.replace(
            src, code=zero_initialise(desktop_precision(src.code)),
            common=zero_initialise(desktop_precision(src.common)) if src.common else "")
    if src.kind == SHADERTOY:
        samplers = "".join(f"uniform {_SAMPLER_GLSL.get(c, 'sampler2D')} iChannel{i};\n"
                           for i, c in enumerate(src.channels))
        common = src.common + "\n" if src.common else ""
        text = _SHADERTOY_HEADER + samplers + common + "#line 1\n" + src.code + "\n" + \
            (_SHADERTOY_BUFFER_MAIN if src.target == BUFFER else _SHADERTOY_MAIN)
        return FragmentProgram(src.name, text, "iResolution", "iTime", "iFrame", "iMouse", True,
                               params)
    base, _, variant = src.mode.partition("_")
    text = _twigl_text(src, base, variant)
    if desktop:  # ES fragment shaders default int to mediump; browsers on desktop use 32 bits
        text = _after_directives(text, "precision highp int;\n")
    long_names = base == "classic"
    return FragmentProgram(src.name, text, "resolution" if long_names else "r",
                           "time" if long_names else "t", "frame" if long_names else "f",
                           "mouse" if long_names else "m", False, params)


def _twigl_text(src: ShaderSource, base: str, variant: str) -> str:
    """As twigl.app's preprocessing: version + mode chunk + [main wrapper] + code."""
    es300 = variant in ("300es", "mrt")
    head = "#version 300 es\n" if es300 and base in ("geeker", "geekest") else ""
    if not es300 and "#version" not in src.code:
        head = "#version 100\n"  # WebGL 1; a desktop GL context needs the directive
    chunk = ""
    if base in ("geeker", "geekest"):
        samplers = "uniform sampler2D b0;uniform sampler2D b1;" if variant == "mrt" \
            else "uniform sampler2D b;"
        chunk = _GEEK_CHUNK + samplers
        if base == "geekest":
            chunk = "#define FC gl_FragCoord\n" + chunk + "\n" + template("twigl_helpers.glsl")
        chunk += "\n"
        if variant == "300es":
            chunk += "out vec4 o;\n"
        elif variant == "mrt":
            chunk += "layout (location = 0) out vec4 o0;layout (location = 1) out vec4 o1;\n"
    open_main, close_main = "", ""
    if twigl_wraps_main(src):
        open_main, close_main = "void main(){\n", "\n}"
    return head + chunk + open_main + src.code + close_main


def _after_directives(text: str, insert: str) -> str:
    """``text`` with ``insert`` after its ``#version`` and ``#extension`` lines (ES requires
    extension directives before any code)."""
    end = 0
    for m in re.finditer(r"^[ \t]*#[ \t]*(version|extension)\b[^\n]*\n", text, re.M):
        end = m.end()
    return text[:end] + insert + text[end:]
