"""``python -m render_vk.render SOURCE... --out DIR --resolution R``: batch render to disk.

Output (docs/DESIGN.md): ``OUT/<program>/<k:06d>.<png|jpg>`` (k = sample index of that
program) or, with ``--layout flat`` and for MixUp/CutMix images, ``OUT/<k:06d>.<ext>``; and
``OUT/report.json`` keyed by program folder: ``{"status", "log", "seconds", "constant",
"static"}`` plus ``images``, ``origin`` (the program's source), ``name`` (its own name where the
folder name differs), ``device_ms_per_image`` (device time per image from the dispatch
timestamps, null when the device does not time dispatches) and ``dropped``; and, once a run
has finished, ``OUT/manifest.jsonl`` (``manifest.py``: each image's programs, times and MixUp
weights).

Programs whose probe images are all one colour (constant) or all identical (static) are left
out by default and reported (``dropped``, and in the summary line): ``hygiene.py``;
``--keep-constant`` / ``--keep-static`` keep them.

Every image is a pure function of (seed, program, sample index): a run killed at any moment
(Ctrl-C and SIGTERM included: the report is written and the run says how to resume) and started
again keeps the images already on disk that check out, and ends with the same files as an
uninterrupted run. A resume with other parameters is refused (``--overwrite`` to render again).
Images are encoded and written on other threads; under ``torchrun`` each rank renders its own
share of the programs (or images) and rank 0 writes the merged report.
"""
from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path

from tqdm import tqdm

from glsl_transpile import TranspileError, load_sources
from glsl_transpile.multipass import input_report
from glsl_transpile.plumbing import command_line
from glsl_transpile.sources import bind_noise_channels
from glsl_transpile.plumbing.config import ConfigError
from glsl_transpile.status import CRASH, LOOP_CAPPED, TIMEOUT, status_of

from . import ranks
from .config import RendererConfig
from .errors import RenderError
from .hygiene import summary
from .jobs import plan_jobs, probe_jobs
from .manifest import Manifest, write_manifest
from .outdir import OutputFolder
from .render_options import drop_rules, parse_args, render_params, sampling
from .render_passes import DiskRun
from .renderer import Renderer
from .report import ProgramReport, merge_entries, write_contact_sheet
from .writer import ImageWriter, OutputError, atomic_write_bytes

log = logging.getLogger("render_vk.render")
INTERRUPTED = 130


def _load(args, report: dict[str, ProgramReport]) -> list:
    """Sources, with load errors recorded in ``report`` (keyed by the file's stem, or its path
    where the stem names a program too)."""
    failed = []

    def on_error(path, err):
        failed.append((Path(path), err))
        log.warning("%s", err)

    sources = load_sources(args.sources, on_error=on_error, builtin=args.builtin)
    if args.noise_channels:
        sources = [bind_noise_channels(s) for s in sources]
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
            name=original if original != state.name else "",
            inputs=input_report(state.source))
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
                                       image_timeout_s=args.image_timeout, fps=args.fps,
                                       max_frames=args.max_frames))
    writer = ImageWriter(args.format, args.quality, tmp_prefix=folder.tmp_prefix,
                         on_written=folder.record)
    run = DiskRun(renderer, writer, folder, args, report, Manifest(folder.root, args))
    code = 0
    try:
        log.info("device: %s", renderer.device_name)
        _compile(renderer, sources, args, report)
        programs = _skip_earlier_failures(renderer, args, report)
        run.names = run.manifest.names = [p.name for p in programs]
        run.done = folder.finished(forget=args.overwrite)
        excluded = _hygiene(run, programs, rank, world)
        jobs = plan_jobs(programs, args, sampling(args), rank, world, dropped=excluded)
        run.render_all(run.todo(jobs), len(jobs))
    except KeyboardInterrupt:
        code = INTERRUPTED
    except (OutputError, ConfigError, TranspileError, RenderError) as err:
        print(f"error: {err}", file=sys.stderr)
        code = 1 if isinstance(err, RenderError) and not isinstance(err, OutputError) else 2
    finally:
        code = _finish(run, world, code)
    if code == 0 and args.contact_sheet and rank == 0:
        write_contact_sheet(args.out, run.names, args.format)
    return code


def _hygiene(run: DiskRun, programs, rank: int, world: int) -> frozenset[int]:
    """The programs left out: dropped by the probe (every rank's verdicts, where ranks share
    programs) or failed while it rendered."""
    args, rules = run.args, drop_rules(run.args)
    ok = [i for i, p in enumerate(programs) if p.status == "ok"]
    dropped: dict[int, str] = {}
    if rules.any:
        dropped = run.probe(probe_jobs(programs, ok, args, sampling(args), rank, world), rules)
        if args.total or args.mixup or args.cutmix:  # every rank draws from the same programs
            dropped = {p: why for part in ranks.all_gather(dropped, world)
                       for p, why in part.items()}
            for p, why in dropped.items():
                run.report[run.names[p]].dropped = why
    failed = {p for p in ok if not run.renderer.program(p).ok}
    return frozenset(dropped) | frozenset(failed)


def _finish(run: DiskRun, world: int, code: int) -> int:
    """Whatever happened: finish the writes already queued, record failures, close the
    renderer and write the report (merged on rank 0), and the manifest of a finished run."""
    args, report = run.args, run.report
    try:
        run.writer.close()
    except OutputError as err:
        print(f"error: {err}", file=sys.stderr)
        code = code or 2
    for state in run.renderer.programs():
        if state.name not in report:
            continue
        if state.status != "ok":
            report[state.name].status, report[state.name].log = state.status, state.log
        if state.seconds_per_image is not None:
            report[state.name].device_ms_per_image = 1e3 * state.seconds_per_image
        report[state.name].frames_simulated = state.frames_simulated
    run.renderer.close()
    parts = ranks.gather_to_rank0({k: v.to_json() for k, v in report.items()}, world)
    entries = ranks.gather_to_rank0(run.manifest.entries if code == 0 else [], world)
    if parts is not None:
        merged = dict(sorted(merge_entries(parts).items()))
        atomic_write_bytes(args.out / "report.json", _json(merged))
        if code == 0:
            write_manifest(args.out, entries)
        _summary(merged, args, code)
    return code


def _summary(merged: dict[str, dict], args, code: int) -> None:
    ok = sum(1 for entry in merged.values() if entry["status"] == "ok")
    dropped = summary({k: e["dropped"] for k, e in merged.items() if e.get("dropped")})
    counts = f"{ok}/{len(merged)} programs ok" + (f", {dropped}" if dropped else "")
    if code == INTERRUPTED:
        print(f"interrupted: report written; run the same command again to resume "
              f"({counts} so far)", file=sys.stderr)
    elif code == 0:
        print(f"{counts}; images in {args.out}")


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
    args = parse_args(argv, __doc__)
    if args.list_devices:
        return _print_devices()
    command_line.configure_logging(logging.WARNING if args.quiet else logging.INFO,
                                   "%(levelname)s %(name)s: %(message)s", force=False)
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
