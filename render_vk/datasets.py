"""torch datasets over programs, for any training loop: a plain ``DataLoader``, Lightning,
lightly- or solo-learn-style loops.

- ``ProgramImages`` (``IterableDataset``): an epoch of ``images_per_epoch`` images, each of a
  random program (uniform, or shard by shard: ``program_draws.py``) at a sampled time
  (``timesample.py``'s modes), optionally a MixUp or CutMix of k programs (``mixing.py``), and
  optionally a view pair: the same programs and weights at two times (t and t + N(0, sigma)).
- ``ProgramFrames`` (map-style ``Dataset``): a fixed list of (program, time) pairs.

Items are ``(image, label)``: ``image`` ``(3, H, W) uint8`` (a tuple of two with view pairs),
``label`` the index in ``names`` of the image's program (of its largest weight when mixed).
``with_info=True`` adds a dict: ``programs`` ``(k,)``, ``times_s`` ``(views, k)``, ``weights``
``(k,)``. Programs that fail to compile, are dropped as constant or static
(``hygiene.py``, on by default) or fail while rendering never appear.

Every image is a function of ``(seed, epoch, index)`` alone, whatever the number of DataLoader
workers or ranks: the indices of an epoch are split among ``world_size x num_workers`` shards
(``torch.distributed`` rank when initialised, ``get_worker_info``), and each shard renders its
indices in batches of ``render_batch`` images (one submission each). Call ``set_epoch`` before
each epoch (workers made afresh per epoch see it; persistent workers do not).

The renderer opens lazily in the process that iterates (each DataLoader worker opens its own;
programs compile once into the on-disk cache) and is never pickled. ``close()`` (or a ``with``
block) frees it in the calling process; a worker's renderer is closed when the worker exits, by
a ``multiprocessing`` exit finaliser, not by ``__del__``. A worker started by ``fork`` from a
process that holds an open renderer inherits Vulkan state it must not use: give the DataLoader
``multiprocessing_context="spawn"`` (or "forkserver") there, and keep the script's top level
under ``if __name__ == "__main__":`` (spawn imports it again in each worker).
"""
from __future__ import annotations

import math
import multiprocessing.util
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset, IterableDataset, get_worker_info

from .config import RendererConfig
from .errors import RenderError
from .hygiene import DropRules, probe_indices
from .live import LiveRenderer, live_renderer_for, load_programs
from .mixing import cutmix, cutmix_boxes, dirichlet_weights, mixup
from .program_draws import ProgramDraws
from .timesample import TimeSampling, times_from_uniform

_DRAW_KEY = 0xDA7A  # separates a dataset's per-image draws from other streams of the seed


class _Programs:
    """Sources, and a renderer opened lazily in the process that renders (module doc)."""

    def __init__(self, programs: Sequence[Any], resolution: int,
                 renderer_config: RendererConfig) -> None:
        sources = [p for p in programs if not isinstance(p, str)]
        paths = [p for p in programs if isinstance(p, str)]
        self.sources = sources + (load_programs(paths) if paths else [])
        if not self.sources:
            raise RenderError("no program to render")
        self.names = [s.name for s in self.sources]
        self.resolution, self.renderer_config = resolution, renderer_config
        self._live: LiveRenderer | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_live"] = None  # Vulkan objects stay in their process
        return state

    def _open(self) -> LiveRenderer:
        if self._live is None:
            self._live = live_renderer_for(self.sources, self.resolution, self.renderer_config)
            if get_worker_info() is not None:  # closed when the worker process exits
                multiprocessing.util.Finalize(self, self.close, exitpriority=10)
            self._opened(self._live)
        return self._live

    def _opened(self, live: LiveRenderer) -> None:
        """Called once the renderer is open (subclasses probe programs here)."""

    def close(self) -> None:
        """Close this process's renderer (it opens again when next needed)."""
        if self._live is not None:
            self._live.close()
            self._live = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _render(self, ids: Sequence[int], times_s: Sequence[float]) -> torch.Tensor:
        """Owned ``(N, 3, H, W) uint8`` images of live ids at ``times_s``."""
        live = self._open()
        images = live(torch.as_tensor(list(ids), dtype=torch.int64),
                      torch.as_tensor(list(times_s), dtype=torch.float32))
        return images.clone()


