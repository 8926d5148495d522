"""Multi-pass programs as compile units: which kernels a program needs, what each writes and what
each of its channels reads (docs/DESIGN.md, "Multi-pass programs").

``plan(src)`` lists a program's passes in frame order (Buffer A, B, C, D, then the Image pass),
each a ``Unit``: a ``ShaderSource`` that compiles into one kernel (``target`` "buffer" or
"image"), the buffer it writes and the ``media.Binding`` of each channel. A single-pass program
is one Image unit. A TwiGL program that reads its backbuffer (``b``, ``backbuffer``) is a
multi-pass program with one buffer, its own output: the program renders Buffer A reading its
previous frame, and an Image pass shows Buffer A (twigl.app's feedback, at 60 frames per second
from frame 0 like any multi-pass program).

Frame stepping, buffers and snapshots are ``render_vk``'s (``render_vk.simulation``). Pure.
"""
from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .inputs import BUFFER_LETTERS, ChannelInput
from .media import BUFFER, UNBOUND, Binding, bind
from .sources import BUFFER as BUFFER_TARGET
from .sources import IMAGE, SHADERTOY, TWIGL, ShaderSource, from_code

FPS = 60  # frames per second of every multi-pass program
BACKBUFFER_NAMES = {"b": 0, "backbuffer": 0, "b0": 0, "backbuffer0": 0, "b1": 1,
                    "backbuffer1": 1}
_SHOW_BUFFER_A = ("void mainImage(out vec4 c, in vec2 f) "
                  "{ c = texelFetch(iChannel0, ivec2(f), 0); }")
_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?(?:\*/|\Z)", re.S)
_UNIFORM_SAMPLER_RE = re.compile(r"\buniform\s+(?:\w+\s+)?sampler2D\s+(\w+)\s*;")


@dataclass(frozen=True)
class Unit:
    """One pass: ``source`` compiles into its kernel; ``writes`` is the buffer it renders
    (0..3), -1 for the Image pass; ``bindings`` are its iChannel0..3; ``label`` names it."""

    source: ShaderSource
    writes: int
    bindings: tuple[Binding, ...]
    label: str


@dataclass(frozen=True)
class PassPlan:
    """A program's passes in frame order (the last is the Image pass), the buffers they render
    and those read with mipmap filtering (their mip chain is rebuilt each time they render)."""

    units: tuple[Unit, ...]
    buffers: frozenset[int]
    mipmapped: frozenset[int]

    @property
    def multipass(self) -> bool:
        return bool(self.buffers)


def frame_of(t_seconds: float) -> int:
    """The frame whose Image pass is the image for time ``t``: round(60 t), halves up."""
    return max(0, int(math.floor(t_seconds * FPS + 0.5)))


def uses_backbuffer(src: ShaderSource) -> bool:
    """Whether a TwiGL program reads its previous frame (``b``/``backbuffer``, ``b0``)."""
    if src.kind != TWIGL or src.target != IMAGE:
        return False
    code = _COMMENT_RE.sub(" ", src.code)
    declared = set(_UNIFORM_SAMPLER_RE.findall(code))
    for name in ("b", "backbuffer", "b0", "backbuffer0"):
        uses = len(re.findall(rf"\b{name}\b", code))
        if uses > (1 if name in declared else 0):
            return True
    return False


def is_multipass(src: ShaderSource) -> bool:
    return bool(src.passes) or uses_backbuffer(src)


@lru_cache(maxsize=4096)
def plan(src: ShaderSource) -> PassPlan:
    """The passes of ``src`` (see the module doc)."""
    if uses_backbuffer(src):
        return _feedback_plan(src)
    buffers = frozenset(p.buffer for p in src.passes)
    units = [_unit(dataclasses.replace(src, code=p.code, inputs=p.inputs, passes=(),
                                       channels=("2d",) * 4, target=BUFFER_TARGET),
                   p.buffer, buffers, p.name) for p in src.passes]
    image = dataclasses.replace(src, passes=())
    units.append(_unit(image, -1, buffers, "Image"))
    return _plan(units)


def _unit(src: ShaderSource, writes: int, buffers: frozenset[int], label: str) -> Unit:
    inputs = src.inputs or (None,) * 4
    return Unit(src, writes, tuple(bind(inp, buffers, view) for inp, view
                                   in zip(inputs, src.channels)), label)


def _plan(units: list[Unit]) -> PassPlan:
    buffers = frozenset(u.writes for u in units if u.writes >= 0)
    mipmapped = frozenset(b.buffer for u in units for b in u.bindings
                          if b.what == BUFFER and b.input.filter == "mipmap")
    return PassPlan(tuple(units), buffers, mipmapped)


def _feedback_plan(src: ShaderSource) -> PassPlan:
    """A TwiGL backbuffer program: Buffer A is the program itself, reading its previous
    frame through ``b`` (linear, clamped), and the Image pass shows Buffer A."""
    own = ChannelInput("buffer", buffer=0, filter="linear", wrap="clamp")
    program = dataclasses.replace(src, inputs=(own, None, None, None), target=BUFFER_TARGET)
    show = from_code(_SHOW_BUFFER_A, src.name, kind=SHADERTOY, origin=src.origin)
    show = dataclasses.replace(show, inputs=(dataclasses.replace(own, filter="nearest"),
                                             None, None, None))
    buffers = frozenset({0})
    return _plan([_unit(program, 0, buffers, "backbuffer"), _unit(show, -1, buffers, "Image")])


def compile_units(src: ShaderSource) -> list[ShaderSource]:
    """The sources of the kernels ``src`` needs, in frame order (one for a single pass)."""
    return [u.source for u in plan(src).units]


def input_report(src: ShaderSource) -> list[str]:
    """One line per channel that reads anything: what it is bound to here, or why it is left
    unbound (``report.json``'s ``inputs``)."""
    lines = []
    for unit in plan(src).units:
        for i, b in enumerate(unit.bindings):
            if b.input is None and b.what == UNBOUND:
                continue
            name = "b" if unit.label == "backbuffer" else f"iChannel{i}"
            lines.append(f"{unit.label} {name}: {b.note}")
    return lines


def buffer_name(index: int) -> str:
    return f"Buffer {BUFFER_LETTERS[index]}"
