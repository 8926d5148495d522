"""Live program data (Baradad et al. 2022, "Procedural Image Programs for Representation Learning").

Every image is a random program at a sampled time, optionally a MixUp of k images of different
programs; an epoch is a fixed number of images (virtual epoch). In fixed-dataset mode the set of
(program, time, mix) draws is made once from the seed and only reshuffled per epoch, which
reproduces training on a rendered dataset of that size without writing it to disk.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import torch
from torch import Tensor

from render_vk.program_draws import ProgramDraws
from train.config import LiveConfig
from train.data.batch import ViewBatch, check_images
from train.seeding import step_generator
from train.data.mixup import dirichlet_ones, distinct_programs, mix_components
from train.data.render_protocol import ProgramRenderer, RenderedSource
from train.data.time_sampling import time_sampler
from train.errors import ConfigError

_FIXED_TABLE_KEY = 0x5EED  # separates the fixed table's stream from per-step streams


class Draws(NamedTuple):
    """programs (N, k) int64, times_seconds (N, k) float32, weights (N, k) float32 (rows sum 1)."""

    programs: Tensor
    times_seconds: Tensor
    weights: Tensor


class LiveProgramSource(RenderedSource):
    """One-view batches of live renders for one rank; labels are each image's main program.

    Args:
        renderer: the render callable and its number of programs.
        live: time sampling, mixup_k and fixed_dataset settings.
        batch_size: per rank. images_per_epoch: virtual epoch size over all ranks.
        seed, rank, world_size: draws of step s of epoch e come from (seed, rank, e, s);
            the fixed table from the seed alone, sharded like DistributedSampler.

    "continuous" time sampling needs a frame index n per image: it is uniform over
    [0, ceil(images_per_epoch / num_programs)), the frames a rendered dataset of that size has.
    With mixup, the label is the program of the largest weight.
    """

    def __init__(self, renderer: ProgramRenderer, live: LiveConfig, *, batch_size: int,
                 images_per_epoch: int, seed: int, rank: int = 0, world_size: int = 1) -> None:
        if live.mixup_k > renderer.num_programs:
            raise ConfigError(f"data.live.mixup_k={live.mixup_k} needs at least that many "
                              f"programs, the renderer has {renderer.num_programs}")
        self.renderer, self.live = renderer, live
        self.sampler = time_sampler(live.time_sampling)
        self.num_classes: int | None = renderer.num_programs
        self.batch_size, self.seed, self.rank, self.world_size = batch_size, seed, rank, world_size
        self.images_per_epoch = images_per_epoch
        self.frames = math.ceil(images_per_epoch / renderer.num_programs)
        self.steps = images_per_epoch // (batch_size * world_size)
        if self.steps == 0:
            raise ConfigError(f"data.images_per_epoch={images_per_epoch} is less than one global "
                              f"batch ({batch_size * world_size})")
        self.draws = ProgramDraws(renderer.num_programs, seed, live.shard_programs,
                                  live.shard_images or 32 * live.shard_programs,
                                  balanced=live.balanced)
        if self.draws.sharded and live.mixup_k > len(self.draws.pool(0)):
            raise ConfigError(f"data.live.shard_programs={live.shard_programs} is less than "
                              f"data.live.mixup_k={live.mixup_k}")
        device = renderer.device
        # CUDA images: batch n+1 is rendered and mixed on a side stream while batch n trains
        self.stream = (torch.cuda.Stream(device) if device is not None and device.type == "cuda"
                       else None)
        self.table: Draws | None = None
        self._epoch_order: tuple[int, Tensor] | None = None
        if live.fixed_dataset:
            self.table = self.draw(images_per_epoch, step_generator(seed, _FIXED_TABLE_KEY))

    def batches(self, epoch: int, start_step: int = 0) -> Iterator[ViewBatch]:
        if self.stream is None:
            for step in range(start_step, self.steps):
                yield self.batch(epoch, step)
            return
        ahead = None
        for step in range(start_step, self.steps):
            current = ahead or self._prepare(epoch, step)
            ahead = self._prepare(epoch, step + 1) if step + 1 < self.steps else None
            yield self._arrive(*current)

    def _prepare(self, epoch: int, step: int) -> tuple[ViewBatch, torch.cuda.Event]:
        """Render and mix batch ``step`` on the side stream; the event marks it ready."""
        with torch.cuda.stream(self.stream):
            batch = self.batch(epoch, step)
            ready = torch.cuda.Event()
            ready.record(self.stream)
        return batch, ready

    @staticmethod
    def _arrive(batch: ViewBatch, ready: torch.cuda.Event) -> ViewBatch:
        """Hand a prepared batch to the current stream (the caller's training stream)."""
        stream = torch.cuda.current_stream(batch.views[0].device)
        stream.wait_event(ready)
        for view in batch.views:
            view.record_stream(stream)  # made on the side stream, freed after training on it
        return batch

    def batch(self, epoch: int, step: int) -> ViewBatch:
        """One view (B, 3, H, W) (uint8, or float in [0, 1] with mixup) and labels (B,) int64."""
        first_image = (epoch * self.steps + step) * self.batch_size * self.world_size
        draws = self.fixed_draws(epoch, step) if self.table is not None else self.draw(
            self.batch_size, step_generator(self.seed, self.rank, epoch, step),
            pool=self.draws.pool(first_image) if self.draws.sharded else None)
        images = self.render(draws)
        main = draws.weights.argmax(dim=1)
        labels = draws.programs.gather(1, main[:, None]).squeeze(1)
        return ViewBatch((images,), labels)

    def draw(self, count: int, gen: torch.Generator, pool=None) -> Draws:
        """Draw `count` images: k distinct programs (of ``pool``, a shard of program ids, when
        given), frame times and Dirichlet(1) weights each."""
        k = self.live.mixup_k
        num_programs = self.renderer.num_programs if pool is None else len(pool)
        if k == 1 and self.draws.balanced:  # the render CLI's --balanced draws (k = 1)
            programs = torch.tensor([int(self.draws.draw(g)[0]) for g in range(count)],
                                    dtype=torch.int64).view(count, 1)
        elif k == 1:
            programs = torch.randint(num_programs, (count, 1), generator=gen)
        else:
            programs = distinct_programs(count, k, num_programs, gen)
        if pool is not None:
            programs = torch.as_tensor(pool, dtype=torch.int64)[programs]
        frames = torch.randint(self.frames, (count * k,), generator=gen)
        times = self.sampler(frames, self.live, gen).view(count, k)
        weights = dirichlet_ones(count, k, gen) if k > 1 else torch.ones(count, 1)
        return Draws(programs, times, weights)

    def fixed_draws(self, epoch: int, step: int) -> Draws:
        """Rows of the fixed table for (epoch, step): per-epoch permutation, then rank shard."""
        assert self.table is not None
        if self._epoch_order is None or self._epoch_order[0] != epoch:
            order = torch.randperm(self.images_per_epoch,
                                   generator=step_generator(self.seed, _FIXED_TABLE_KEY, epoch))
            usable = self.steps * self.batch_size * self.world_size
            self._epoch_order = (epoch, order[:usable][self.rank::self.world_size])
        rows = self._epoch_order[1][step * self.batch_size:(step + 1) * self.batch_size]
        return Draws(*(t[rows] for t in self.table))

    def render(self, draws: Draws) -> Tensor:
        """Render all components in one call (component-major) and mix them if k > 1."""
        batch, k = draws.programs.shape
        images = self.renderer.render(draws.programs.t().reshape(-1),
                                      draws.times_seconds.t().reshape(-1))
        check_images(images, batch * k, "render")
        if k == 1:
            return images.clone()  # the renderer may draw into this memory again
        return mix_components(images, draws.weights)
