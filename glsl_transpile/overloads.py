"""A program's own definition of a built-in function, such as ``float mod(float, float)``.

Browsers let such programs through; glslang refuses a desktop kernel that redefines a built-in
signature ("overloaded functions must have the same parameter precision qualifiers"). The
rewrite then renames the function, in the program's definition and in every call, to
``_ku_<name>``, and the kernel defines ``_ku_<name>`` for the built-in's other signatures as
calls to the built-in (``forwarders``), so that calls the program did not mean for its own
version still reach the built-in.

Pure: tokens in, text out.
"""
from __future__ import annotations

from .glsl_names import BASIC_TYPES, QUALIFIERS
from .lexer import IDENT, Token

_GEN = ("float", "vec2", "vec3", "vec4")
_UNARY = ("radians", "degrees", "sin", "cos", "tan", "asin", "acos", "sinh", "cosh", "tanh",
          "exp", "log", "exp2", "log2", "sqrt", "inversesqrt", "abs", "sign", "floor", "ceil",
          "fract", "trunc", "round", "roundEven", "normalize")
# name -> signature shapes: G is each of float, vec2, vec3, vec4; F is float
SHAPES: dict[str, tuple[str, ...]] = {
    **{name: ("G(G)",) for name in _UNARY},
    "atan": ("G(G)", "G(G,G)"), "pow": ("G(G,G)",), "mod": ("G(G,G)", "G(G,F)"),
    "min": ("G(G,G)", "G(G,F)"), "max": ("G(G,G)", "G(G,F)"),
    "clamp": ("G(G,G,G)", "G(G,F,F)"), "mix": ("G(G,G,G)", "G(G,G,F)"),
    "step": ("G(G,G)", "G(F,G)"), "smoothstep": ("G(G,G,G)", "G(F,F,G)"),
    "length": ("F(G)",), "distance": ("F(G,G)",), "dot": ("F(G,G)",),
    "reflect": ("G(G,G)",), "refract": ("G(G,G,F)",), "faceforward": ("G(G,G,G)",),
    "cross": ("vec3(vec3,vec3)",),
}
_TARGET = {"clamp": "_kClamp"}  # clamp goes to the prelude's NaN-safe clamp


def signatures(name: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every (return type, parameter types) of built-in ``name`` (float types only)."""
    out = []
    for shape in SHAPES.get(name, ()):
        ret, params = shape[:-1].split("(")
        for g in _GEN:
            sub = {"G": g, "F": "float"}
            sig = (sub.get(ret, ret), tuple(sub.get(p, p) for p in params.split(",")))
            if sig not in out:
                out.append(sig)
    return out


def user_redefinitions(tokens: list[Token]) -> dict[str, set[tuple[str, ...]]]:
    """Built-in names the program defines or declares with one of the built-in's own
    signatures: name -> those parameter-type tuples."""
    code = [t for t in tokens if t.is_code and not t.pp]
    found: dict[str, set[tuple[str, ...]]] = {}
    depth = 0
    for k, t in enumerate(code):
        if t.text in ("{", "("):
            depth += 1
        elif t.text in ("}", ")"):
            depth -= 1
        elif depth == 0 and t.kind == IDENT and t.text in SHAPES and k > 0 \
                and code[k - 1].text in BASIC_TYPES and k + 1 < len(code) \
                and code[k + 1].text == "(":
            params = _parameter_types(code, k + 2)
            if params in {p for _, p in signatures(t.text)}:
                found.setdefault(t.text, set()).add(params)
    return found


def _parameter_types(code: list[Token], k: int) -> tuple[str, ...]:
    """The types of a parameter list starting after its ``(`` at ``code[k]``."""
    types, current, depth = [], [], 0
    while k < len(code) and not (depth == 0 and code[k].text == ")"):
        text = code[k].text
        if text in ("(", "["):
            depth += 1
        elif text in (")", "]"):
            depth -= 1
        if depth == 0 and text == ",":
            types.append(current)
            current = []
        else:
            current.append(text)
        k += 1
    types.append(current)
    words = [[w for w in p if w not in QUALIFIERS and w not in ("inout",)] for p in types]
    return tuple(p[0] for p in words if p and p[0] != "void")


def forwarders(redefined: dict[str, set[tuple[str, ...]]]) -> str:
    """``_ku_<name>`` for the built-in signatures the program does not define itself."""
    lines = []
    for name in sorted(redefined):
        target = _TARGET.get(name, name)
        for ret, params in signatures(name):
            if params in redefined[name]:
                continue
            args = ", ".join(f"{p} a{i}" for i, p in enumerate(params))
            call = ", ".join(f"a{i}" for i in range(len(params)))
            lines.append(f"{ret} _ku_{name}({args}) {{ return {target}({call}); }}")
    return "\n".join(lines)
