"""Planning a render-to-disk run: which image goes where, of which program, at which time.

A plan is a pure function of the loaded programs and the options (seed included), so a resumed
run plans the same images and skips those already written.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch

from glsl_transpile.plumbing.config import ConfigError
from glsl_transpile.program_names import check_output_folders

from .hygiene import probe_indices
from .mixing import cutmix_boxes, dirichlet_weights
from .program_draws import ProgramDraws
from .timesample import TimeSampling, sample_times


@dataclass(frozen=True)
class Job:
    """One image: ``programs`` (one, or k to mix) rendered at ``times``; ``path`` None for a
    probe image that is judged, never written (``render_vk.hygiene``)."""

    index: int
    path: Path | None
    programs: tuple[int, ...]
    times: tuple[float, ...]
    frames: tuple[int, ...]


def mix_draws(job: Job, args) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The weights ``(1, k)`` of a mixed job's k images and, for CutMix, its boxes
    ``(1, k, 4)``: functions of (seed, image index) only, so a resumed run mixes (and its
    manifest records) exactly what an uninterrupted one does."""
    k = len(job.programs)
    gen = torch.Generator().manual_seed(args.seed * 1_000_003 + job.index)
    weights = dirichlet_weights(1, k, gen)
    boxes = cutmix_boxes(weights, args.resolution, args.resolution, gen) if args.cutmix else None
    return weights, boxes


def _per_program(names, ok, args, sampling, rank, world, ext) -> list[Job]:
    samples = _samples_per_program(args, sampling)
    jobs, g = [], 0
    for p in ok:
        times = sample_times(sampling, names[p], range(samples))
        for k in range(samples):
            path = (args.out / names[p] / f"{k:06d}.{ext}" if args.layout == "per-program"
                    else args.out / f"{g:06d}.{ext}")
            if p % world == rank:
                jobs.append(Job(g, path, (p,), (float(times[k]),), (k,)))
            g += 1
    return jobs


def _draws(ok: list[int], args) -> ProgramDraws:
    """Uniform draws over the working programs, shard by shard (``--shard-programs``), or
    balanced (``--balanced``: every program ``--total / programs`` images or one more)."""
    shard = getattr(args, "shard_programs", 0) or 0
    images = getattr(args, "shard_images", 0) or 0
    return ProgramDraws(len(ok), args.seed, shard, images or 32 * shard,
                        balanced=bool(getattr(args, "balanced", False)))


def _random_programs(names, ok, args, sampling, rank, world, ext) -> list[Job]:
    counts: dict[int, int] = {}
    jobs = []
    draws = _draws(ok, args)
    for g in range(args.total):
        p = ok[int(draws.draw(g)[0])]
        k = counts.get(p, 0)
        counts[p] = k + 1
        path = (args.out / names[p] / f"{k:06d}.{ext}" if args.layout == "per-program"
                else args.out / f"{g:06d}.{ext}")
        if g % world == rank:
            t = float(sample_times(sampling, names[p], [k])[0])
            jobs.append(Job(g, path, (p,), (t,), (k,)))
    return jobs


def _mixed(names, ok, args, sampling, rank, world, ext) -> list[Job]:
    k = args.mixup or args.cutmix
    if len(ok) < k:
        raise ConfigError(f"mixing {k} programs per image needs at least {k} working programs "
                          f"(have {len(ok)})")
    total = args.total or (args.samples or 8) * len(ok)
    jobs = []
    draws = _draws(ok, args)
    for g in range(total):
        if g % world != rank:
            continue
        progs = tuple(ok[int(c)] for c in draws.draw(g, k))
        times = tuple(float(sample_times(sampling, names[p], [g])[0]) for p in progs)
        jobs.append(Job(g, args.out / f"{g:06d}.{ext}", progs, times, (g,) * k))
    return jobs


def _samples_per_program(args, sampling: TimeSampling) -> int:
    if sampling.mode == "list" and not args.samples:
        return len(sampling.times_s)
    return args.samples or 8


def plan_jobs(programs, args, sampling: TimeSampling, rank: int = 0, world: int = 1,
              dropped: frozenset[int] = frozenset()) -> list[Job]:
    """Every image this rank must produce (written or not) of the programs whose status is ok,
    except ``dropped`` (indices). A per-program run numbers its images as if none were
    dropped (a flat layout has gaps), so that the probe's images keep their paths; the others
    draw from the programs that are left."""
    names = [p.name for p in programs]
    check_output_folders(args.out, names)  # names are safe by construction; the folders too
    ok = [i for i, p in enumerate(programs) if p.status == "ok"]
    kept = [i for i in ok if i not in dropped]
    ext = args.format
    if args.mixup or args.cutmix:
        return _mixed(names, kept, args, sampling, rank, world, ext)
    if args.total:
        return _random_programs(names, kept, args, sampling, rank, world, ext)
    return [j for j in _per_program(names, ok, args, sampling, rank, world, ext)
            if j.programs[0] not in dropped]


def probe_jobs(programs, ok: list[int], args, sampling: TimeSampling, rank: int = 0,
               world: int = 1) -> list[Job]:
    """This rank's probe images (``render_vk.hygiene``), program by program: a per-program
    run's own first, middle and last samples (written if the program is kept); for ``--total``
    and mixing runs, renders spread over the times a program can get there, never written
    (``path`` None; indices from -1 down, apart from the dataset's)."""
    if not (args.mixup or args.cutmix or args.total):
        wanted = set(probe_indices(_samples_per_program(args, sampling)))
        return [j for j in _per_program([p.name for p in programs], ok, args, sampling, rank,
                                        world, args.format) if j.frames[0] in wanted]
    span = args.total or _samples_per_program(args, sampling) * len(ok)
    if not (args.mixup or args.cutmix):
        span = math.ceil(span / max(1, len(ok)))  # --total: a program's k-th image, k < span
    indices = probe_indices(span)
    jobs = []
    for p in ok:
        if p % world != rank:
            continue
        times = sample_times(sampling, programs[p].name, indices)
        for k, t in zip(indices, times):
            jobs.append(Job(-1 - len(jobs), None, (p,), (float(t),), (k,)))
    return jobs
