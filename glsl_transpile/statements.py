"""Statement-level rewrites over the code tokens: declarations (zero initialisers, global
storage qualifiers, outputs and uniforms, sampler uniforms bound to set 1), struct zero
constructors, ``discard`` and the name of ``main``. Used by ``rewrite``; every edit keeps the
user's line numbers.
"""
from __future__ import annotations

import re
from typing import Callable

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
                 unconst_lines: frozenset[int] = frozenset(), zero_only: bool = False,
                 sampler_layout: Callable[[str, str], str] | None = None):
        """``sampler_layout(type, name)`` gives the layout qualifier of a global sampler
        uniform the program declares (it may raise ``UnsupportedShaderError``)."""
        self.zero_only = zero_only
        self.sampler_layout = sampler_layout
        self.tokens = tokens
        self.rename_main = rename_main
        self.unconst_lines = unconst_lines
        self.code = [t for t in tokens if t.is_code and not t.pp]
        self.structs: dict[str, list[tuple[str, str, bool]]] = {}  # name -> (type, field, array)
        self.local_zero: dict[str, str | None] = {}  # struct declared in a function -> zero
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
        return word in names.BASIC_TYPES or word in self.structs or word in names.SAMPLER_TYPES

    def zero_of(self, type_name: str) -> str | None:
        """A zero expression of ``type_name`` (None if not expressible)."""
        if type_name in self.local_zero:
            return self.local_zero[type_name]
        return zero_value(type_name, self.structs)

    # -- the pass ------------------------------------------------------------------------------
    def run(self) -> None:
        k, depth, func_ret = 0, 0, None
        start = True  # at the start of a statement
        for_header = -1  # depth of an open for(...) header's parenthesis
        paren = 0
        while k < len(self.code):
            t = self.text(k)
            if not t:  # a token an earlier edit blanked out
                k += 1
                continue
            if start and (depth == 0 or paren == 0 or for_header == paren):
                nk = self.statement(k, depth)
                if nk != k:
                    k, start = nk, True
                    continue
            start = False
            if t == "struct":
                k = self.struct_definition(k, depth)
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
        if name.text == "mainImage":
            self.has_main_image = self.has_main_image or is_definition
            # its colour starts as the caller's (0, 0, 0, 0), as ANGLE gives it: an ``out``
            # parameter would start undefined ("O += ..." programs)
            for x in range(k + 2, close):
                if self.text(x) in (",", ")"):
                    break
                if self.text(x) == "out":
                    self.code[x].text = "inout"
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

    def struct_definition(self, k: int, depth: int = 0) -> int:
        """Record ``struct S { ... };`` fields and append a zero constructor after it (inside
        a function, where no function can be defined, its zero is a constructor call)."""
        name = self.text(k + 1)
        if name == "{":  # an anonymous struct: its members are not variables to initialise
            return self.skip_balanced(k + 1)
        if self.text(k + 2) != "{":
            return k + 1
        end = self.skip_balanced(k + 2)
        fields = self.struct_fields(k + 3, end - 1)
        self.structs[name] = fields
        zeros = [self.zero_of(f[0]) for f in fields]
        if depth > 0:
            ok = zeros and all(z is not None for z in zeros) and not any(f[2] for f in fields)
            self.local_zero[name] = f"{name}({', '.join(zeros)})" if ok else None
            return end
        if self.text(end) == ";" and all(z is not None for z in zeros):
            self.code[end].text += self.zero_function(name, fields)
            return end + 1
        return end

    def struct_fields(self, j: int, end: int) -> list[tuple[str, str, bool]]:
        """(type, name, is array) of the member declarations between ``j`` and ``end``."""
        fields: list[tuple[str, str, bool]] = []
        while j < end:
            stmt_end = j
            while stmt_end < end and self.text(stmt_end) != ";":
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
        return fields

    def zero_function(self, name: str, fields) -> str:
        body = [f"{name} v;"]
        for ftype, fname, is_array in fields:
            z = self.zero_of(ftype)
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
        if depth == 0 and "uniform" in quals and self.text(j + 1) == "{" and not self.zero_only:
            return self.uniform_block(k, j)
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

    def uniform_block(self, k: int, j: int) -> int:
        """``[layout(...)] uniform Name { members } [instance];`` (a demo's parameters): nothing
        sets it here, so it reads as zero, as an unset uniform does. Without an instance name
        the members become zero-initialised globals; with one, ``Name`` becomes a struct and
        the instance a global set to its zero."""
        close = self.skip_balanced(j + 1) - 1
        for x in range(k, j):
            self.code[x].text = ""
        if self.text(close + 1) == ";":
            for x in (j, j + 1, close, close + 1):
                self.code[x].text = ""
            return j + 2
        name, instance = self.text(j), self.text(close + 1)
        self.code[j - 1].text = "struct"
        self.struct_definition(j - 1, 0)
        fields = self.structs[name]
        zero = (self.zero_function(name, fields)
                if all(self.zero_of(f[0]) is not None for f in fields) else "")
        self.code[close].text = f"}};{zero} {name}"
        if zero:
            self.zero_globals.append(f"{instance}={self.zero_of(name)};")
        return close + 1

    def strip_storage(self, k, j, quals, type_name, location) -> None:
        """Global ``uniform``/``in``/``out``/``layout`` become plain globals; a sampler uniform
        stays one, bound in set 1 (``sampler_layout``)."""
        storage = quals & {"uniform", "in", "out", "varying", "attribute"}
        if not storage:
            return
        if type_name in names.SAMPLER_TYPES and "uniform" in storage \
                and self.sampler_layout is not None:
            for x in range(k, j):
                if self.text(x) not in ("highp", "mediump", "lowp"):
                    self.code[x].text = ""
            self.code[k].text = self.sampler_layout(type_name, self.text(j + 1)) + " uniform " \
                + self.code[k].text
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
            elif type_name not in names.SAMPLER_TYPES and "out" not in quals:
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
        z = self.zero_of(type_name)
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
        return end + 1
