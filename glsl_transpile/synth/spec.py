"""``synth:COUNT@SEED``: a source spec naming generated programs, loaded without files.

The spec stands for the programs of seeds SEED, SEED+1, ..., SEED+COUNT-1 (``@SEED`` may be
left out: seed 0). ``glsl_transpile.load_path`` and ``load_sources`` accept it wherever they
accept a path, so the render CLI, the bench, live training and curation all take it.
"""
from __future__ import annotations

import re

from ..errors import ShaderSourceError
from ..sources import ShaderSource
from .program import SynthProgram, generate

SPEC_PREFIX = "synth:"
_SPEC_RE = re.compile(r"^synth:(\d+)(?:@(\d+))?$")


def is_spec(text: str) -> bool:
    """True when ``text`` is meant as a synth spec (it starts with ``synth:``)."""
    return str(text).startswith(SPEC_PREFIX)


def parse_spec(text: str) -> tuple[int, int]:
    """(count, first seed) of a spec.

    Raises:
        ShaderSourceError: not of the form ``synth:COUNT`` or ``synth:COUNT@SEED``.
    """
    m = _SPEC_RE.match(str(text).strip())
    if m is None:
        raise ShaderSourceError(str(text), "not a synth spec: expected synth:COUNT or "
                                           "synth:COUNT@SEED (e.g. synth:10000@7)")
    return int(m.group(1)), int(m.group(2) or 0)


def generate_many(count: int, seed: int) -> list[SynthProgram]:
    """The programs of seeds ``seed .. seed + count - 1``."""
    return [generate(s) for s in range(seed, seed + count)]


def sources_from_spec(text: str) -> list[ShaderSource]:
    """The sources a spec names (see module doc)."""
    count, seed = parse_spec(text)
    return [p.source for p in generate_many(count, seed)]
