"""Planning a render-to-disk run: which image goes where, of which program, at which time.

A plan is a pure function of the loaded programs and the options (seed included), so a resumed
run plans the same images and skips those already written.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from glsl_transpile.plumbing.config import ConfigError
from glsl_transpile.program_names import check_output_folders

from .program_draws import ProgramDraws
from .timesample import TimeSampling, sample_times


@dataclass(frozen=True)
class Job:
    """One output image: ``programs`` (one, or k to mix) rendered at ``times``."""

    index: int
    path: Path
    programs: tuple[int, ...]
    times: tuple[float, ...]
    frames: tuple[int, ...]


def _per_program(names, ok, args, sampling, rank, world, ext) -> list[Job]:
    samples = len(sampling.times_s) if sampling.mode == "list" and not args.samples \
        else (args.samples or 8)
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
    """Uniform draws over the working programs, or shard by shard (``--shard-programs``)."""
    shard = getattr(args, "shard_programs", 0) or 0
    images = getattr(args, "shard_images", 0) or 0
    return ProgramDraws(len(ok), args.seed, shard, images or 32 * shard)


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


def plan_jobs(programs, args, sampling: TimeSampling, rank: int = 0, world: int = 1) -> list[Job]:
    """Every image this rank must produce (written or not)."""
    names = [p.name for p in programs]
    check_output_folders(args.out, names)  # names are safe by construction; the folders too
    ok = [i for i, p in enumerate(programs) if p.status == "ok"]
    ext = args.format
    if args.mixup or args.cutmix:
        return _mixed(names, ok, args, sampling, rank, world, ext)
    if args.total:
        return _random_programs(names, ok, args, sampling, rank, world, ext)
    return _per_program(names, ok, args, sampling, rank, world, ext)