def _shard() -> tuple[int, int]:
    """(this process's shard, shards): ranks x DataLoader workers."""
    rank, world = 0, 1
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        rank, world = torch.distributed.get_rank(), torch.distributed.get_world_size()
    info = get_worker_info()
    workers, worker = (info.num_workers, info.id) if info is not None else (1, 0)
    return rank * workers + worker, world * workers


def _rank_share(total: int) -> int:
    rank, world = 0, 1
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        rank, world = torch.distributed.get_rank(), torch.distributed.get_world_size()
    return len(range(rank, total, world))


class ProgramImages(_Programs, IterableDataset):
    """Random images of programs (module doc).

    Args:
        programs: paths (files, folders, JSON, manifests; "builtin" for the built-in pack) or
            ``ShaderSource`` records.
        resolution: image side in pixels. images_per_epoch: images an epoch yields (all ranks).
        seed: of every draw. time_sampling: ``TimeSampling`` (its own seed is not used).
        mixup, cutmix: programs mixed per image (1 or 0: off; at most one of them).
        views: 1, or 2 for view pairs; view_sigma_s: std of the second view's time offset.
        shard_programs, shard_images: shard draws (``ProgramDraws``); 0: uniform.
        drop: constant / static programs left out (``hygiene.DropRules``).
        render_batch: images per submission. with_info: items carry their draws.
        renderer_config: the renderer's knobs (device, output...).
    """

    def __init__(self, programs: Sequence[Any], *, resolution: int, images_per_epoch: int,
                 seed: int = 0, time_sampling: TimeSampling = TimeSampling(), mixup: int = 1,
                 cutmix: int = 0, views: int = 1, view_sigma_s: float = 0.5,
                 shard_programs: int = 0, shard_images: int = 0, drop: DropRules = DropRules(),
                 render_batch: int = 64, with_info: bool = False,
                 renderer_config: RendererConfig = RendererConfig()) -> None:
        if images_per_epoch < 1 or views not in (1, 2) or render_batch < 1:
            raise ValueError("ProgramImages: images_per_epoch >= 1, views 1 or 2, "
                             "render_batch >= 1")
        if mixup > 1 and cutmix > 1:
            raise ValueError("ProgramImages: mixup or cutmix, not both")
        super().__init__(programs, resolution, renderer_config)
        self.images_per_epoch, self.seed, self.sampling = images_per_epoch, seed, time_sampling
        self.k = max(mixup, cutmix, 1)
        self.cut = cutmix > 1
        self.views, self.view_sigma_s = views, view_sigma_s
        self.shard_programs, self.shard_images = shard_programs, shard_images
        self.drop, self.render_batch, self.with_info = drop, render_batch, with_info
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        """Items this rank yields per epoch (over all its DataLoader workers)."""
        return _rank_share(self.images_per_epoch)

    def _opened(self, live: LiveRenderer) -> None:
        frames = math.ceil(self.images_per_epoch / live.num_programs)
        live.drop_dull(self._probe_times(frames), self.drop)
        if live.num_programs < self.k:
            raise RenderError(f"mixing {self.k} programs per image needs {self.k} programs, "
                              f"{live.num_programs} are left")

    def _probe_times(self, frames: int) -> list[float]:
        s = self.sampling
        if s.mode == "list":
            return sorted(set(s.times_s))[:3]
        if s.mode == "random":
            return [s.low_s, (s.low_s + s.high_s) / 2, s.high_s]
        return [(n + 0.5) / s.fps for n in probe_indices(frames)]

    def __iter__(self) -> Iterator:
        live = self._open()
        draws = ProgramDraws(live.num_programs, self.seed, self.shard_programs,
                             self.shard_images or 32 * self.shard_programs)
        shard, shards = _shard()
        mine = range(shard, self.images_per_epoch, shards)
        for first in range(0, len(mine), self.render_batch):
            yield from self._batch(live, draws, mine[first:first + self.render_batch])

    def _batch(self, live: LiveRenderer, draws: ProgramDraws, indices: Sequence[int]) -> list:
        plans = [self._draw(live, draws, i) for i in indices]
        ids = [p for plan in plans for view in range(self.views) for p in plan["ids"]]
        times = [t for plan in plans for view in plan["times_s"] for t in view]
        images = self._render(ids, times)
        per_view = images.view(len(plans), self.views * self.k, *images.shape[1:])
        weights = torch.stack([plan["weights"] for plan in plans])
        out = []
        mixed = [self._mix(per_view[:, v * self.k:(v + 1) * self.k], weights, plans)
                 for v in range(self.views)]
        for b, plan in enumerate(plans):
            image = mixed[0][b] if self.views == 1 else (mixed[0][b], mixed[1][b])
            label = live.ids[plan["ids"][int(plan["weights"].argmax())]]
            item = (image, label)
            if self.with_info:
                info = {"programs": torch.tensor([live.ids[i] for i in plan["ids"]]),
                        "times_s": torch.tensor(plan["times_s"]), "weights": plan["weights"]}
                item = (image, label, info)
            out.append(item)
        return out

    def _mix(self, groups: torch.Tensor, weights: torch.Tensor, plans: list) -> torch.Tensor:
        """``groups`` ``(B, k, 3, H, W)`` uint8 -> ``(B, 3, H, W)`` uint8."""
        if self.k == 1:
            return groups[:, 0]
        flat = groups.reshape(-1, *groups.shape[2:])
        if self.cut:
            return cutmix(flat, torch.stack([plan["boxes"] for plan in plans]))
        return mixup(flat, weights, layout="group", out_dtype=torch.uint8)

    def _draw(self, live: LiveRenderer, draws: ProgramDraws, index: int) -> dict:
        """Programs (live ids), times per view, weights (and boxes) of one image."""
        stream = self.epoch * self.images_per_epoch + index
        gen = torch.Generator().manual_seed(
            int(np.random.SeedSequence([self.seed, stream, _DRAW_KEY]).generate_state(1)[0]))
        ids = [int(i) for i in draws.draw(stream, self.k)]
        frames = math.ceil(self.images_per_epoch / live.num_programs)
        times = [self._time(gen, frames) for _ in ids]
        views = [times]
        if self.views == 2:
            shift = torch.randn(self.k, generator=gen) * self.view_sigma_s
            views.append([max(0.0, t + float(d)) for t, d in zip(times, shift)])
        weights = dirichlet_weights(1, self.k, gen)[0] if self.k > 1 else torch.ones(1)
        plan = {"ids": ids, "times_s": views, "weights": weights}
        if self.cut:
            plan["boxes"] = cutmix_boxes(weights[None], self.resolution, self.resolution,
                                         gen)[0]
        return plan

    def _time(self, gen: torch.Generator, frames: int) -> float:
        """One time: continuous, frame n uniform in [0, frames) and t ~ U[n/fps, (n+1)/fps];
        random, t ~ U[low, high]; list, one of the times (the render CLI's formula)."""
        s, u = self.sampling, float(torch.rand((), generator=gen, dtype=torch.float64))
        if s.mode == "list":
            return float(s.times_s[int(u * len(s.times_s)) % len(s.times_s)])
        frame = int(torch.randint(frames, (), generator=gen)) if s.mode == "continuous" else 0
        return float(times_from_uniform(s.mode, frame, u, fps=s.fps, low_s=s.low_s,
                                        high_s=s.high_s))


