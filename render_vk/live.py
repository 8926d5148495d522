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

``drop_dull`` leaves constant and static programs out of the pool (``hygiene.py``: a probe of a
few renders per program, at the times training will draw), as the render CLI does.
"""
from __future__ import annotations

import logging
from typing import Sequence

import torch

from glsl_transpile import load_sources, theta
from glsl_transpile.plumbing.progress import Meter, silent

from .errors import ProgramFailedError, RenderError
from .config import RendererConfig, RenderRequest
from .survivors import render_surviving
from .hygiene import PROBE_SIDE, DropRules, verdict
from .renderer import Renderer
from .report import Observation

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

    def drop_dull(self, times_s: Sequence[float], rules: DropRules,
                  meter: Meter = silent) -> dict[str, str]:
        """Leave constant / static programs out of the ids (``hygiene.verdict`` of renders at
        ``times_s``, at most ``PROBE_SIDE`` pixels a side); returns ``{name: why}`` of those
        dropped.

        Raises:
            RenderError: every program was dropped.
        """
        if not rules.any or not times_s:
            return {}
        side = min(self.resolution, PROBE_SIDE)
        per_request = max(1, 128 // len(times_s))
        dropped: dict[int, str] = {}
        with meter(len(self.ids), "probing programs", "prog") as advance:
            for first in range(0, len(self.ids), per_request):
                chunk = self.ids[first:first + per_request]
                chunk, images = self._probe(chunk, times_s, side, dropped)
                for i, prog in enumerate(chunk):
                    mine = images[i * len(times_s):(i + 1) * len(times_s)]
                    why = verdict([Observation.of(im) for im in mine], times_s, rules)
                    if why is not None:
                        dropped[prog] = why
                advance(len(chunk))
        if len(dropped) == len(self.ids):
            raise RenderError(f"every one of the {len(self.ids)} programs is constant or "
                              "static: nothing to train on (data.live.drop_constant/drop_static)")
        self.ids = [i for i in self.ids if i not in dropped]
        return {self.renderer.program(p).name: why for p, why in dropped.items()}

    def _probe(self, programs: list[int], times_s: Sequence[float], side: int,
               dropped: dict[int, str]):
        """The programs that rendered and their images ``(P * T, side, side, 3)`` uint8,
        program-major; those that failed go to ``dropped`` with their status."""
        kept, images = render_surviving(self.renderer, programs, times_s, side, side)
        dropped.update({p: self.renderer.program(p).status for p in programs if p not in kept})
        return kept, images.permute(0, 2, 3, 1).cpu().numpy()

    def close(self) -> None:
        self.renderer.close()


def load_programs(programs: Sequence[str]) -> list:
    """The ``ShaderSource`` records of ``programs`` (paths; the word "builtin" for the built-in
    pack); files that cannot be read are logged and left out."""
    paths = [p for p in programs if p != "builtin"]
    return load_sources(paths, on_error=lambda p, e: log.warning("%s", e),
                        builtin=len(paths) != len(programs))


def open_live_renderer(programs: Sequence[str], resolution: int, *,
                       device: int | str | None = None,
                       cuda_device: int | None = None,
                       consistency_every: int = 0, meter: Meter = silent) -> LiveRenderer:
    """Load ``programs`` (paths; the word "builtin" for the built-in pack) and open a renderer:
    on Vulkan ``device``, or, with ``cuda_device``, on that GPU with output in CUDA memory;
    ``meter`` shows the compilation."""
    sources = load_programs(programs)
    if cuda_device is None:
        config = RendererConfig(device=device, consistency_every=consistency_every)
    else:
        from .interop_cuda import vulkan_device_for

        config = RendererConfig(device=vulkan_device_for(cuda_device), output="cuda",
                                consistency_every=consistency_every)
    return live_renderer_for(sources, resolution, config, meter)


def live_renderer_for(sources: Sequence, resolution: int, config: RendererConfig,
                      meter: Meter = silent) -> LiveRenderer:
    """A renderer with ``sources`` (``ShaderSource`` records) loaded, as a live render
    callable; programs that fail to compile are logged and left out.

    Raises:
        RenderError: no program compiled (the renderer is closed).
    """
    renderer = Renderer(config)
    with meter(len(sources), "compiling", "prog") as advance:
        failed = [s for s in renderer.load(sources, progress=lambda done, total: advance(1))
                  if not s.ok]
    for s in failed:
        log.warning("program %s not used: %s", s.name, s.status)
    try:
        return LiveRenderer(renderer, resolution)
    except RenderError:
        renderer.close()
        raise
