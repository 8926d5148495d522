"""``python -m eval.curate SOURCE... --out DIR``: keep the programs worth training on.

SOURCE is anything the loaders take: program files, folders, manifests, Shadertoy JSON, or a
spec of generated programs (``synth:10000@7``). Each program is compiled, rendered at fixed
times and judged (``eval.curation``: compile errors, constant, static, slow, low diversity,
near-duplicates). Writes:

- ``DIR/programs/<name>.glsl``: each surviving Shadertoy program (a Common pass put first),
  and ``DIR/survivors.list``, a manifest of them (TwiGL survivors are listed by their path);
- ``DIR/curation.json``: counts per reason, share surviving, wall time per phase, compile
  cache hits, and every program's verdict and metrics;
- the run record (config, git revision, command line) of ``eval.cli.record_run``.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time
from pathlib import Path

from tqdm import tqdm

from eval import atomic, cli, report
from eval.curation import KEPT, CurationConfig, count_reasons, curate
from glsl_transpile.plumbing import command_line

log = logging.getLogger("eval.curate")


def _parser() -> argparse.ArgumentParser:
    ap = command_line.new_parser("python -m eval.curate", __doc__)
    ap.add_argument("sources", nargs="+", help="program files, folders, manifests or synth specs")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--resolution", type=int, default=CurationConfig.resolution,
                    help="side of the judged renders")
    ap.add_argument("--times", default=",".join(str(t) for t in CurationConfig.times_s),
                    help="fixed render times in seconds, comma-separated")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="any CurationConfig field, e.g. --set slow_factor=20")
    ap.add_argument("--cache", default=None, help="SPIR-V cache folder (default: the user's)")
    ap.add_argument("--no-cache", action="store_true", help="compile without the SPIR-V cache")
    ap.add_argument("--quiet", action="store_true", help="no progress bars, warnings only")
    return ap


def write_survivors(out: Path, sources, outcomes) -> list[str]:
    """Program files of the survivors and the manifest; returns the manifest's lines."""
    lines = []
    for src, outcome in zip(sources, outcomes):
        if outcome.status != KEPT:
            continue
        if src.kind == "shadertoy":
            code = (src.common + "\n" + src.code) if src.common else src.code
            atomic.write_bytes(out / "programs" / f"{src.name}.glsl", code.encode("utf-8"))
            lines.append(f"programs/{src.name}.glsl")
        elif Path(src.origin).is_file():
            lines.append(str(Path(src.origin).resolve()))
        else:
            log.warning("%s: kept, but has no file to list (origin %s)", src.name, src.origin)
    atomic.write_bytes(out / "survivors.list", "".join(f"{ln}\n" for ln in lines).encode())
    return lines


def curation_config(args) -> CurationConfig:
    """The config of the command line: --resolution, --times, then each --set FIELD=VALUE.

    Raises:
        ValueError: an unknown field or a value of the wrong type (names the field).
    """
    times = tuple(float(t) for t in args.times.split(","))
    cfg = dataclasses.replace(CurationConfig(), resolution=args.resolution, times_s=times)
    fields = {f.name: type(getattr(cfg, f.name)) for f in dataclasses.fields(cfg)}
    for item in args.set:
        name, _, value = item.partition("=")
        if name not in fields or fields[name] is tuple:
            raise ValueError(f"--set {item}: settable fields are "
                             f"{', '.join(n for n, t in fields.items() if t is not tuple)}")
        try:
            cfg = dataclasses.replace(cfg, **{name: fields[name](value)})
        except ValueError as err:
            raise ValueError(f"--set {item}: {err}") from None
    return cfg


def run(args, argv) -> int:
    from glsl_transpile import SpirvCache, load_sources

    cfg = curation_config(args)
    cli.record_run(args.out, cfg, argv)
    t0 = time.perf_counter()
    sources = load_sources(args.sources, on_error=lambda p, e: log.warning("%s", e))
    load_s = time.perf_counter() - t0
    cache = None if args.no_cache else SpirvCache(args.cache)
    with tqdm(total=len(sources), unit="prog", disable=args.quiet, file=sys.stderr) as bar:
        result = curate(sources, cfg, cache=cache, progress=bar.update)
    lines = write_survivors(args.out, sources, result.outcomes)
    counts = count_reasons(result.outcomes)
    seconds = {"load": load_s, **result.seconds, "total": time.perf_counter() - t0}
    summary = {"programs": len(sources), "survivors": counts[KEPT],
               "share_surviving": counts[KEPT] / max(1, len(sources)), "counts": counts,
               "seconds": seconds, "compile_cache_hits": result.cache_hits,
               "compile_cache_hit_rate": result.cache_hits / max(1, result.compiled)}
    payload = {**summary, "config": dataclasses.asdict(cfg), "sources": args.sources,
               "outcomes": {o.name: o.to_json() for o in result.outcomes}}
    report.write_json(args.out / "curation.json", payload)
    rows = [{"reason": k, "programs": v} for k, v in counts.items()]
    print(report.markdown_table(rows, ("reason", "programs")), end="")
    print(f"{len(lines)}/{len(sources)} programs kept ({summary['share_surviving']:.1%}) in "
          f"{seconds['total']:.1f} s; compile cache hits {result.cache_hits}/{result.compiled}"
          f"; survivors: {args.out / 'survivors.list'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return run(args, argv)
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
