"""Live rendering for training: a ``Renderer`` wrapped as a plain render callable.

``open_live_renderer`` loads programs and returns ``(render, num_programs)`` where
``render(program_ids, times_seconds) -> (N, 3, H, W) uint8`` follows the contract of
``train.data.render_protocol`` (ids count only the programs that compiled). The images are a
zero-copy view, valid until the next call: each call releases the previous batch's slot before
rendering the next (``handoff.py``), so with CUDA output the renderer never waits for training
steps queued after that point.

With ``cuda_device`` set the Vulkan device is the one with that CUDA device's UUID and the
images are in its memory (MixUp and normalisation then run on the GPU, where training is).
"""
from __future__ import annotations

import logging
from typing import Sequence

import torch

from glsl_transpile import load_builtin_pack, load_sources, theta

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
        self._last = None

    @property
    def num_programs(self) -> int:
        return len(self.ids)

    def __call__(self, program_ids: torch.Tensor, times_seconds: torch.Tensor,
                 params: Sequence[torch.Tensor | None] | None = None) -> torch.Tensor:
        progs = [self.ids[int(i)] for i in program_ids.tolist()]
        vectors = None if params is None else [None if v is None else v.tolist() for v in params]
        if self._last is not None:
            self._last.release()  # the caller is done with it (render protocol)
        self._last = self.renderer.submit(RenderRequest(progs, times_seconds.tolist(),
                                                        self.resolution, self.resolution,
                                                        params=vectors))
        return self._last.result()

    def parameter_boxes(self) -> list[tuple[list[float], list[float], list[float]] | None]:
        """Per program (in id order): (baked values, prior lows, prior highs) of its theta, or
        None when it has no theta or an entry without a prior (``glsl_transpile.theta``)."""
        boxes = []
        for i in self.ids:
            src = self.renderer.programs[i].source
            decl = theta.find_declaration(src.code) if src.theta else None
            params = decl.parameters if decl is not None else ()
            if not params or any(p.low is None or p.high is None for p in params):
                boxes.append(None)
                continue
            boxes.append(([p.value for p in params], [p.low for p in params],
                          [p.high for p in params]))
        return boxes

    def close(self) -> None:
        self.renderer.close()


def open_live_renderer(programs: Sequence[str], resolution: int, *,
                       device: int | str | None = None,
                       cuda_device: int | None = None,
                       consistency_every: int = 0) -> LiveRenderer:
    """Load ``programs`` (paths; the word "builtin" for the built-in pack) and open a renderer:
    on Vulkan ``device``, or, with ``cuda_device``, on that GPU with output in CUDA memory."""
    sources = []
    paths = [p for p in programs if p != "builtin"]
    if len(paths) != len(programs):
        sources += load_builtin_pack()
    sources += load_sources(paths, on_error=lambda p, e: log.warning("%s", e))
    if cuda_device is None:
        config = RendererConfig(device=device, consistency_every=consistency_every)
    else:
        from .interop_cuda import vulkan_device_for

        config = RendererConfig(device=vulkan_device_for(cuda_device), output="cuda",
                                consistency_every=consistency_every)
    renderer = Renderer(config)
    failed = [s for s in renderer.load(sources) if s.status != "ok"]
    for s in failed:
        log.warning("program %s not used: %s", s.name, s.status)
    return LiveRenderer(renderer, resolution)
