"""Live rendering for training: a ``Renderer`` wrapped as a plain render callable.

``open_live_renderer`` loads programs and returns ``(render, num_programs)`` where
``render(program_ids, times_seconds) -> (N, 3, H, W) uint8`` follows the contract of
``train.data.render_protocol`` (ids count only the programs that compiled). The images are a
zero-copy view valid until the renderer's ring slot is reused; consume or copy them first.
"""
from __future__ import annotations

import logging
from typing import Sequence

import torch

from glsl_transpile import load_builtin_pack, load_sources

from .errors import RenderError
from .renderer import Renderer, RendererConfig, RenderRequest

log = logging.getLogger(__name__)


class LiveRenderer:
    """Callable ``(program_ids, times_seconds) -> images`` over the programs that compiled."""

    def __init__(self, renderer: Renderer, resolution: int):
        self.renderer = renderer
        self.resolution = resolution
        self.ids = renderer.ok_indices()
        if not self.ids:
            raise RenderError("no program compiled: nothing to render")

    @property
    def num_programs(self) -> int:
        return len(self.ids)

    def __call__(self, program_ids: torch.Tensor, times_seconds: torch.Tensor) -> torch.Tensor:
        progs = [self.ids[int(i)] for i in program_ids.tolist()]
        return self.renderer.render(RenderRequest(progs, times_seconds.tolist(),
                                                  self.resolution, self.resolution))

    def close(self) -> None:
        self.renderer.close()


def open_live_renderer(programs: Sequence[str], resolution: int, *,
                       device: int | str | None = None) -> LiveRenderer:
    """Load ``programs`` (paths; the word "builtin" for the built-in pack) and open a renderer."""
    sources = []
    paths = [p for p in programs if p != "builtin"]
    if len(paths) != len(programs):
        sources += load_builtin_pack()
    sources += load_sources(paths, on_error=lambda p, e: log.warning("%s", e))
    renderer = Renderer(RendererConfig(device=device))
    failed = [s for s in renderer.load(sources) if s.status != "ok"]
    for s in failed:
        log.warning("program %s not used: %s", s.name, s.status)
    return LiveRenderer(renderer, resolution)
