"""``python -m render_vk.render SOURCE... --out DIR --resolution R``: batch render to disk.

Output (docs/DESIGN.md): ``OUT/<program>/<k:06d>.<png|jpg>`` (k = sample index of that
program) or, with ``--layout flat`` and for MixUp/CutMix images, ``OUT/<k:06d>.<ext>``; and
``OUT/report.json`` keyed by program folder: ``{"status", "log", "seconds", "constant",
"static"}`` plus ``images``, ``origin`` (the program's source), ``name`` (its own name where the
folder name differs) and ``device_ms_per_image`` (device time per image from the dispatch
timestamps, null when the device does not time dispatches).

Every image is a pure function of (seed, program, sample index): a run killed at any moment
(Ctrl-C and SIGTERM included: the report is written and the run says how to resume) and started
again keeps the images already on disk that check out, and ends with the same files as an
uninterrupted run. A resume with other parameters is refused (``--overwrite`` to render again).
Images are encoded and written on other threads; under ``torchrun`` each rank renders its own
share of the programs (or images) and rank 0 writes the merged report.
"""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from glsl_transpile import TranspileError, load_sources, missing_inputs
from glsl_transpile.plumbing.config import ConfigError
from glsl_transpile.status import CRASH, LOOP_CAPPED, TIMEOUT, status_of

from . import ranks
from .config import MAX_IMAGE_SIDE, RendererConfig, RenderRequest
from .errors import ProgramFailedError, RenderError
from .jobs import Job, plan_jobs
from .mixing import cutmix, cutmix_boxes, dirichlet_weights, mixup
from .outdir import OutputFolder
from .renderer import Renderer
from .report import Observation, ProgramReport, merge_entries, write_contact_sheet
from .timesample import TimeSampling
from .writer import ImageWriter, OutputError, atomic_write_bytes

log = logging.getLogger("render_vk.render")
INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m render_vk.render", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add = ap.add_argument
    add("sources", nargs="*", help="program files, folders, Shadertoy JSON, manifests, or "
                                   "generated programs (synth:COUNT@SEED)")
    add("--list-devices", action="store_true", help="list Vulkan devices and exit")
    add("--builtin", action="store_true", help="add the built-in program pack")
    add("--out", type=Path, default=None, help="output folder (required)")
    add("--resolution", type=int, default=256, help="image side in pixels (default 256)")
    add("--times", default=None, help="explicit times in seconds, e.g. 0.5,2,4.5 (one image "
                                      "per time and program unless --samples)")
    add("--samples", type=int, default=None, help="images per program (default 8)")
    add("--total", type=int, default=None,
        help="images in total, each of a random program (the paper's datasets)")
    add("--shard-programs", type=int, default=0, metavar="N",
        help="with --total or mixing: draw programs shard by shard, N programs a shard, so "
             "the programs in use (and their pipelines) stay bounded; 0: uniform over all")
    add("--shard-images", type=int, default=0, metavar="M",
        help="images drawn from one shard before the next (default 32 x --shard-programs)")
    add("--time-sampling", choices=["continuous", "random"], default="continuous",
        help="continuous: t ~ U[n/fps, (n+1)/fps]; random: t ~ U[0.1, 10] (default continuous)")
    add("--fps", type=float, default=4.0, help="frames per second of continuous sampling and "
                                               "iFrameRate (default 4)")
    add("--mixup", type=int, default=0, metavar="K", help="mix K >= 2 programs per image "
                                                          "(Dirichlet(1) weights; flat layout)")
    add("--cutmix", type=int, default=0, metavar="K", help="CutMix K >= 2 programs per image")
    add("--format", choices=["png", "jpg"], default="png", help="image format (default png)")
    add("--quality", type=int, default=95, help="JPEG quality 1..100 (default 95)")
    add("--layout", choices=["per-program", "flat"], default="per-program",
        help="per-program: OUT/<program>/<k>.png (an ImageFolder); flat: OUT/<k>.png")
    add("--seed", type=int, default=0, help="seed of times, program draws and mixing")
    add("--batch-size", type=int, default=128, help="images per submission (default 128)")
    add("--device", default=None, help="Vulkan device index or name substring (default: the "
                                       "best GPU, else lavapipe)")
    add("--timeout", type=float, default=60.0, help="seconds a batch may run before its "
                                                    "program is stopped as hung (default 60)")
    add("--image-timeout", type=float, default=30.0,
        help="device seconds per image over which a program is stopped (default 30)")
    add("--overwrite", action="store_true",
        help="render every image again, even where OUT holds images of other parameters")
    add("--retry-failed", action="store_true",
        help="render again programs that timed out, crashed or hit the loop cap in an "
             "earlier run into OUT (by default they are skipped, keeping their status)")
    add("--contact-sheet", action="store_true", help="also write OUT/contact_sheet.png")
    add("--quiet", action="store_true", help="no progress bars, warnings only")
    return ap


def parse_args(argv):
    ap = build_parser()
    args = ap.parse_args(argv)
    if not args.list_devices:
        problem = _invalid(args)
        if problem:
            ap.error(problem)
    return args


