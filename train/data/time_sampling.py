"""Time sampling of program renders (Baradad et al. 2022, sec. 3; docs/DESIGN.md "Time sampling"),
as batches of torch draws; the formula is render_vk.timesample's (one for every path).

A sampler maps frame indices (N,) int64 to times (N,) float32 seconds:
- "continuous": frame n gets t ~ U[n / fps, (n + 1) / fps] (fps = 4 in the paper);
- "random": t ~ U[lo, hi] whatever the frame (paper: U[0.1, 10]).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from render_vk.timesample import times_from_uniform
from train.config import LiveConfig
from train.registry import choose

TimeSampler = Callable[[Tensor, LiveConfig, torch.Generator], Tensor]


def sample_continuous(frames: Tensor, cfg: LiveConfig, generator: torch.Generator) -> Tensor:
    jitter = torch.rand(frames.shape, generator=generator)
    return times_from_uniform("continuous", frames.to(torch.float64), jitter,
                              fps=cfg.fps).to(torch.float32)


def sample_random(frames: Tensor, cfg: LiveConfig, generator: torch.Generator) -> Tensor:
    low, high = cfg.time_range_seconds
    u = torch.rand(frames.shape, generator=generator)
    return times_from_uniform("random", frames, u, fps=cfg.fps, low_s=low,
                              high_s=high).to(torch.float32)


TIME_SAMPLERS: dict[str, TimeSampler] = {
    "continuous": sample_continuous,
    "random": sample_random,
}


def time_sampler(name: str) -> TimeSampler:
    """Raises ConfigError naming data.live.time_sampling and the valid names."""
    return choose(TIME_SAMPLERS, name, key="data.live.time_sampling")


def probe_times(cfg: LiveConfig, frames: int, count: int = 3) -> list[float]:
    """``count`` times spread over those the sampler can give a program with ``frames`` frame
    indices (the middles of the first, middle and last frames; or the range's ends and middle):
    where live training probes each program for being constant or static."""
    if cfg.time_sampling == "random":
        low, high = cfg.time_range_seconds
        return [low + (high - low) * i / max(1, count - 1) for i in range(count)]
    last = max(0, frames - 1)
    picks = sorted({round(i * last / max(1, count - 1)) for i in range(count)})
    return [(n + 0.5) / cfg.fps for n in picks]
