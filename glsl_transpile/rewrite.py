"""Rewriting a fragment program's own code so it compiles and means the same inside a kernel.

``rewrite_user_code`` is a pure ``str -> UserCode`` function. Every edit replaces token texts
without adding or removing newlines, so line N of the result is line N of the user's code and
compiler errors point at the user's own lines. What it does:

- renames fragment built-ins (``gl_FragCoord``, ``gl_FragColor``, ``gl_FragData``), derivative
  functions, implicit-LOD texture functions and ``clamp`` to the prelude's compute versions;
- renames identifiers that are keywords or built-in functions of desktop GLSL 4.50 but were free
  names in GLSL ES (``sample``, ``buffer``, a WebGL 1 program's own ``round``...);
- turns global ``uniform``/``in``/``out`` declarations into plain globals (the prelude sets them),
  and records the program's outputs and uniforms; sampler uniforms stay uniforms, bound in set 1;
- renames a program's own definition of a built-in signature, with its calls (``overloads``);
- zero-initialises variables declared without an initialiser, as WebGL does;
- rewrites ``discard`` (rejected in compute) into "mark the pixel discarded and return";
- renames a TwiGL program's ``main`` to ``_kUserMain``;
- counts loop iterations (``loop_ticks``), so the kernel can mark pixels that hit the loop cap.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from . import glsl_names as names
from .lexer import IDENT, Token, tokenize
from .loop_ticks import count_loop_iterations
from .overloads import forwarders, user_redefinitions
from .statements import USER_MAIN, StatementWalker, zero_value

_DIRECTIVE_BLANK_RE = re.compile(r"^[ \t]*#[ \t]*(version|extension)\b[^\n]*", re.M)


@dataclass
class UserCode:
    """The rewritten code and what the epilogue needs to know about it."""

    code: str
    uniforms: list[tuple[str, str]] = field(default_factory=list)      # (type, name)
    outputs: list[tuple[str, int]] = field(default_factory=list)       # (name, location)
    has_main: bool = False
    has_main_image: bool = False
    zero_globals: list[str] = field(default_factory=list)  # statements run before user code
    macros: list[str] = field(default_factory=list)  # names the program #defines
    forwarders: str = ""  # the built-in signatures of functions the program redefines


def rewrite_user_code(code: str, *, webgl1: bool, rename_main: bool = True,
                      unconst_lines: frozenset[int] = frozenset(),
                      sampler_layout: Callable[[str, str], str] | None = None) -> UserCode:
    """Rewrite a program's own code for the compute prelude (see module doc).

    Args:
        code: the program text as published.
        webgl1: True for GLSL ES 1.00 programs (more words were free identifiers there).
        rename_main: rename the program's ``main`` to ``_kUserMain`` (TwiGL).
        unconst_lines: user lines whose global ``const`` qualifier is dropped.
        sampler_layout: ``(type, name) -> layout qualifier`` of a sampler uniform the program
            declares (TwiGL's ``backbuffer``); it may raise ``UnsupportedShaderError``.
    """
    code = _DIRECTIVE_BLANK_RE.sub(lambda m: " " * len(m.group()), code)
    tokens = tokenize(code)
    redefined = user_redefinitions(tokens)
    _rename_identifiers(tokens, webgl1, set(redefined))
    count_loop_iterations(tokens)
    walker = StatementWalker(tokens, rename_main=rename_main, unconst_lines=unconst_lines,
                             sampler_layout=sampler_layout)
    walker.run()
    return UserCode(code="".join(t.text for t in tokens), uniforms=walker.uniforms,
                    outputs=walker.outputs, has_main=walker.has_main,
                    has_main_image=walker.has_main_image, zero_globals=walker.zero_globals,
                    macros=_defined_macros(tokens), forwarders=forwarders(redefined))


def zero_initialise(code: str) -> str:
    """``code`` with explicit zero initialisers on locals declared without one, and nothing
    else changed: WebGL's semantics (each declaration zeroes its variables every time it runs)
    for an OpenGL reference whose own zero-initialisation runs once per function."""
    tokens = tokenize(code)
    StatementWalker(tokens, rename_main=False, zero_only=True).run()
    return "".join(t.text for t in tokens)


def _defined_macros(tokens: list[Token]) -> list[str]:
    """Names of ``#define``s, in order of first definition."""
    found: list[str] = []
    code = [t for t in tokens if t.is_code]
    for k, t in enumerate(code[:-2]):
        if t.kind == "hash" and code[k + 1].text == "define" and code[k + 2].kind == IDENT \
                and code[k + 2].text not in found:
            found.append(code[k + 2].text)
    return found


def _next_code(tokens: list[Token], i: int) -> Token | None:
    for t in tokens[i + 1:]:
        if t.is_code:
            return t
    return None


def _user_functions(tokens: list[Token]) -> set[str]:
    """Names the program defines or declares as functions at global scope."""
    code = [t for t in tokens if t.is_code and not t.pp]
    found, depth = set(), 0
    for k, t in enumerate(code):
        if t.text in "{(":
            depth += 1
        elif t.text in "})":
            depth -= 1
        elif depth == 0 and t.kind == IDENT and k > 0 and k + 1 < len(code) \
                and code[k + 1].text == "(" and code[k - 1].kind == IDENT:
            found.add(t.text)
    return found


def _rename_identifiers(tokens: list[Token], webgl1: bool, redefined: set[str]) -> None:
    renames = dict(names.FRAGMENT_VARIABLES)
    renames["GL_ES"] = "_kGL_ES"  # WebGL predefines it; desktop GLSL may not define GL_ names
    renames.update({n: "_k" + n[0].upper() + n[1:] for n in names.DERIVATIVES})
    clashes = set(names.GLSL450_ONLY_KEYWORDS) | redefined
    if webgl1:
        clashes |= names.ES300_NEW_KEYWORDS
        clashes |= _user_functions(tokens) & names.GLSL450_FUNCTIONS_NOT_IN_ES100
    else:
        clashes |= _user_functions(tokens) & names.GLSL450_FUNCTIONS_NOT_IN_ES300
    renames.update({n: "_ku_" + n for n in clashes})
    calls = {n: "_kt_" + n for n in names.TEXTURE_FUNCTIONS if n not in clashes}
    if "clamp" not in clashes:
        calls["clamp"] = "_kClamp"
    for i, t in enumerate(tokens):
        if t.kind != IDENT:
            continue
        if t.text in ("mediump", "lowp"):
            # browsers on desktop GPUs run these at 32 bits; keep SPIR-V free of RelaxedPrecision
            t.text = "highp"
        elif t.text in calls:
            nxt = _next_code(tokens, i)
            if t.pp or (nxt is not None and nxt.text == "("):
                t.text = calls[t.text]
        elif t.text in renames:
            t.text = renames[t.text]


__all__ = ["USER_MAIN", "UserCode", "rewrite_user_code", "zero_initialise", "zero_value"]
