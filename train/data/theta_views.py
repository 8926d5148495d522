"""Parameter-space views: GenRep's latent views (Jahanian et al. 2022) for programs with theta.

A generated program is (structure, theta) with a prior box per entry of theta
(``glsl_transpile.theta``). The anchor view renders (p, t, theta) with theta drawn from the
prior (or the program's baked values); the positive renders (p, t', theta + w), with each entry
of w drawn from a Gaussian of std ``sigma * std(prior)`` truncated at two standard deviations,
and the result clamped into the box. With ``theta_views = "theta"``, t' = t; with ``"both"``,
t' = t + N(0, time_sigma_seconds) as in ``program_views``. Labels are program ids, i.e. the
structure is the class. Images come from a render callable (``render_protocol``).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from train.config import LiveConfig
from train.data.batch import ViewBatch, check_images
from train.data.render_protocol import (ProgramParameters, ProgramRenderer,
                                        RenderedSource)
from train.data.time_sampling import time_sampler
from train.errors import ConfigError
from train.seeding import step_generator

VIEW_MODES = ("theta", "both")
ANCHORS = ("prior", "baked")
TRUNCATION = 2.0  # the offset's Gaussian is cut at this many standard deviations


def truncated_normal(size: int, gen: torch.Generator, bound: float = TRUNCATION) -> Tensor:
    """(size,) float32 standard normal samples conditioned on |x| <= bound (inverse CDF)."""
    edge = 0.5 * (1.0 + math.erf(-bound / math.sqrt(2.0)))
    u = edge + (1.0 - 2.0 * edge) * torch.rand(size, generator=gen, dtype=torch.float64)
    return (math.sqrt(2.0) * torch.erfinv(2.0 * u - 1.0)).clamp(-bound, bound).float()


def perturb(theta: Tensor, box: ProgramParameters, sigma: float, gen: torch.Generator) -> Tensor:
    """theta + w (see module doc), clamped into the prior box; (P,) float32."""
    std = (box.high - box.low) / math.sqrt(12.0)
    w = truncated_normal(theta.shape[0], gen) * sigma * std
    return torch.minimum(torch.maximum(theta + w, box.low), box.high)


def draw_anchor(box: ProgramParameters, anchor: str, gen: torch.Generator) -> Tensor:
    """The anchor's theta: uniform in the prior box, or the baked values."""
    if anchor == "baked":
        return box.values.clone()
    return box.low + (box.high - box.low) * torch.rand(box.low.shape[0], generator=gen)


class ProgramThetaViewSource(RenderedSource):
    """Two-view batches (render(p, t, theta), render(p, t', theta + w)), labels = program ids.

    Args:
        renderer: the render callable; ``renderer.parameters`` must give the programs' priors.
        live: theta_sigma, theta_views, theta_anchor, and time sampling as for program_time.
        batch_size: per rank. steps_per_epoch: batches per (virtual) epoch.
        frames_per_program: frame indices drawn for "continuous" time sampling.
        seed, rank: draws of step s of epoch e come from (seed, rank, e, s).

    Raises:
        ConfigError: an unknown view mode or anchor, a negative sigma, or no program with
            parameters and priors.
    """

    def __init__(self, renderer: ProgramRenderer, live: LiveConfig, *, batch_size: int,
                 steps_per_epoch: int, frames_per_program: int, seed: int, rank: int = 0) -> None:
        _check(live)
        boxes = renderer.parameters or []
        self.eligible = [p for p, box in enumerate(boxes) if box is not None and len(box.low)]
        if not self.eligible:
            raise ConfigError("data.source='program_theta' needs programs with latent parameters "
                              "and priors (e.g. data.live.programs=[synth:1000@0])")
        self.renderer, self.live, self.boxes = renderer, live, boxes
        self.sampler = time_sampler(live.time_sampling)
        self.num_classes: int | None = renderer.num_programs
        self.batch_size, self.steps, self.frames = batch_size, steps_per_epoch, frames_per_program
        self.seed, self.rank = seed, rank

    def batch(self, epoch: int, step: int) -> ViewBatch:
        """Views (B, 3, H, W) uint8 on the renderer's device; labels (B,) int64 program ids."""
        gen = step_generator(self.seed, self.rank, epoch, step)
        picks = torch.randint(len(self.eligible), (self.batch_size,), generator=gen)
        programs = torch.tensor([self.eligible[i] for i in picks.tolist()], dtype=torch.long)
        frames = torch.randint(self.frames, (self.batch_size,), generator=gen)
        times = self.sampler(frames, self.live, gen)
        shifted = times
        if self.live.theta_views == "both":
            offsets = torch.randn(self.batch_size, generator=gen) * self.live.time_sigma_seconds
            shifted = (times + offsets).clamp_min(0.0)
        anchors, positives = [], []
        for p in programs.tolist():
            theta = draw_anchor(self.boxes[p], self.live.theta_anchor, gen)
            anchors.append(theta)
            positives.append(perturb(theta, self.boxes[p], self.live.theta_sigma, gen))
        anchor = self.renderer.render(programs, times, anchors)
        check_images(anchor, self.batch_size, "render")
        anchor = anchor.clone()  # the renderer may reuse its buffer on the next call
        positive = self.renderer.render(programs, shifted, positives)
        check_images(positive, self.batch_size, "render")
        return ViewBatch((anchor, positive.clone()), programs)


def _check(live: LiveConfig) -> None:
    if live.theta_views not in VIEW_MODES:
        raise ConfigError(f"data.live.theta_views={live.theta_views!r}: valid are "
                          f"{', '.join(VIEW_MODES)}")
    if live.theta_anchor not in ANCHORS:
        raise ConfigError(f"data.live.theta_anchor={live.theta_anchor!r}: valid are "
                          f"{', '.join(ANCHORS)}")
    if live.theta_sigma < 0:
        raise ConfigError(f"data.live.theta_sigma={live.theta_sigma}: must be >= 0")
