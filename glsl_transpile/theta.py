"""The parameter protocol: a program whose constants are latent variables (issue 14, point 2).

A program declares its parameters in one global declaration, valid GLSL ES 3.00, so the file is
a standalone Shadertoy program with its values baked in::

    const float THETA[3] = float[3](
        0.75,  // 0 warp.strength ~ U(0.1, 1.5)
        -2.5,  // 1 palette.phase ~ U(-3.14159, 3.14159)
        4.0    // 2 tiles ~ U(2, 8)
    );

Only that form counts: ``const float THETA[N] = float[N](...)`` at global scope whose N entries
are numeric literals (a sign allowed). Anything else named THETA is ordinary code. The comment
after an entry is optional; ``~ U(lo, hi)`` in it gives the entry's prior (a uniform box), which
parameter-space views need.

When the program is rendered, ``runtime_code`` turns the declaration into a plain global
``float THETA[N];`` (same number of lines, so compiler errors keep the user's line numbers) and
``loader_glsl`` fills it from the kernel's parameter buffer (``abi.PARAMS_BINDING``) before the
user's entry point runs: the kernel text no longer depends on the values, so one compiled
kernel renders any theta. ``structure_id`` names the program with its values removed.

Pure: strings in, strings out.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .errors import ShaderSourceError
from .lexer import NUMBER, Token, tokenize

NAME = "THETA"
_CANDIDATE_RE = re.compile(rf"\bconst\s+float\s+{NAME}\s*\[")
_HEAD = ("const", "float", NAME, "[", "#", "]", "=", "float", "[", "#", "]", "(")
_PRIOR_RE = re.compile(r"~\s*U\(\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*\)")
_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?(?:\*/|\Z)", re.S)
_LABEL_RE = re.compile(r"//\s*(\d+)\s+([A-Za-z_][\w.]*)")


@dataclass(frozen=True)
class Parameter:
    """One entry of theta: its baked value and, when declared, its name and prior box."""

    index: int
    value: float
    name: str = ""
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class ThetaDeclaration:
    """Where the declaration is in the code (character offsets, ``end`` past the ``;``)."""

    start: int
    end: int
    parameters: tuple[Parameter, ...]

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(p.value for p in self.parameters)


def find_declaration(code: str) -> ThetaDeclaration | None:
    """The program's theta declaration, or None if it has none (see module doc)."""
    for m in _CANDIDATE_RE.finditer(code):
        start = m.start()
        if not _at_global_scope(code[:start]):
            continue
        end = _statement_end(code, start)
        tokens = tokenize(code[start:end])
        code_idx = [i for i, t in enumerate(tokens) if t.is_code]
        found = _parse_entries(tokens, code_idx, len(_HEAD)) \
            if _matches_head(tokens, code_idx, 0) else None
        if found is not None:
            return ThetaDeclaration(start, end, found[0])
    return None


def _at_global_scope(prefix: str) -> bool:
    """True when code continuing after ``prefix`` is at global scope, outside comments and
    preprocessor lines."""
    tokens = tokenize(prefix)
    depth = sum(1 if t.text == "{" else -1 if t.text == "}" else 0
                for t in tokens if t.is_code and not t.pp)
    last = tokens[-1] if tokens else None
    in_comment = last is not None and last.kind == "comment" and (
        last.text.startswith("//") or not last.text.endswith("*/"))
    in_directive = last is not None and last.pp and last.text != "\n"
    return depth == 0 and not in_comment and not in_directive


def _statement_end(code: str, start: int) -> int:
    """Offset just past the first ``;`` after ``start`` outside ``//`` comments (or the end)."""
    pos = start
    while True:
        newline = code.find("\n", pos)
        line_end = len(code) if newline < 0 else newline
        k = code[pos:line_end].split("//", 1)[0].find(";")
        if k >= 0:
            return pos + k + 1
        if newline < 0:
            return len(code)
        pos = newline + 1


def _matches_head(tokens: list[Token], code_idx: list[int], n: int) -> bool:
    words = [tokens[i].text for i in code_idx[n:n + len(_HEAD)]]
    if len(words) < len(_HEAD) or words[4] != words[9] or not words[4].isdigit():
        return False
    return all(w == h or h == "#" for w, h in zip(words, _HEAD))


def _parse_entries(tokens: list[Token], code_idx: list[int], n: int):
    """(parameters, index of the closing ``;`` token) or None if not all entries are literals."""
    count = int(tokens[code_idx[n - 3]].text)
    values: list[tuple[float, int]] = []  # (value, token index of the number)
    while n < len(code_idx):
        sign = 1.0
        if tokens[code_idx[n]].text in ("-", "+"):
            sign = -1.0 if tokens[code_idx[n]].text == "-" else 1.0
            n += 1
        tok = tokens[code_idx[n]] if n < len(code_idx) else None
        if tok is None or tok.kind != NUMBER:
            return None
        values.append((sign * float(tok.text.rstrip("fF")), code_idx[n]))
        sep = tokens[code_idx[n + 1]].text if n + 1 < len(code_idx) else ""
        n += 2
        if sep == ")":
            break
        if sep != ",":
            return None
    if len(values) != count or n >= len(code_idx) or tokens[code_idx[n]].text != ";":
        return None
    return tuple(_parameter(k, v, _entry_comment(tokens, i)) for k, (v, i) in
                 enumerate(values)), code_idx[n]


