"""Time sampling for the paper's datasets (docs/DESIGN.md):

- ``continuous``: sample n of a program gets ``t ~ U[n/fps, (n+1)/fps]`` (fps = 4 by default);
- ``random``: ``t ~ U[0.1, 10]`` seconds;
- ``list``: explicit times, cycled over the sample index.

Every draw is a pure function of (seed, program name, sample index), so a batch can be split,
reordered or resumed and still get the same times.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

MODES = ("continuous", "random", "list")


@dataclass(frozen=True)
class TimeSampling:
    """How sample times are chosen."""

    mode: str = "continuous"
    fps: float = 4.0
    low_s: float = 0.1
    high_s: float = 10.0
    times_s: tuple[float, ...] = ()
    seed: int = 0

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"unknown time sampling {self.mode!r} (valid: {', '.join(MODES)})")
        if self.mode == "list" and not self.times_s:
            raise ValueError("time sampling 'list' needs at least one time")


def times_from_uniform(mode: str, frames, u, *, fps: float, low_s: float = 0.1,
                       high_s: float = 10.0):
    """The paper's time of each sample from a uniform draw ``u`` in [0, 1) (the one formula
    for the render CLI and live training): "continuous" frame n -> ``(n + u) / fps``;
    "random" -> ``low_s + u * (high_s - low_s)``. Works on numpy arrays and torch tensors
    alike (float64 arithmetic is the caller's choice of dtype)."""
    if mode == "continuous":
        return (frames + u) / fps
    if mode == "random":
        return low_s + u * (high_s - low_s)
    raise ValueError(f"unknown time sampling {mode!r} (valid: continuous, random)")


def _program_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def sample_times(sampling: TimeSampling, program: str, indices: Sequence[int]) -> np.ndarray:
    """Times in seconds (float32) for samples ``indices`` of ``program``."""
    idx = np.asarray(indices, dtype=np.int64)
    if sampling.mode == "list":
        times = np.asarray(sampling.times_s, dtype=np.float64)
        return times[idx % len(times)].astype(np.float32)
    key = _program_key(program)
    u = np.array([np.random.default_rng([sampling.seed, key, int(i)]).random() for i in idx])
    return times_from_uniform(sampling.mode, idx, u, fps=sampling.fps, low_s=sampling.low_s,
                              high_s=sampling.high_s).astype(np.float32)
