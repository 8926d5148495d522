"""A small, lossless GLSL tokenizer.

Joining the text of every token gives back the input exactly, so rewrites that replace token
texts without adding or removing newlines keep the user's line numbers (the compiler's errors
then point at the user's own lines). Preprocessor directives are tokenized too (their tokens carry
``pp=True``) so identifier renames also reach macro bodies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

IDENT, NUMBER, OP, SPACE, COMMENT, HASH = "ident", "number", "op", "space", "comment", "hash"

NUMBER_PATTERN = r"(?:0[xX][0-9a-fA-F]+|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)[uUfF]?(?:lf|LF)?"
IDENT_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"

_TOKEN_RE = re.compile(
    r"""
    (?P<space>(?:[ \t\r\f\v]|\\\r?\n)+|\n)
  | (?P<comment>//(?:\\\n|[^\n])*|/\*.*?(?:\*/|\Z))
  | (?P<number>""" + NUMBER_PATTERN + r""")
  | (?P<ident>""" + IDENT_PATTERN + r""")
  | (?P<op><<=|>>=|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||\^\^|\+=|-=|\*=|/=|%=|&=|\|=|\^=|\#\#|[^\sA-Za-z0-9_])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class Token:
    """One token. ``text`` may be replaced by a rewrite; ``line`` is 1-based in the input."""

    kind: str
    text: str
    line: int
    pp: bool = False  # part of a preprocessor directive line

    @property
    def is_code(self) -> bool:
        return self.kind not in (SPACE, COMMENT)


def tokenize(code: str) -> list[Token]:
    """Split GLSL ``code`` into tokens; ``"".join(t.text for t in tokens) == code``."""
    tokens: list[Token] = []
    line = 1
    pos = 0
    in_directive = False
    at_line_start = True
    n = len(code)
    while pos < n:
        m = _TOKEN_RE.match(code, pos)
        if m is None:  # cannot happen: the op group matches any single non-space char
            raise AssertionError(f"tokenizer stuck at offset {pos}")
        kind = m.lastgroup
        text = m.group()
        if kind == "op" and text == "#" and at_line_start:
            kind = HASH
            in_directive = True
        if kind == "space" and text == "\n":
            tokens.append(Token(SPACE, text, line, in_directive))
            in_directive = False
            at_line_start = True
        else:
            tokens.append(Token(kind, text, line, in_directive))
            if kind not in (SPACE, COMMENT):
                at_line_start = False
            if kind == COMMENT and "\n" in text:
                # a block comment spanning lines ends a directive only at a real newline
                at_line_start = False
        line += text.count("\n")
        pos = m.end()
    return tokens


def join(tokens: list[Token]) -> str:
    """The text of ``tokens`` concatenated."""
    return "".join(t.text for t in tokens)


def code_indices(tokens: list[Token]) -> list[int]:
    """Indices of the tokens that are neither whitespace nor comments."""
    return [i for i, t in enumerate(tokens) if t.is_code]


def strip_comments(code: str) -> str:
    """``code`` with comments replaced by spaces (newlines kept), for pattern detection."""
    out = []
    for t in tokenize(code):
        if t.kind == COMMENT:
            out.append(re.sub(r"[^\n]", " ", t.text))
        else:
            out.append(t.text)
    return "".join(out)