class ProgramFrames(_Programs, Dataset):
    """Images of fixed ``(program, time_s)`` pairs; ``program`` is a name or an index in
    ``names``. Items ``(image (3, H, W) uint8, label)``; a DataLoader batch is rendered in one
    submission (``__getitems__``). Every program named must compile: a pair of a program
    that does not is a ``RenderError`` when it is first rendered."""

    def __init__(self, programs: Sequence[Any], pairs: Sequence[tuple[int | str, float]], *,
                 resolution: int, renderer_config: RendererConfig = RendererConfig()) -> None:
        super().__init__(programs, resolution, renderer_config)
        index = {name: i for i, name in enumerate(self.names)}
        self.pairs = []
        for program, time_s in pairs:
            label = index.get(program, program) if isinstance(program, str) else int(program)
            if not isinstance(label, int) or not 0 <= label < len(self.names):
                raise ValueError(f"ProgramFrames: no program {program!r}")
            self.pairs.append((label, float(time_s)))

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.__getitems__([i])[0]

    def __getitems__(self, indices: Sequence[int]) -> list[tuple[torch.Tensor, int]]:
        live = self._open()
        live_id = {prog: j for j, prog in enumerate(live.ids)}
        labels = [self.pairs[i][0] for i in indices]
        missing = sorted({self.names[p] for p in labels if p not in live_id})
        if missing:
            raise RenderError(f"ProgramFrames: {', '.join(missing)} cannot be rendered "
                              "(see the log)")
        images = self._render([live_id[p] for p in labels], [self.pairs[i][1] for i in indices])
        return [(images[b], labels[b]) for b in range(len(indices))]
