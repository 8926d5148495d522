"""``python -m render_vk.render SOURCE... --out DIR --resolution R``: batch render to disk.

Output (docs/DESIGN.md): ``OUT/<program>/<k:06d>.<png|jpg>`` (k = sample index of that
program) or, with ``--layout flat`` and for MixUp/CutMix images, ``OUT/<k:06d>.<ext>``; and
``OUT/report.json`` keyed by program: ``{"status", "log", "seconds", "constant", "static"}``
plus ``origin`` (the program's source) and ``device_ms_per_image`` (device time per image from
the dispatch timestamps, null when the device does not time dispatches).

Every image is a pure function of (seed, program, sample index): a run killed at any moment and
started again skips the images already on disk and ends with the same files as an uninterrupted
run. Images are encoded and written on other threads; under ``torchrun`` each rank renders its
own share of the programs (or images) and rank 0 merges the reports.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from glsl_transpile import load_builtin_pack, load_sources

from .errors import ProgramFailedError, RenderError
from .jobs import Job, plan_jobs
from .mixing import cutmix, cutmix_boxes, dirichlet_weights, mixup
from .renderer import Renderer, RendererConfig, RenderRequest
from .report import ProgramReport, write_contact_sheet
from .timesample import TimeSampling
from .writer import ImageWriter, OutputError, atomic_write_bytes, remove_stale_temporaries

log = logging.getLogger("render_vk.render")


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m render_vk.render", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sources", nargs="*", help="program files, folders, Shadertoy JSON, manifests")
    ap.add_argument("--list-devices", action="store_true", help="list Vulkan devices and exit")
    ap.add_argument("--builtin", action="store_true", help="add the built-in program pack")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--resolution", type=int, default=256)
    ap.add_argument("--times", type=str, default=None, help="explicit times, e.g. 0.5,2,4.5")
    ap.add_argument("--samples", type=int, default=None, help="images per program")
    ap.add_argument("--total", type=int, default=None,
                    help="images in total, each of a random program (the paper's datasets)")
    ap.add_argument("--time-sampling", choices=["continuous", "random"], default="continuous")
    ap.add_argument("--fps", type=float, default=4.0)
    ap.add_argument("--mixup", type=int, default=0, metavar="K", help="mix K programs per image")
    ap.add_argument("--cutmix", type=int, default=0, metavar="K")
    ap.add_argument("--format", choices=["png", "jpg"], default="png")
    ap.add_argument("--quality", type=int, default=95, help="JPEG quality")
    ap.add_argument("--layout", choices=["per-program", "flat"], default="per-program")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=128, help="images per submission")
    ap.add_argument("--device", default=None, help="Vulkan device index or name substring")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per batch")
    ap.add_argument("--contact-sheet", action="store_true", help="write OUT/contact_sheet.png")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.list_devices:
        return args
    if args.out is None:
        ap.error("--out is required")
    if not args.sources and not args.builtin:
        ap.error("give SOURCE paths or --builtin")
    if args.mixup and args.cutmix:
        ap.error("--mixup and --cutmix are exclusive")
    return args


def _sampling(args) -> TimeSampling:
    if args.times:
        try:
            times = tuple(float(t) for t in args.times.split(","))
        except ValueError:
            raise SystemExit(f"--times: not a comma-separated list of numbers: {args.times!r}")
        return TimeSampling("list", fps=args.fps, times_s=times, seed=args.seed)
    return TimeSampling(args.time_sampling, fps=args.fps, seed=args.seed)


def _rank_world() -> tuple[int, int]:
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


def _load(args, report: dict[str, ProgramReport]):
    def on_error(path, err):
        report[Path(path).stem] = ProgramReport(status="compile_error", log=str(err))
        log.warning("%s", err)

    sources = load_builtin_pack() if args.builtin else []
    return sources + load_sources(args.sources, on_error=on_error)


def _render_batch(renderer: Renderer, jobs: list[Job], args, report) -> list[tuple[Job, np.ndarray]]:
    """Render ``jobs`` (retrying without programs that time out); returns (job, HxWx3) pairs."""
    while jobs:
        programs = [p for j in jobs for p in j.programs]
        times = [t for j in jobs for t in j.times]
        frames = [f for j in jobs for f in j.frames]
        start = time.perf_counter()
        try:
            images = renderer.render(RenderRequest(programs, times, args.resolution,
                                                   args.resolution, frames))
        except ProgramFailedError as err:
            log.warning("%s", err)
            bad = {i for i in set(programs) if not renderer.program(i).ok}
            remaining = [j for j in jobs if not bad & set(j.programs)]
            if len(remaining) == len(jobs):
                raise  # nothing was excluded: retrying would fail again
            jobs = remaining
            continue
        elapsed = time.perf_counter() - start
        for p, count in Counter(programs).items():
            report[renderer.program(p).name].seconds += elapsed * count / len(programs)
        images = _mix(images, jobs, args)
        hwc = images.permute(0, 2, 3, 1).numpy()
        return list(zip(jobs, hwc))
    return []


def _mix(images: torch.Tensor, jobs: list[Job], args) -> torch.Tensor:
    """Mix each job's k images; weights (and boxes) depend only on (seed, image index), so a
    resumed run mixes exactly as an uninterrupted one."""
    k = args.mixup or args.cutmix
    if not k:
        return images
    out = []
    for i, job in enumerate(jobs):
        gen = torch.Generator().manual_seed(args.seed * 1_000_003 + job.index)
        weights = dirichlet_weights(1, k, gen, images.device)
        group = images[i * k:(i + 1) * k]
        if args.mixup:
            out.append(mixup(group, weights))
        else:
            boxes = cutmix_boxes(weights, args.resolution, args.resolution, gen)
            out.append(cutmix(group, boxes))
    return torch.cat(out)


def _restore_observations(out: Path, report_name: str, jobs: list[Job], names: list[str],
                          report: dict[str, ProgramReport]) -> None:
    """Account images already on disk: from the previous report when its counts agree, else
    by decoding the files of that program."""
    on_disk: dict[str, list[Path]] = {}
    for j in jobs:
        if len(j.programs) == 1 and j.path.exists():
            on_disk.setdefault(names[j.programs[0]], []).append(j.path)
    previous = {}
    if (out / report_name).is_file():
        try:
            previous = json.loads((out / report_name).read_text())
        except (OSError, json.JSONDecodeError):
            previous = {}
    for name, paths in on_disk.items():
        if not report[name].restore(previous.get(name), len(paths)):
            for path in paths:
                report[name].observe_file(path)


def run(args) -> int:
    rank, world = _rank_world()
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        probe = args.out / f".write-test-{os.getpid()}"
        atomic_write_bytes(probe, b"")
        probe.unlink()
    except (OSError, OutputError) as err:
        print(f"error: output folder {args.out} is not writable: {err}", file=sys.stderr)
        return 2
    tmp_prefix = f".tmp-r{rank}-"
    stale = remove_stale_temporaries(args.out, tmp_prefix)
    if stale:
        log.info("removed %d unfinished temporary files of an earlier run", stale)
    report: dict[str, ProgramReport] = {}
    sources = _load(args, report)
    renderer = Renderer(RendererConfig(device=args.device, batch_timeout_s=args.timeout,
                                       fps=args.fps))
    writer = ImageWriter(args.format, args.quality, tmp_prefix=tmp_prefix)
    try:
        log.info("device: %s", renderer.device_name)
        programs = renderer.load(sources)
        for state in programs:
            report[state.name] = ProgramReport(status=state.status, log=state.log,
                                               origin=state.origin)
        names = [p.name for p in programs]
        jobs = plan_jobs(programs, args, _sampling(args), rank, world)
        todo = [j for j in jobs if not j.path.exists()]
        _restore_observations(args.out, _report_name(rank, world), jobs, names, report)
        _render_all(renderer, writer, todo, args, report, len(jobs) - len(todo))
        writer.close()
    except OutputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        for state in renderer.programs():
            if state.name in report and state.status != "ok":
                report[state.name].status, report[state.name].log = state.status, state.log
            if state.name in report and state.seconds_per_image is not None:
                report[state.name].device_ms_per_image = 1e3 * state.seconds_per_image
        renderer.close()
        _write_report(args.out, report, rank, world)
    if args.contact_sheet and rank == 0:
        write_contact_sheet(args.out, names, args.format)
    ok = sum(1 for r in report.values() if r.status == "ok")
    print(f"{ok}/{len(report)} programs ok; images in {args.out}")
    return 0


def _render_all(renderer, writer, todo, args, report, done_before) -> None:
    bar = tqdm(total=len(todo) + done_before, initial=done_before, unit="img",
               disable=args.quiet, file=sys.stderr)
    per_batch = max(1, args.batch_size // max(1, args.mixup or args.cutmix or 1))
    with bar:
        for i in range(0, len(todo), per_batch):
            for job, image in _render_batch(renderer, todo[i:i + per_batch], args, report):
                writer.submit(job.path, image)
                if len(job.programs) == 1:
                    report[renderer.program(job.programs[0]).name].observe(image)
                bar.update(1)


def _report_name(rank: int, world: int) -> str:
    return "report.json" if world == 1 else f"report.rank{rank}.json"


def _write_report(out: Path, report: dict[str, ProgramReport], rank: int, world: int) -> None:
    name = _report_name(rank, world)
    merged = {k: v.to_json() for k, v in sorted(report.items())}
    atomic_write_bytes(out / name, json.dumps(merged, indent=1).encode())
    if world > 1 and rank == 0:
        _merge_rank_reports(out, world)


def _merge_rank_reports(out: Path, world: int, wait_s: float = 600.0) -> None:
    """Rank 0: wait for every rank's report, then write the merged ``report.json``."""
    deadline = time.time() + wait_s
    parts = [out / f"report.rank{r}.json" for r in range(world)]
    while not all(p.exists() for p in parts) and time.time() < deadline:
        time.sleep(0.5)
    merged: dict = {}
    for p in parts:
        if p.exists():
            for name, entry in json.loads(p.read_text()).items():
                # every rank loads every program; the rank that rendered it has its images,
                # and a failure seen by any rank wins
                prev = merged.get(name)
                if prev is None or entry["status"] != "ok" or (
                        prev["status"] == "ok" and entry["images"] > prev["images"]):
                    merged[name] = entry
    atomic_write_bytes(out / "report.json", json.dumps(merged, indent=1).encode())


def _print_devices() -> int:
    from .device import list_devices

    for d in list_devices():
        print(f"[{d.index}] {d.name} ({d.kind}), subgroup size {d.subgroup_size}, "
              f"quad ops {'yes' if d.quad_ops else 'no'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list_devices:
        return _print_devices()
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return run(args)
    except RenderError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
