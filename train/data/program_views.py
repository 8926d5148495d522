"""Program time views: the positive of (program p, time t) is (p, t + dt), dt ~ N(0, sigma).

Time plays the role of GenRep's latent: nearby frames of one program show the same "object"
from a slightly different state. Images come from a render callable (`render_protocol`).
"""

from __future__ import annotations

import torch

from train.config import LiveConfig
from train.data.batch import ViewBatch, check_images
from train.seeding import step_generator
from train.data.render_protocol import ProgramRenderer, RenderedSource
from train.data.time_sampling import time_sampler


class ProgramTimeViewSource(RenderedSource):
    """Two-view batches (render(p, t), render(p, t + dt)), labels = program ids, for one rank.

    Args:
        renderer: the render callable and its number of programs.
        live: time sampling settings (time_sampling, fps, time_range_seconds,
            time_sigma_seconds); the positive's time is clamped at 0 s.
        batch_size: per rank. steps_per_epoch: batches per (virtual) epoch.
        frames_per_program: frame indices drawn for "continuous" time sampling.
        seed, rank: draws of step s of epoch e come from (seed, rank, e, s).
    """

    def __init__(self, renderer: ProgramRenderer, live: LiveConfig, *, batch_size: int,
                 steps_per_epoch: int, frames_per_program: int, seed: int, rank: int = 0) -> None:
        self.renderer, self.live = renderer, live
        self.sampler = time_sampler(live.time_sampling)
        self.num_classes: int | None = renderer.num_programs
        self.batch_size, self.steps, self.frames = batch_size, steps_per_epoch, frames_per_program
        self.seed, self.rank = seed, rank

    def batch(self, epoch: int, step: int) -> ViewBatch:
        """Views (B, 3, H, W) uint8 on the renderer's device; labels (B,) int64 program ids."""
        gen = step_generator(self.seed, self.rank, epoch, step)
        programs = torch.randint(self.renderer.num_programs, (self.batch_size,), generator=gen)
        frames = torch.randint(self.frames, (self.batch_size,), generator=gen)
        times = self.sampler(frames, self.live, gen)
        offsets = torch.randn(self.batch_size, generator=gen) * self.live.time_sigma_seconds
        shifted = (times + offsets).clamp_min(0.0)
        # The renderer may reuse its buffer on the next call: copy the first view out.
        anchor = self.renderer.render(programs, times)
        check_images(anchor, self.batch_size, "render")
        anchor = anchor.clone()
        positive = self.renderer.render(programs, shifted)
        check_images(positive, self.batch_size, "render")
        return ViewBatch((anchor, positive.clone()), programs)
