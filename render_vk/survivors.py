"""Rendering a set of programs without the ones that fail: the shared retry of the probes,
benchmarks and metrics that must go on past a hung or stopped program."""
from __future__ import annotations

import logging
from typing import Sequence

import torch

from .config import RenderRequest
from .errors import ProgramFailedError

log = logging.getLogger(__name__)


def render_surviving(renderer, programs: Sequence[int], times_s: Sequence[float], width: int,
                     height: int) -> tuple[list[int], torch.Tensor]:
    """Render every program at every time (program-major, ``frames`` 0..T-1); a program that
    fails is marked by the renderer, left out, and the rest rendered again. Returns the
    programs that rendered and their images ``(P * T, 3, height, width)``.

    Raises:
        ProgramFailedError: a failure that marked no program (retrying would fail again).
    """
    programs = list(programs)
    while programs:
        req = RenderRequest([p for p in programs for _ in times_s],
                            [float(t) for _ in programs for t in times_s], width, height,
                            [k for _ in programs for k in range(len(times_s))])
        try:
            return programs, renderer.render(req)
        except ProgramFailedError as err:
            log.warning("%s", err)
            left = [p for p in programs if renderer.program(p).ok]
            if len(left) == len(programs):
                raise
            programs = left
    return [], torch.empty(0, 3, height, width, dtype=torch.uint8)
