"""The watchdog: which programs to stop, from device timings, and who hung a batch.

- After a timed batch (one timestamp after each dispatch, a barrier between them), each
  program's device seconds per image are recorded; a program slower than ``image_timeout_s``
  per image is stopped (``timeout``). Being slow next to its batch peers is recorded for
  scheduling, never a failure: a program a GPU renders in milliseconds may take seconds here.
- After a batch missed ``batch_timeout_s``: the progress count the device writes after each
  dispatch says which one was running when time ran out, so the culprit is named without
  rendering anything again. Without the watchdog (no count) the renderer renders each program
  of the batch alone, each with the same deadline.
- Loop cap: on drivers that cut loops (lavapipe, ``abi.LOOP_CAP``) a kernel marks the pixels
  whose loops reached the cap (``abi.LOOP_CAPPED_ALPHA``); such programs are ``loop_capped``.
"""
from __future__ import annotations

import logging
from typing import Sequence

import numpy as np
import torch

from glsl_transpile.abi import LOOP_CAP, LOOP_CAPPED_ALPHA

from .programs import ProgramTable

log = logging.getLogger(__name__)

Group = tuple[int, int]  # (program index, images it rendered in the batch)


def slow_programs(groups: Sequence[Group], seconds: Sequence[float], image_timeout_s: float,
                  table: ProgramTable) -> list[int]:
    """Record each program's seconds per image; mark and return those over the limit."""
    stopped = []
    for (prog, count), t in zip(groups, seconds):
        per_image = t / max(count, 1)
        table.record_time(prog, per_image)
        if per_image > image_timeout_s:
            table.mark(prog, "timeout", f"{per_image:.2f} s per image on the device, over the "
                                        f"limit of {image_timeout_s:g} s: stopped by the watchdog")
            log.warning("%s: %s", table.name(prog), table.status(prog).log)
            stopped.append(prog)
    return stopped


def running_dispatch(done: int | None, dispatches: int) -> int | None:
    """Index of the dispatch that was running when a batch ran out of time, from how many had
    finished (``CommandStream.dispatches_done``); None when that is unknown or all finished."""
    if done is None or not 0 <= done < dispatches:
        return None
    return done


def loop_capped_images(flat: torch.Tensor, images: int, pixels_per_image: int) -> np.ndarray:
    """``(images,) bool``: which of the first ``images`` RGBA8 images in the flat CPU buffer
    hold a pixel whose loops ran into the driver's cap."""
    alpha = flat[: images * pixels_per_image * 4].view(images, pixels_per_image, 4)[..., 3]
    return (alpha == LOOP_CAPPED_ALPHA).any(dim=1).numpy()


def mark_loop_capped(table: ProgramTable, capped: np.ndarray, image_programs: np.ndarray,
                     device_name: str) -> list[int]:
    """Mark the programs of the images flagged in ``capped``; returns their indices."""
    progs = sorted({int(p) for p in image_programs[capped]})
    for prog in progs:
        table.mark(prog, "loop_capped",
                   f"a loop ran {LOOP_CAP} iterations, the most {device_name} runs: its images "
                   "would differ on a GPU (nested loops count together)")
        log.warning("%s: %s", table.name(prog), table.status(prog).log)
    return progs
