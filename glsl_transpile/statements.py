"""Statement-level rewrites over the code tokens: declarations (zero initialisers, global
storage qualifiers, outputs and uniforms), struct zero constructors, ``discard`` and the name of
``main``. Used by ``rewrite``; every edit keeps the user's line numbers.
"""
from __future__ import annotations

import re

from . import glsl_names as names
from .lexer import IDENT, Token

USER_MAIN = "_kUserMain"


def zero_value(type_name: str, structs: dict) -> str | None:
    """A GLSL expression of ``type_name`` with every component zero (None if not expressible)."""
    if type_name in names.SCALARS:
        return names.SCALARS[type_name]
    if type_name in names.VECTORS:
        return f"{type_name}({names.VECTORS[type_name]})"
    if type_name in names.MATRICES:
        return f"{type_name}(0.0)"
    if type_name in structs:
        return f"_kZero_{type_name}()"
    return None


class StatementWalker:
    """One pass over the code tokens tracking scope, structs, functions and statement starts."""

    def __init__(self, tokens: list[Token], *, rename_main: bool = True,
                 unconst_lines: frozenset[int] = frozenset(), zero_only: bool = False):
        self.zero_only = zero_only
        self.tokens = tokens
        self.rename_main = rename_main
        self.unconst_lines = unconst_lines
        self.code = [t for t in tokens if t.is_code and not t.pp]
        self.structs: dict[str, list[tuple[str, str, bool]]] = {}  # name -> (type, field, array)
        self.uniforms: list[tuple[str, str]] = []
        self.outputs: list[tuple[str, int]] = []
        self.zero_globals: list[str] = []
        self.has_main = False
        self.has_main_image = False

    # -- helpers over self.code -------------------------------------------------------------
    def text(self, k: int) -> str:
        return self.code[k].text if 0 <= k < len(self.code) else ""

    def skip_balanced(self, k: int) -> int:
        """Index just past the bracket group opening at ``k``."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        stack = [pairs[self.text(k)]]
        k += 1
        while k < len(self.code) and stack:
            t = self.text(k)
            if t in pairs:
                stack.append(pairs[t])
            elif t == stack[-1]:
                stack.pop()
            k += 1
        return k

    def is_type(self, word: str) -> bool:
        return word in names.BASIC_TYPES or word in self.structs or word == "_KChannel"

    # -- the pass ------------------------------------------------------------------------------
    def run(self) -> None:
        k, depth, func_ret = 0, 0, None
        start = True  # at the start of a statement
        for_header = -1  # depth of an open for(...) header's parenthesis
        paren = 0
        while k < len(self.code):
            t = self.text(k)
            if start and (depth == 0 or paren == 0 or for_header == paren):
                nk = self.statement(k, depth)
                if nk != k:
                    k, start = nk, True
                    continue
            start = False
            if t == "struct":
                k = self.struct_definition(k)
                start = True
                continue
            if depth == 0 and paren == 0 and self.code[k].kind == IDENT and self.text(k + 1) == "(":
                func_ret = self.function_header(k)
            if t == "discard" and not self.zero_only:
                k = self.discard(k, func_ret)
                start = True
                continue
            if t == "for" and self.text(k + 1) == "(":
                paren += 1
                for_header = paren
                k += 2
                start = True
                continue
            if t == "(":
                paren += 1
            elif t == ")":
                if paren == for_header:
                    for_header = -1
                paren -= 1
            elif t == "{":
                depth += 1
                start = True
            elif t == "}":
                depth -= 1
                start = True
                if depth == 0:
                    func_ret = None
            elif t == ";":
                start = True
            k += 1

    def function_header(self, k: int) -> str | None:
        """At ``name (`` in global scope: note main/mainImage; return the return type."""
        name = self.code[k]
        ret = self.text(k - 1)
        close = self.skip_balanced(k + 1)
        is_definition = self.text(close) == "{"
        if name.text == "main":
            self.has_main = self.has_main or is_definition
            if self.rename_main:
                name.text = USER_MAIN
        if name.text == "mainImage" and is_definition:
            self.has_main_image = True
        return ret

    def discard(self, k: int, func_ret: str | None) -> int:
        semicolon = self.text(k + 1) == ";"
        if func_ret == "void":
            self.code[k].text = "{_kDiscarded=true;return;}"
        else:  # a value must be returned here: mark and carry on; the pixel is cleared anyway
            self.code[k].text = "{_kDiscarded=true;}"
        if semicolon:
            self.code[k + 1].text = ""
            return k + 2
        return k + 1

    def struct_definition(self, k: int) -> int:
        """Record ``struct S { ... };`` fields and append a zero constructor after it."""
        name = self.text(k + 1)
        if self.text(k + 2) != "{":
            return k + 1
        end = self.skip_balanced(k + 2)
        fields: list[tuple[str, str, bool]] = []
        j = k + 3
        while j < end - 1:
            stmt_end = j
            while stmt_end < end - 1 and self.text(stmt_end) != ";":
                stmt_end += 1
            words = [self.text(x) for x in range(j, stmt_end)]
            words = [w for w in words if w not in names.QUALIFIERS]
            if words:
                ftype, rest = words[0], words[1:]
                for decl in " ".join(rest).split(","):
                    parts = decl.split()
                    if parts:
                        fields.append((ftype, parts[0], "[" in decl))
            j = stmt_end + 1
        self.structs[name] = fields
        if self.text(end) == ";" and all(zero_value(f[0], self.structs) is not None
                                         for f in fields):
            self.code[end].text += self.zero_function(name, fields)
            return end + 1
        return end

    def zero_function(self, name: str, fields) -> str:
        body = [f"{name} v;"]
        for ftype, fname, is_array in fields:
            z = zero_value(ftype, self.structs)
            if is_array:
                body.append(f"for(int i=0;i<v.{fname}.length();++i)v.{fname}[i]={z};")
            else:
                body.append(f"v.{fname}={z};")
        return f"{name} _kZero_{name}(){{{''.join(body)}return v;}}"

    def statement(self, k: int, depth: int) -> int:
        """Handle a declaration starting at ``k``; return the index after it (``k`` if none)."""
        j, quals, location = k, set(), None
        while True:
            w = self.text(j)
            if w == "layout" and self.text(j + 1) == "(":
                close = self.skip_balanced(j + 1)
                m = re.search(r"location\s*=\s*(\d+)",
                              " ".join(self.text(x) for x in range(j, close)))
                location = int(m.group(1)) if m else location
                j = close
            elif w in names.QUALIFIERS:
                if w == "const" and depth == 0 and self.code[j].line in self.unconst_lines:
                    self.code[j].text = ""  # see rewrite_user_code(unconst_lines)
                    w = "unconst"
                quals.add(w)
                j += 1
            else:
                break
        if self.text(k) == "precision":
            return k if self.zero_only else self.precision_statement(k)
        type_name = self.text(j)
        if not self.is_type(type_name) or "const" in quals:
            return k
        if "unconst" in quals:  # keep its initialiser; nothing else to do
            return k
        type_end = j + 1
        if self.text(type_end) == "[":
            type_end = self.skip_balanced(type_end)
        if type_end >= len(self.code) or self.code[type_end].kind != IDENT:
            return k  # no declared name follows the type
        if self.text(type_end + 1) not in (";", ",", "=", "["):
            return k  # a function definition or prototype
        if depth == 0 and self.zero_only:
            return k  # globals: the reference zero-initialises them once, which is right
        if depth == 0:
            self.strip_storage(k, j, quals, type_name, location)
        array_type = type_end > j + 1
        return self.declarators(type_end, type_name, array_type, depth, quals)

    def strip_storage(self, k, j, quals, type_name, location) -> None:
        """Global ``uniform``/``in``/``out``/``layout`` become plain globals."""
        storage = quals & {"uniform", "in", "out", "varying", "attribute"}
        if not storage:
            return
        for x in range(k, j):
            if self.text(x) not in ("highp", "mediump", "lowp"):
                self.code[x].text = ""
        name = self.text(j + 1)
        if "out" in storage:
            self.outputs.append((name, location or 0))
        elif "uniform" in storage:
            self.uniforms.append((type_name, name))
            x = j + 2
            while self.text(x) == ",":  # uniform vec2 a, b;
                self.uniforms.append((type_name, self.text(x + 1)))
                x += 2

    def declarators(self, k: int, type_name: str, array_type: bool, depth: int, quals) -> int:
        """Walk ``name [arr] [= init], ...;`` from ``k``; zero-init those without initialiser."""
        after_stmt = []
        while k < len(self.code):
            name_tok = self.code[k]
            k += 1
            is_array = array_type
            if self.text(k) == "[":
                k = self.skip_balanced(k)
                is_array = True
            if self.text(k) == "=":
                k += 1
                while k < len(self.code) and self.text(k) not in (",", ";"):
                    k = self.skip_balanced(k) if self.text(k) in "([{" else k + 1
            elif type_name != "_KChannel" and "out" not in quals:
                self.zero_init(name_tok, self.code[k - 1], type_name, is_array, depth,
                               after_stmt)
            if self.text(k) == ",":
                k += 1
                continue
            break
        if self.text(k) != ";":
            return k
        if after_stmt:
            self.code[k].text += "".join(after_stmt)
        return k + 1

    def zero_init(self, name_tok, last_tok, type_name, is_array, depth, after_stmt) -> None:
        z = zero_value(type_name, self.structs)
        if z is None:
            return
        name = name_tok.text
        if is_array and self.zero_only:
            return  # GLSL ES 1.00 has no .length(); Mesa's own zero-init covers arrays
        if is_array:
            loop = f"for(int _kI=0;_kI<{name}.length();++_kI){name}[_kI]={z};"
            (self.zero_globals if depth == 0 else after_stmt).append(loop)
        elif depth == 0 and type_name in self.structs:
            self.zero_globals.append(f"{name}={z};")
        else:
            last_tok.text += f"={z}"

    def precision_statement(self, k: int) -> int:
        end = k
        while end < len(self.code) and self.text(end) != ";":
            end += 1
        if any(self.text(x) == "_KChannel" for x in range(k, end)):
            for x in range(k, end + 1):
                self.code[x].text = ""
        return end + 1