def _entry_comment(tokens: list[Token], i: int) -> str:
    """The ``//`` comment on the same line after token ``i`` (after its comma), or ""."""
    for t in tokens[i + 1:]:
        if t.kind == "comment":
            return t.text
        if t.text == "\n" or (t.is_code and t.text not in (",", ")")):
            return ""
    return ""


def _parameter(index: int, value: float, comment: str) -> Parameter:
    label = _LABEL_RE.match(comment)
    prior = _PRIOR_RE.search(comment)
    name = label.group(2) if label and int(label.group(1)) == index else ""
    low, high = (float(prior.group(1)), float(prior.group(2))) if prior else (None, None)
    return Parameter(index, value, name, low, high)


def baked_theta(code: str) -> tuple[float, ...]:
    """The values the program declares (empty when it declares no theta)."""
    decl = find_declaration(code)
    return () if decl is None else decl.values


def _require(code: str, shader: str, count: int | None = None) -> ThetaDeclaration:
    decl = find_declaration(code)
    if decl is None:
        raise ShaderSourceError(shader, f"has parameters but no '{NAME}' declaration of the form "
                                        f"const float {NAME}[N] = float[N](literals...);")
    if count is not None and len(decl.parameters) != count:
        raise ShaderSourceError(shader, f"{NAME} declares {len(decl.parameters)} entries, the "
                                        f"program record has {count}")
    return decl


def _replace(code: str, decl: ThetaDeclaration, text: str) -> str:
    """``code`` with the declaration replaced by ``text`` padded to the same number of lines."""
    lines = code[decl.start:decl.end].count("\n")
    return code[:decl.start] + text + "\n" * lines + code[decl.end:]


def runtime_code(code: str, shader: str, count: int) -> str:
    """``code`` with theta as a plain global that the kernel fills per sample.

    Raises:
        ShaderSourceError: no declaration, or one with a different number of entries.
    """
    decl = _require(code, shader, count)
    # an initialiser rather than the rewrite's zeroing loop: with only constant indices the
    # driver keeps the entries in registers (a dynamically indexed array goes to memory)
    zeros = ", ".join(["0.0"] * count)
    return _replace(code, decl, f"float {NAME}[{count}] = float[{count}]({zeros});")


def uniform_code(code: str, shader: str, count: int) -> str:
    """``code`` with theta as ``uniform float THETA[N];`` (the fragment reference sets it)."""
    decl = _require(code, shader, count)
    return _replace(code, decl, f"uniform float {NAME}[{count}];")


STAGE = "_kThetaStage"  # workgroup copy of the sample's parameters


def storage_glsl(count: int) -> str:
    """Global declarations the loader needs: a workgroup-shared copy of the parameters."""
    return f"shared float {STAGE}[{count}];"


def loader_glsl(count: int, frame_record: str = "_kF", lanes: int = 64) -> str:
    """GLSL statements that copy sample ``frame_record``'s parameters into ``THETA``.

    Every invocation of a workgroup renders the same sample, so the workgroup loads the vector
    once (lane i loads entries i, i + lanes, ...) into shared memory, and each invocation
    copies it with constant indices only (see ``runtime_code``). On lavapipe this is 3x
    faster than every invocation reading the buffer. Must run in uniform control flow (the
    barrier), before the user's code."""
    stage = (f"for (uint _kJ = gl_LocalInvocationIndex; _kJ < {count}u; _kJ += {lanes}u) "
             f"{{ {STAGE}[_kJ] = _kParams[{frame_record}._kParamBase + _kJ]; }}")
    copy = " ".join(f"{NAME}[{i}] = {STAGE}[{i}];" for i in range(count))
    return f"{stage}\n    barrier();\n    {copy}"


def format_value(value: float) -> str:
    """A literal GLSL ES accepts for ``value`` (always with a decimal point)."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        mantissa, _, exponent = text.lower().partition("e")
        text = (mantissa if "." in mantissa else mantissa + ".0") + "e" + exponent
    elif "." not in text:
        text += ".0"
    return text


def declaration_text(parameters: list[Parameter] | tuple[Parameter, ...]) -> str:
    """The declaration for ``parameters``, one entry per line with its name and prior."""
    n = len(parameters)
    lines = [f"const float {NAME}[{n}] = float[{n}]("]
    for p in parameters:
        entry = format_value(p.value) + ("," if p.index < n - 1 else "")
        note = f"// {p.index} {p.name}" if p.name else ""
        if p.low is not None and p.high is not None:
            note += f" ~ U({format_value(p.low)}, {format_value(p.high)})"
        lines.append(f"    {entry:<12} {note}".rstrip())
    lines.append(");")
    return "\n".join(lines)


def with_values(code: str, shader: str, values) -> str:
    """``code`` with theta's values replaced (names and priors kept): a standalone variant."""
    decl = _require(code, shader, len(values))
    params = [Parameter(p.index, float(v), p.name, p.low, p.high)
              for p, v in zip(decl.parameters, values)]
    return code[:decl.start] + declaration_text(params) + code[decl.end:]


def structure_id(code: str) -> str:
    """A 16-hex-digit name of the program's structure: its code with theta's values and the
    comments removed and runs of white space collapsed (programs that differ only in those
    share it). GLSL has no string literals, so a comment is anything from ``//`` to the end of
    the line or from ``/*`` to ``*/``, whichever starts first."""
    decl = find_declaration(code)
    if decl is not None:
        code = code[:decl.start] + f"{NAME}[{len(decl.parameters)}];" + code[decl.end:]
    words = " ".join(_COMMENT_RE.sub(" ", code).split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]
