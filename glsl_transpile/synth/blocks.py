"""The generator's building blocks: GLSL functions in ``blocks/*.glsl``, described by a header.

Each file holds GLSL ES 3.00 functions and a header of ``// @`` lines::

    // @block coord kaleido          kind and name: the function is coord_kaleido
    // @about one line for the program's recipe
    // @param segments U(3.0, 12.0)  a float argument and its prior (``vec3`` before U for a vec3)
    // @time                         the last argument is the time in seconds
    // @needs rotate                 library files (``// @lib rotate``) it calls
    // @cost 1                       a rough price, bounded per program
    // @family tiling                at most one block of a family per layer (optional)

Libraries (``// @lib NAME``) hold helpers and are never called by the composer. The first
arguments of a block's function are fixed by its kind (``INPUTS``); then come its parameters in
header order, then ``float t`` if timed. ``load_blocks`` checks every file against its function.

Pure: reads package data, writes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import GeneratorError

# kind -> the function's leading arguments, as GLSL types
INPUTS = {"coord": ("vec2",), "field": ("vec2",), "value": ("float",), "colour": ("float",),
          "finish": ("vec3", "float", "vec2"), "blend": ("vec3", "vec3")}
RETURNS = {"coord": "vec2", "field": "vec2", "value": "float", "colour": "vec3",
           "finish": "vec3", "blend": "vec3"}
LIB = "lib"

_PARAM_RE = re.compile(r"^(\w+)\s+(?:(vec3)\s+)?U\(\s*([-0-9.eE]+)\s*,\s*([-0-9.eE]+)\s*\)$")


@dataclass(frozen=True)
class BlockParam:
    """One sampled argument: a float or a vec3 (three entries of theta) with a uniform prior."""

    name: str
    size: int
    low: float
    high: float


@dataclass(frozen=True)
class Block:
    kind: str
    name: str
    about: str
    params: tuple[BlockParam, ...]
    timed: bool
    needs: tuple[str, ...]
    cost: int
    glsl: str
    family: str = ""

    @property
    def function(self) -> str:
        return f"{self.kind}_{self.name}"

    @property
    def theta_size(self) -> int:
        return sum(p.size for p in self.params)


def parse_block(text: str, origin: str) -> Block:
    """A block (or library) from its file's text.

    Raises:
        GeneratorError: a malformed header, or a function that does not match it.
    """
    header: dict[str, list[str]] = {}
    body: list[str] = []
    for line in text.split("\n"):
        m = re.match(r"^//\s*@(\w+)\s*(.*)$", line)
        if m and not body:
            header.setdefault(m.group(1), []).append(m.group(2).strip())
        else:
            body.append(line)
    kind, name = _kind_and_name(header, origin)
    params = tuple(_param(spec, origin) for spec in header.get("param", []))
    needs = tuple(w for line in header.get("needs", []) for w in line.split())
    try:
        cost = int(header.get("cost", ["0"])[0])
    except ValueError:
        raise GeneratorError(origin, f"@cost must be an integer: {header['cost'][0]!r}")
    block = Block(kind, name, " ".join(header.get("about", [""])), params, "time" in header,
                  needs, cost, "\n".join(body).strip() + "\n",
                  header.get("family", [name])[0])
    if kind != LIB:
        _check_signature(block, origin)
    return block


def _kind_and_name(header: dict[str, list[str]], origin: str) -> tuple[str, str]:
    if "lib" in header:
        return LIB, header["lib"][0]
    words = header.get("block", [""])[0].split()
    if len(words) != 2 or words[0] not in INPUTS:
        raise GeneratorError(origin, f"needs '// @block KIND NAME' with KIND one of "
                                     f"{', '.join(INPUTS)} (or '// @lib NAME')")
    return words[0], words[1]


def _param(spec: str, origin: str) -> BlockParam:
    m = _PARAM_RE.match(spec)
    if m is None:
        raise GeneratorError(origin, f"bad @param {spec!r}: expected 'NAME [vec3] U(low, high)'")
    low, high = float(m.group(3)), float(m.group(4))
    if not low < high:
        raise GeneratorError(origin, f"@param {m.group(1)}: empty prior U({low}, {high})")
    return BlockParam(m.group(1), 3 if m.group(2) else 1, low, high)


def _check_signature(block: Block, origin: str) -> None:
    m = re.search(rf"\b(\w+)\s+{block.function}\s*\(([^)]*)\)\s*\{{", block.glsl)
    if m is None:
        raise GeneratorError(origin, f"defines no function {block.function}(...)")
    args = [a.split() for a in m.group(2).split(",") if a.strip()]
    expected = list(INPUTS[block.kind]) + ["vec3" if p.size == 3 else "float"
                                           for p in block.params]
    names = [None] * len(INPUTS[block.kind]) + [p.name for p in block.params]
    if block.timed:
        expected.append("float")
        names.append("t")
    got_types = [a[-2] if len(a) >= 2 else "" for a in args]
    got_names = [a[-1] for a in args]
    if m.group(1) != RETURNS[block.kind] or got_types != expected or any(
            n is not None and n != g for n, g in zip(names, got_names)):
        raise GeneratorError(origin, f"{block.function} must be {RETURNS[block.kind]} "
                                     f"{block.function}({', '.join(expected)}) with arguments "
                                     f"named as the @param lines (then t if @time)")


@lru_cache(maxsize=None)
def load_blocks() -> dict[str, Block]:
    """Every block and library of the package, keyed by function name (libraries by
    ``lib_NAME``). Raises GeneratorError if a file is inconsistent or a need is missing."""
    folder = resources.files(__package__).joinpath("blocks")
    blocks: dict[str, Block] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".glsl"):
            block = parse_block(entry.read_text("utf-8"), entry.name)
            key = f"lib_{block.name}" if block.kind == LIB else block.function
            blocks[key] = block
    for key, block in blocks.items():
        for need in block.needs:
            if f"lib_{need}" not in blocks:
                raise GeneratorError(key, f"@needs {need}, but there is no '// @lib {need}'")
    return blocks


def blocks_of_kind(kind: str) -> list[Block]:
    """The blocks of ``kind`` in a fixed (sorted) order."""
    return [b for b in load_blocks().values() if b.kind == kind]


def library_text(used: list[Block]) -> str:
    """The libraries ``used`` blocks need (transitively), dependencies first, then the blocks."""
    blocks = load_blocks()
    order: list[str] = []

    def visit(key: str) -> None:
        if key in order:
            return
        for need in blocks[key].needs:
            visit(f"lib_{need}")
        order.append(key)

    for block in used:
        visit(block.function)
    return "\n".join(f"// {_title(blocks[key])}\n{blocks[key].glsl}" for key in order)


def _title(block: Block) -> str:
    kind = "library" if block.kind == LIB else block.kind
    return f"{kind} {block.name}: {block.about}" if block.about else f"{kind} {block.name}"
