"""``python -m glsl_transpile SOURCE... [--out DIR]``: compile programs to SPIR-V kernels.

Compiles in sandboxed worker processes (deadline, memory and stack limits per program), cached
on disk, with a progress bar. Writes ``DIR/<name>.spv`` (a multi-pass program's Image pass; its
buffer passes in frame order as ``DIR/<name>-pass<i>.spv``) and ``DIR/report.json`` (per program:
status, log, seconds, cached, origin, original_name; statuses as in ``glsl_transpile.status``).
Bad programs are reported, not fatal, unless ``--strict``; a SOURCE that does not exist is an
error (exit 2).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from tqdm import tqdm

from . import SpirvCache, compile_programs, load_sources
from .plumbing import command_line
from .limits import CompileLimits
from .plumbing.atomic import write_bytes
from .program_names import output_file
from .sources import missing_inputs
from .status import OK, status_of


def _parse(argv):
    ap = command_line.new_parser("python -m glsl_transpile", __doc__)
    ap.add_argument("sources", nargs="*", help="program files, folders or manifests")
    ap.add_argument("--builtin", action="store_true", help="the built-in pack")
    ap.add_argument("--out", type=Path, help="write <name>.spv and report.json here (default: "
                                             "compile and report only)")
    ap.add_argument("--jobs", type=int, default=None, help="compile workers (default: cores)")
    ap.add_argument("--cache", type=Path, default=None, help="SPIR-V cache folder (default: "
                                                             "$GLSL_TRANSPILE_CACHE or ~/.cache/glsl_transpile)")
    ap.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    ap.add_argument("--deadline", type=float, default=CompileLimits.deadline_s,
                    help="seconds one program may take to compile (default %(default)s)")
    ap.add_argument("--strict", action="store_true", help="exit 1 if any program fails")
    args = ap.parse_args(argv)
    if not args.sources and not args.builtin:
        ap.error("give SOURCE paths or --builtin")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    missing = missing_inputs(args.sources)
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    report: dict[str, dict] = {}
    failures: list[str] = []

    def on_error(path, err) -> None:  # load_error, or unsupported (e.g. a Cube A pass)
        report[str(path)] = {"status": status_of(err), "log": str(err)}
        failures.append(f"{status_of(err)}: {err}")

    sources = load_sources(args.sources, on_error=on_error, builtin=args.builtin)
    cache = None if args.no_cache else SpirvCache(args.cache)
    with tqdm(total=len(sources), unit="prog", file=sys.stderr) as bar:
        results = compile_programs(sources, cache=cache, jobs=args.jobs,
                                   limits=CompileLimits(deadline_s=args.deadline),
                                   progress=lambda r: bar.update(1))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for r in results:
        report[r.source.name] = {
            "status": r.status, "seconds": round(r.seconds, 4), "cached": r.cached,
            "log": getattr(r.error, "log", "") or (str(r.error) if r.error else ""),
            "origin": r.source.origin, "original_name": r.source.original_name}
        if r.error:
            failures.append(f"{r.status}: {r.error}")
        if args.out and r.ok:
            write_bytes(Path(output_file(args.out, r.source.name, ".spv")), r.spirv)
            for i, spirv in enumerate(r.pass_spirv):
                write_bytes(Path(output_file(args.out, f"{r.source.name}-pass{i}", ".spv")),
                            spirv)
    for line in failures:
        print(f"FAILED {line}", file=sys.stderr)
    if args.out:
        write_bytes(args.out / "report.json", json.dumps(report, indent=1).encode())
    ok = sum(1 for e in report.values() if e["status"] == OK)
    print(f"{ok}/{len(report)} programs compiled" + (f" -> {args.out}" if args.out else ""))
    return 1 if args.strict and ok != len(report) else 0


if __name__ == "__main__":
    sys.exit(main())