def _invalid(args) -> str | None:
    """What is wrong with the arguments, before any work (None if nothing)."""
    checks = [
        (args.out is not None, "--out is required"),
        (bool(args.sources) or args.builtin, "give SOURCE paths or --builtin"),
        (1 <= args.resolution <= MAX_IMAGE_SIDE, f"--resolution must be in 1..{MAX_IMAGE_SIDE}"),
        (args.fps > 0, "--fps must be positive"),
        (args.samples is None or args.samples >= 1, "--samples must be at least 1"),
        (args.total is None or args.total >= 1, "--total must be at least 1"),
        (args.samples is None or args.total is None,
         "give --samples (images per program) or --total (images in all), not both"),
        (not (args.mixup and args.cutmix), "--mixup and --cutmix are exclusive"),
        (args.mixup == 0 or args.mixup >= 2, "--mixup K needs K >= 2 programs per image"),
        (args.cutmix == 0 or args.cutmix >= 2, "--cutmix K needs K >= 2 programs per image"),
        (1 <= args.quality <= 100, "--quality must be in 1..100"),
        (args.batch_size >= 1, "--batch-size must be at least 1"),
        (args.shard_programs >= 0 and args.shard_images >= 0,
         "--shard-programs and --shard-images must not be negative"),
        (args.shard_programs == 0 or args.total or args.mixup or args.cutmix,
         "--shard-programs applies to --total (or mixing) runs"),
        (args.timeout > 0 and args.image_timeout > 0, "--timeout and --image-timeout must be "
                                                      "positive"),
    ]
    for ok, message in checks:
        if not ok:
            return message
    if args.times is not None:
        try:
            times = [float(t) for t in args.times.split(",")]
        except ValueError:
            return f"--times: not a comma-separated list of numbers: {args.times!r}"
        if not times or not all(np.isfinite(times)):
            return "--times: give finite numbers"
    missing = missing_inputs(args.sources)
    return f"no such file or folder: {', '.join(missing)}" if missing else None


def _sampling(args) -> TimeSampling:
    if args.times:
        times = tuple(float(t) for t in args.times.split(","))
        return TimeSampling("list", fps=args.fps, times_s=times, seed=args.seed)
    return TimeSampling(args.time_sampling, fps=args.fps, seed=args.seed)


def render_params(args) -> dict:
    """What decides the pixels and paths of the images (recorded in OUT, checked on resume)."""
    return {"resolution": args.resolution, "times": args.times, "samples": args.samples,
            "total": args.total, "time_sampling": args.time_sampling, "fps": args.fps,
            "mixup": args.mixup, "cutmix": args.cutmix, "format": args.format,
            "quality": args.quality if args.format == "jpg" else None, "layout": args.layout,
            "seed": args.seed, "shard_programs": args.shard_programs,
            "shard_images": args.shard_images}


def _render_batch(renderer: Renderer, jobs: list[Job], args,
                  report) -> list[tuple[Job, np.ndarray]]:
    """Render ``jobs`` (retrying without programs that fail); returns (job, HxWx3) pairs."""
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
        hwc = _mix(images, jobs, args).permute(0, 2, 3, 1).numpy()
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


def _load(args, report: dict[str, ProgramReport]) -> list:
    """Sources, with load errors recorded in ``report`` (keyed by the file's stem, or its path
    where the stem names a program too)."""
    failed = []

    def on_error(path, err):
        failed.append((Path(path), err))
        log.warning("%s", err)

    sources = load_sources(args.sources, on_error=on_error, builtin=args.builtin)
    names = {s.name for s in sources}
    for path, err in failed:
        key = path.stem if path.stem not in names and path.stem not in report else str(path)
        report[key] = ProgramReport(status=status_of(err), log=str(err), origin=str(path))
    return sources


def _compile(renderer: Renderer, sources, args, report) -> list:
    """Load every program into the renderer (with a progress bar); their reports."""
    with tqdm(total=len(sources), unit="prog", desc="compiling", disable=args.quiet,
              file=sys.stderr) as bar:
        programs = renderer.load(sources, progress=lambda done, total: bar.update(1))
    for state in programs:
        original = state.source.original_name
        report[state.name] = ProgramReport(
            status=state.status, log=state.log, origin=state.origin,
            name=original if original != state.name else "")
    return programs


_RENDER_FAILURES = (TIMEOUT, CRASH, LOOP_CAPPED)


def _skip_earlier_failures(renderer: Renderer, args, report) -> list:
    """Programs that failed while rendering in an earlier run into this folder (same
    parameters: checked on open) keep that status instead of costing their deadline again.
    Returns the programs' statuses after that."""
    path = args.out / "report.json"
    if args.retry_failed or args.overwrite or not path.is_file():
        return renderer.programs()
    try:
        earlier = json.loads(path.read_text())
    except (OSError, ValueError):
        return renderer.programs()
    for state in renderer.programs():
        entry = earlier.get(state.name) or {}
        if state.ok and entry.get("status") in _RENDER_FAILURES:
            log_text = f"{entry.get('log', '')} (in an earlier run; --retry-failed to try again)"
            renderer.exclude(state.index, entry["status"], log_text)
            report[state.name].status, report[state.name].log = entry["status"], log_text
    return renderer.programs()


