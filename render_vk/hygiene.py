"""Data hygiene of rendered datasets: which programs are left out as constant or static.

A program is **constant** when every pixel of its probe images has one colour (the same in all),
**static** when its probe images are all identical (it does not move). Training on either adds
no information, so the render CLI and live training drop them by default (``--keep-constant``,
``--keep-static``, ``data.live.drop_constant`` / ``drop_static`` keep them).

The probe is ``PROBE_SAMPLES`` (3) renders of each program, spread over the samples the run
will draw from it: the first, the middle and the last of a per-program run's samples (those are
the dataset's own images, written when the program is kept, so the probe costs nothing extra
there); for ``--total`` and mixing runs, the same spread over the times the run can give a
program, rendered at ``min(resolution, PROBE_SIDE)`` pixels and not written. Static needs two
different times: with a single explicit time (``--times 1.0``) only constant programs are found.

Every probe image is a pure function of (seed, program, sample index), so a resumed run reaches
the same verdicts: images already on disk are judged from their recorded observations, the rest
(dropped programs' probes) are rendered again. Pure functions; no Vulkan.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .report import Observation

PROBE_SAMPLES = 3
PROBE_SIDE = 64
CONSTANT, STATIC = "constant", "static"


@dataclass(frozen=True)
class DropRules:
    """What a run leaves out."""

    constant: bool = True
    static: bool = True

    @property
    def any(self) -> bool:
        return self.constant or self.static


def probe_indices(span: int, count: int = PROBE_SAMPLES) -> list[int]:
    """``count`` sample indices spread evenly over ``range(span)`` (first and last included),
    without repeats."""
    if span <= 1 or count <= 1:
        return [0]
    return sorted({round(i * (span - 1) / (count - 1)) for i in range(count)})


def verdict(observations: Sequence[Observation], times_s: Sequence[float],
            rules: DropRules) -> str | None:
    """Why a program is dropped (``"constant"``, ``"static"``) or None, from the observations
    of its probe images rendered at ``times_s``."""
    if not observations:
        return None
    first = observations[0]
    if rules.constant and first.colour is not None and \
            all(o.colour == first.colour for o in observations):
        return CONSTANT
    moving_times = len(set(times_s)) > 1
    if rules.static and moving_times and all(o.digest == first.digest for o in observations):
        return STATIC
    return None


def summary(dropped: dict[str, str]) -> str:
    """"3 dropped (2 constant, 1 static)" or "" when nothing was dropped."""
    if not dropped:
        return ""
    counts = {why: sum(1 for v in dropped.values() if v == why) for why in (CONSTANT, STATIC)}
    parts = ", ".join(f"{n} {why}" for why, n in counts.items() if n)
    return f"{len(dropped)} dropped ({parts})"
