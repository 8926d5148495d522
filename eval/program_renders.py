"""Rendering loaded programs at fixed times for measurement (curation, corpus comparison).

Owns the loop both need around ``render_vk.Renderer``: a warm-up dispatch per program (lavapipe
compiles a pipeline's machine code at its first dispatch; that must not count as rendering
time, nor bring a submission near the batch timeout), requests of a bounded size, and going on
without the programs that fail while rendering (the renderer marks them; the rest of their
request is rendered again). Device seconds per image come from the watchdog's timestamps.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

WARM_UP_GROUP = 8  # programs per warm-up submission


@dataclass
class Renders:
    """``images[p]``: ``(T, H, W, 3) uint8``; ``seconds_per_image[p]``: device seconds;
    ``wall_s``: wall time of the measured requests (warm-up excluded)."""

    images: dict[int, np.ndarray] = field(default_factory=dict)
    seconds_per_image: dict[int, float] = field(default_factory=dict)
    wall_s: float = 0.0


def warm_up(renderer, programs: Sequence[int], t_seconds: float) -> None:
    """One 8x8 dispatch per program, ``WARM_UP_GROUP`` programs per submission; a failure
    marks its culprit (the renderer does) and the others go on."""
    from render_vk.survivors import render_surviving

    for i in range(0, len(programs), WARM_UP_GROUP):
        group = [p for p in programs[i:i + WARM_UP_GROUP] if renderer.program(p).ok]
        render_surviving(renderer, group, [t_seconds], 8, 8)


def render_timed(renderer, batch: list[int], times: Sequence[float], res: int) -> Renders:
    """One request: every program of ``batch`` at ``times`` (frame k at ``times[k]``).

    Raises:
        RenderError: a program failed (it is now marked; render the others again).
    """
    from render_vk import RenderRequest

    times = list(times)
    req = RenderRequest([p for p in batch for _ in times], times * len(batch), res, res,
                        frames=list(range(len(times))) * len(batch))
    start = time.perf_counter()
    with renderer.submit(req) as pending:
        hwc = pending.result().permute(0, 2, 3, 1).numpy().reshape(
            len(batch), len(times), res, res, 3).copy()
        seconds = pending.dispatch_seconds() or []
    wall = time.perf_counter() - start
    per_image = {p: s / len(times) for p, s in zip(sorted(set(batch)), seconds)}
    return Renders({p: hwc[k] for k, p in enumerate(batch)}, per_image, wall)


def render_programs(renderer, programs: Sequence[int], times: Sequence[float], res: int, *,
                    batch_images: int = 256) -> Renders:
    """Warm up, then render ``programs`` at ``times`` in requests of about ``batch_images``
    images; programs that fail are left out (their status says why)."""
    from render_vk import ProgramFailedError

    warm_up(renderer, list(programs), times[0])
    per_batch = max(1, batch_images // len(times))
    out = Renders()
    todo = [p for p in programs if renderer.program(p).ok]
    while todo:
        batch, todo = todo[:per_batch], todo[per_batch:]
        try:
            part = render_timed(renderer, batch, times, res)
        except ProgramFailedError as err:
            log.warning("%s", err)
            left = [p for p in batch if renderer.program(p).ok]
            if len(left) == len(batch):
                raise  # nothing was marked: the same batch would fail again
            todo = left + todo
            continue
        out.images.update(part.images)
        out.seconds_per_image.update(part.seconds_per_image)
        out.wall_s += part.wall_s
    out.images = {p: im for p, im in out.images.items() if renderer.program(p).ok}
    return out
