"""``python -m glsl_transpile SOURCE... [--out DIR]``: compile programs to SPIR-V kernels.

Parallel (threads), cached on disk, with a progress bar. Writes ``DIR/<name>.spv`` and
``DIR/report.json`` (per program: status, log, seconds). Bad programs are reported, not fatal,
unless ``--strict``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from . import SpirvCache, compile_programs, load_builtin_pack, load_sources
from .plumbing.atomic import write_bytes
from .errors import ShaderCompileError, TranspileError


def _status(err: TranspileError | None) -> str:
    if err is None:
        return "ok"
    return "compile_error" if isinstance(err, ShaderCompileError) else "unsupported"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m glsl_transpile", description=__doc__)
    ap.add_argument("sources", nargs="*", help="program files, folders or manifests")
    ap.add_argument("--builtin", action="store_true", help="the built-in pack")
    ap.add_argument("--out", type=Path, help="write <name>.spv and report.json here")
    ap.add_argument("--jobs", type=int, default=None, help="compiler threads (default: cores)")
    ap.add_argument("--cache", type=Path, default=None, help="SPIR-V cache folder")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--strict", action="store_true", help="exit 1 if any program fails")
    args = ap.parse_args(argv)
    if not args.sources and not args.builtin:
        ap.error("give SOURCE paths or --builtin")

    load_errors: dict[str, str] = {}
    sources = load_builtin_pack() if args.builtin else []
    sources += load_sources(args.sources,
                            on_error=lambda p, e: load_errors.__setitem__(str(p), str(e)))
    cache = None if args.no_cache else SpirvCache(args.cache)
    with tqdm(total=len(sources), unit="prog", file=sys.stderr) as bar:
        results = compile_programs(sources, cache=cache, jobs=args.jobs,
                                   progress=lambda r: bar.update(1))
    report = {path: {"status": "load_error", "log": msg} for path, msg in load_errors.items()}
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for r in results:
        report[r.source.name] = {"status": _status(r.error), "seconds": round(r.seconds, 4),
                                 "cached": r.cached, "log": getattr(r.error, "log", "")
                                 or (str(r.error) if r.error else ""), "origin": r.source.origin}
        if args.out and r.ok:
            write_bytes(args.out / f"{r.source.name}.spv", r.spirv)
    ok = sum(1 for r in results if r.ok)
    for r in results:
        if not r.ok:
            print(f"FAILED {r.error}", file=sys.stderr)
    for path, msg in load_errors.items():
        print(f"FAILED {msg}", file=sys.stderr)
    if args.out:
        write_bytes(args.out / "report.json", json.dumps(report, indent=1).encode())
    print(f"{ok}/{len(results) + len(load_errors)} programs compiled"
          + (f" -> {args.out}" if args.out else ""))
    return 1 if args.strict and ok != len(results) + len(load_errors) else 0


if __name__ == "__main__":
    sys.exit(main())
