"""Counting loop iterations in the user's code, so a kernel can say it ran into the loop cap.

Mesa's llvmpipe and lavapipe (the CPU drivers, and the OpenGL reference) stop loops after
``abi.LOOP_CAP`` iterations in total per invocation, nested loops sharing one count: the pixel
is then wrong while the render looks fine. They count one trip per pass through a loop's
condition (the last, failing test included), so the kernel does the same: every ``for``,
``while`` and ``do ... while`` condition becomes ``(TICK++, condition)`` with the comma
operator, which leaves the condition's value, its side effects and the loop's shape as they
were (the driver's own cap is unchanged), and the epilogue stores ``abi.LOOP_CAPPED_ALPHA``
where the count reached the cap.

The counter is per invocation; the drivers count per SIMD vector of invocations, so a capped
vector whose lanes ran different loops can escape (each lane under the cap, their sum over it),
and loops the driver unrolls count here but not there. Conditions that declare a variable
(``while (bool b = f())``) cannot take the tick and are left alone.

Works on tokens and adds tokens (never newlines), so every line keeps its number.
"""
from __future__ import annotations

from .lexer import IDENT, OP, Token

TICK = "_kLoopTicks"  # declared in templates/compute_prelude.glsl


def count_loop_iterations(tokens: list[Token]) -> None:
    """Insert the tick into the condition of every loop in ``tokens`` (in place): in code
    and in macro bodies (a ``#define`` line is scanned only within itself)."""
    inserts: list[tuple[int, Token, bool]] = []  # (insert before, token after, empty condition)
    for i, t in enumerate(tokens):
        if t.kind != IDENT or t.text not in ("for", "while"):
            continue
        stream = _stream(tokens, i)
        open_paren = next(stream, None)
        if open_paren is None or tokens[open_paren].text != "(":
            continue
        start = open_paren if t.text == "while" else _for_condition(tokens, stream)
        if start is None:
            continue
        first = next(_stream(tokens, start), None)
        if first is None or _declares(tokens, start):
            continue
        inserts.append((start + 1, tokens[start], tokens[first].text in (";", ")")))
    for index, at, empty in reversed(inserts):
        tokens[index:index] = _tick_tokens(at, empty)


def _tick_tokens(at: Token, empty: bool) -> list[Token]:
    texts = [(IDENT, TICK), (OP, "++"), (OP, ",")] + ([(IDENT, "true")] if empty else [])
    return [Token(kind, text, at.line, at.pp) for kind, text in texts]


def _stream(tokens: list[Token], i: int):
    """Indices of the code tokens after ``i`` that belong to the same text as ``tokens[i]``:
    other code tokens for code (directive lines skipped), the rest of its line for a
    directive."""
    origin = tokens[i]
    for j in range(i + 1, len(tokens)):
        t = tokens[j]
        if origin.pp and (not t.pp or t.line != origin.line):
            return
        if t.is_code and t.pp == origin.pp:
            yield j


def _for_condition(tokens: list[Token], stream) -> int | None:
    """The index of the ``;`` that ends a ``for`` header's initialiser (None if unbalanced)."""
    depth = 1
    for j in stream:
        text = tokens[j].text
        if text in ("(", "[", "{"):
            depth += 1
        elif text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return None
        elif text == ";" and depth == 1:
            return j
    return None


def _declares(tokens: list[Token], start: int) -> bool:
    """True when the condition after ``start`` declares a variable (two names in a row)."""
    stream = _stream(tokens, start)
    first, second = next(stream, None), next(stream, None)
    return (first is not None and second is not None and tokens[first].kind == IDENT
            and tokens[second].kind == IDENT)
