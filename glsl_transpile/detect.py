"""Telling Shadertoy code from TwiGL code, and which of TwiGL's twelve modes a program is in.

TwiGL (twigl.app) modes, as the app builds the fragment shader:

- ``classic``: the user writes the whole shader, long uniform names (resolution, mouse, time,
  frame, backbuffer); ``geek``: the same with one-letter uniforms (r, m, t, f, s, b);
- ``geeker``: the app prepends precision and the one-letter uniforms; the user writes ``main``;
- ``geekest``: as geeker plus ``#define FC gl_FragCoord`` and helper functions (simplex noise,
  hsv, rotate2D/3D, PI...); the user writes only the body of ``main`` (or ``main`` itself);
- each also as ``_300es`` (GLSL ES 3.00, output ``outColor``/``o``) and ``_mrt`` (ES 3.00 with two
  outputs ``outColor0/1``/``o0/1``; target 0 is what is shown).

Pure functions over strings.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .lexer import IDENT_PATTERN, NUMBER_PATTERN


BASE_MODES = ("classic", "geek", "geeker", "geekest")
TWIGL_MODES = tuple(b + v for v in ("", "_300es", "_mrt") for b in BASE_MODES)

CLASSIC_UNIFORMS = {"resolution", "mouse", "time", "frame", "backbuffer", "backbuffer0",
                    "backbuffer1", "sound"}
GEEK_UNIFORMS = {"r", "m", "t", "f", "s", "b", "b0", "b1"}
GEEKEST_HELPERS = {"FC", "snoise2D", "snoise3D", "snoise4D", "fsnoise", "fsnoiseDigits", "hsv",
                   "rotate2D", "rotate3D", "PI", "PI2", "mod289", "permute", "taylorInvSqrt"}

_UNIFORM_RE = re.compile(r"\buniform\s+(?:(?:highp|mediump|lowp)\s+)?\w+\s+(\w+)")
_MAIN_RE = re.compile(r"\bvoid\s+main\s*\(")
_MAIN_IMAGE_RE = re.compile(r"\bmainImage\s*\(")
_VERSION_300_RE = re.compile(r"^[ \t]*#[ \t]*version\s+300\s+es\b", re.M)
_INCLUDE_RE = re.compile(r"^[ \t]*#[ \t]*include\b", re.M)


# a line comment goes on over a backslash-newline (lines are spliced before comments end)
_COMMENT_RE = re.compile(r"//(?:\\\n|[^\n])*|/\*.*?(?:\*/|\Z)", re.DOTALL)
# numbers are matched (and dropped) first, so that 1e5, 0x1F or 2.f yield no identifier
_IDENT_RE = re.compile(f"{NUMBER_PATTERN}|({IDENT_PATTERN})")


def _blank(match: re.Match) -> str:
    text = match.group()
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


# Loading a corpus asks each program's kind, mode and includes: the scans are made once a
# text (the last few texts are remembered). Regular expressions, not the tokenizer: they run
# on every file at load time (GLSL has no string literals, so a comment is never inside one).
@lru_cache(maxsize=8)
def _without_comments(code: str) -> str:
    """``code`` with every comment blanked (lines and columns kept)."""
    return _COMMENT_RE.sub(_blank, code)


@lru_cache(maxsize=8)
def _identifiers(code: str) -> frozenset[str]:
    idents = set(_IDENT_RE.findall(_without_comments(code)))
    idents.discard("")
    return frozenset(idents)


def _code_only(code: str) -> tuple[str, frozenset[str]]:
    """Comment-free text (comments blanked, lines kept) and the set of identifiers used in
    ``code``."""
    return _without_comments(code), _identifiers(code)


def detect_kind(code: str) -> str:
    """"shadertoy" if the program defines ``mainImage``, else "twigl"."""
    text = _without_comments(code)
    return "shadertoy" if _MAIN_IMAGE_RE.search(text) else "twigl"


def _variant(idents: frozenset[str], text: str, long_names: bool) -> str:
    """"_mrt", "_300es" or "" from the outputs a program writes."""
    mrt_names = ("outColor0", "outColor1", "backbuffer0", "backbuffer1") if long_names \
        else ("o0", "o1", "b0", "b1")
    if any(n in idents for n in mrt_names) or re.search(r"location\s*=\s*1\b", text):
        return "_mrt"
    if _VERSION_300_RE.search(text):
        return "_300es"
    if "gl_FragColor" in idents or "gl_FragData" in idents:
        return ""
    if ("o" in idents and not long_names) or (long_names and "outColor" in idents):
        return "_300es"
    return ""


def detect_twigl_mode(code: str) -> str:
    """The TwiGL mode of ``code`` (one of ``TWIGL_MODES``)."""
    text, idents = _code_only(code)
    declared = set(_UNIFORM_RE.findall(text)) & (GEEK_UNIFORMS | CLASSIC_UNIFORMS)
    if declared:  # the user wrote the header (a uniform of its own is not one): classic or geek
        base = "geek" if declared & GEEK_UNIFORMS and not declared & CLASSIC_UNIFORMS else "classic"
        return base + _variant(idents, text, long_names=(base == "classic"))
    if _VERSION_300_RE.search(text):
        return "classic" + _variant(idents, text, long_names=True)
    if _MAIN_RE.search(text):
        base = "geekest" if idents & GEEKEST_HELPERS else "geeker"
    else:
        base = "geekest"
    return base + _variant(idents, text, long_names=False)


def find_include(code: str) -> int:
    """1-based line of the first ``#include`` directive, or 0 if there is none."""
    text = _without_comments(code)
    m = _INCLUDE_RE.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def looks_like_manifest(text: str) -> bool:
    """True if every non-comment line of ``text`` looks like a path to a program file."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and not ln.strip().startswith("#")]
    return bool(lines) and all(
        re.fullmatch(r"[^\s;{}()]+\.(glsl|frag|fragment|fs|json|twigl|txt|list)", ln)
        for ln in lines)
