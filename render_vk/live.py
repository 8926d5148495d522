"""Live rendering for training: a ``Renderer`` wrapped as a plain render callable.

``open_live_renderer`` loads programs and returns ``(render, num_programs)`` where
``render(program_ids, times_seconds) -> (N, 3, H, W) uint8`` follows the contract of
``train.data.render_protocol`` (ids count only the programs that compiled). The images are a
zero-copy view, valid until the next call: each call releases the previous batch's slot before
rendering the next (``handoff.py``), so with CUDA output the renderer never waits for training
steps queued after that point. A program that fails during training (too slow, loop cap, a hang)
is replaced by another program for the rest of the run (logged), so that one bad program among
thousands does not stop training.

With ``cuda_device`` set the Vulkan device is the one with that CUDA device's UUID and the
images are in its memory (MixUp and normalisation then run on the GPU, where training is).
"""
from __future__ import annotations

import logging
from typing import Sequence

import torch

from glsl_transpile import load_sources, theta

from .errors import ProgramFailedError, RenderError
from .config import RendererConfig, RenderRequest
from .renderer import Renderer

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
        if self._last is not None:
            self._last.release()  # the caller is done with it (render protocol)
            self._last = None
        ids, times = program_ids.tolist(), times_seconds.tolist()
        for _ in range(len(self.ids)):
            progs = [self.ids[int(i)] for i in ids]
            pending = self.renderer.submit(RenderRequest(progs, times, self.resolution,
                                                         self.resolution,
                                                         params=self._vectors(progs, params)))
            try:
                images = pending.result()
            except ProgramFailedError as err:
                pending.release()
                self._replace_failed(err)
                continue
            self._last = pending
            return images
        raise RenderError("every program failed while rendering")

    def _vectors(self, progs: list[int], params) -> list[list[float] | None] | None:
        """The request's parameter vectors; None for an image whose program was substituted
        by one with another theta (``_replace_failed``): that one renders its own."""
        if params is None:
            return None
        return [None if v is None or len(v) != len(self.renderer.program(p).source.theta)
                else v.tolist() for p, v in zip(progs, params)]

    def _replace_failed(self, err: ProgramFailedError) -> None:
        """Point every live id whose program is no longer ok at the next program that is."""
        ok_set = set(self.renderer.ok_indices())
        ok = [i for i in self.ids if i in ok_set]
        if not ok:
            raise RenderError(f"no program left to render after: {err}") from err
        for k, prog in enumerate(self.ids):
            if prog not in ok_set:
                substitute = ok[k % len(ok)]
                log.warning("live program %d (%s) failed (%s); its draws now render %s", k,
                            self.renderer.program(prog).name, self.renderer.program(prog).status,
                            self.renderer.program(substitute).name)
                self.ids[k] = substitute

    def parameter_boxes(self) -> list[tuple[list[float], list[float], list[float]] | None]:
        """Per program (in id order): (baked values, prior lows, prior highs) of its theta, or
        None when it has no theta or an entry without a prior (``glsl_transpile.theta``)."""
        boxes = []
        for i in self.ids:
            src = self.renderer.program(i).source
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
    paths = [p for p in programs if p != "builtin"]
    sources = load_sources(paths, on_error=lambda p, e: log.warning("%s", e),
                           builtin=len(paths) != len(programs))
    if cuda_device is None:
        config = RendererConfig(device=device, consistency_every=consistency_every)
    else:
        from .interop_cuda import vulkan_device_for

        config = RendererConfig(device=vulkan_device_for(cuda_device), output="cuda",
                                consistency_every=consistency_every)
    renderer = Renderer(config)
    failed = [s for s in renderer.load(sources) if not s.ok]
    for s in failed:
        log.warning("program %s not used: %s", s.name, s.status)
    return LiveRenderer(renderer, resolution)