def _todo(folder: OutputFolder, jobs: list[Job], names: list[str], args, report) -> list[Job]:
    """Jobs whose image is not already on disk and sound; the others are accounted."""
    done = folder.finished(forget=args.overwrite)
    todo = []
    for job in jobs:
        entry = done.get(str(job.path.relative_to(folder.root)))
        obs = None if args.overwrite else folder.check_image(job.path, entry, args.resolution)
        if obs is None:
            todo.append(job)
        elif len(job.programs) == 1:
            report[names[job.programs[0]]].observe(obs)
    return todo


def _render_all(renderer, writer, todo, args, report, done_before) -> None:
    bar = tqdm(total=len(todo) + done_before, initial=done_before, unit="img", desc="rendering",
               disable=args.quiet, file=sys.stderr)
    per_batch = max(1, args.batch_size // max(1, args.mixup or args.cutmix or 1))
    with bar:
        for i in range(0, len(todo), per_batch):
            for job, image in _render_batch(renderer, todo[i:i + per_batch], args, report):
                obs = Observation.of(image)
                writer.submit(job.path, image, obs)
                if len(job.programs) == 1:
                    report[renderer.program(job.programs[0]).name].observe(obs)
                bar.update(1)


def run(args) -> int:
    rank, world = ranks.rank_and_world()
    with ranks.process_group(world):
        folder = OutputFolder(args.out, rank)
        try:
            stale = folder.open()
            folder.check_params(render_params(args), overwrite=args.overwrite)
            problem = None
        except OutputError as err:
            problem = str(err)
        if not ranks.all_ok(problem is None, world):
            print(f"error: {problem or 'another rank could not open the output folder'}",
                  file=sys.stderr)
            folder.close()
            return 2
        if stale:
            log.info("removed %d unfinished temporary files of an earlier run", stale)
        try:
            return _run_in(folder, args, rank, world)
        finally:
            folder.close()


def _run_in(folder: OutputFolder, args, rank: int, world: int) -> int:
    report: dict[str, ProgramReport] = {}
    sources = _load(args, report)
    renderer = Renderer(RendererConfig(device=args.device, batch_timeout_s=args.timeout,
                                       image_timeout_s=args.image_timeout, fps=args.fps))
    writer = ImageWriter(args.format, args.quality, tmp_prefix=folder.tmp_prefix,
                         on_written=folder.record)
    code, names = 0, []
    try:
        log.info("device: %s", renderer.device_name)
        _compile(renderer, sources, args, report)
        programs = _skip_earlier_failures(renderer, args, report)
        names = [p.name for p in programs]
        jobs = plan_jobs(programs, args, _sampling(args), rank, world)
        todo = _todo(folder, jobs, names, args, report)
        _render_all(renderer, writer, todo, args, report, len(jobs) - len(todo))
    except KeyboardInterrupt:
        code = INTERRUPTED
    except (OutputError, ConfigError, TranspileError, RenderError) as err:
        print(f"error: {err}", file=sys.stderr)
        code = 1 if isinstance(err, RenderError) and not isinstance(err, OutputError) else 2
    finally:
        code = _finish(renderer, writer, folder, report, args, world, code)
    if code == 0 and args.contact_sheet and rank == 0:
        write_contact_sheet(args.out, names, args.format)
    return code


def _finish(renderer, writer, folder, report, args, world, code) -> int:
    """Whatever happened: finish the writes already queued, record failures, close the
    renderer and write the report (merged on rank 0)."""
    try:
        writer.close()
    except OutputError as err:
        print(f"error: {err}", file=sys.stderr)
        code = code or 2
    for state in renderer.programs():
        if state.name not in report:
            continue
        if state.status != "ok":
            report[state.name].status, report[state.name].log = state.status, state.log
        if state.seconds_per_image is not None:
            report[state.name].device_ms_per_image = 1e3 * state.seconds_per_image
    renderer.close()
    parts = ranks.gather_to_rank0({k: v.to_json() for k, v in report.items()}, world)
    if parts is not None:
        merged = dict(sorted(merge_entries(parts).items()))
        atomic_write_bytes(args.out / "report.json", _json(merged))
        ok = sum(1 for entry in merged.values() if entry["status"] == "ok")
        if code == INTERRUPTED:
            print(f"interrupted: report written; run the same command again to resume "
                  f"({ok}/{len(merged)} programs ok so far)", file=sys.stderr)
        elif code == 0:
            print(f"{ok}/{len(merged)} programs ok; images in {args.out}")
    return code


def _json(obj) -> bytes:
    return json.dumps(obj, indent=1).encode()


def _print_devices() -> int:
    from .device import list_devices

    for d in list_devices():
        print(f"[{d.index}] {d.name} ({d.kind}), subgroup size {d.subgroup_size}, "
              f"quad ops {'yes' if d.quad_ops else 'no'}")
    return 0


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the run as Ctrl-C does: report written, resumable


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list_devices:
        return _print_devices()
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    except RenderError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
