"""``python -m glsl_transpile.synth --count N --seed S --out DIR``: write generated programs.

Writes ``DIR/<name>.glsl`` for the programs of seeds S .. S+N-1 (standalone Shadertoy programs,
theta baked in), ``DIR/programs.list`` (a manifest every source loader accepts) and
``DIR/programs.jsonl`` (one JSON object per program: seed, generator version, structure, recipe,
cost and theta with names and priors; JSON Lines, which the folder loader does not take for a
program). Files are written atomically; running again rewrites the same bytes.
Nothing is compiled or rendered here: see ``python -m eval.curate`` for that.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..plumbing.atomic import write_bytes
from ..plumbing import command_line
from . import GENERATOR_VERSION, generate_many

MANIFEST = "programs.list"
DETAILS = "programs.jsonl"


def write_programs(count: int, seed: int, out: Path) -> list[Path]:
    """Generate and write the programs; returns the paths of the program files."""
    programs = generate_many(count, seed)
    paths = []
    for program in programs:
        path = out / f"{program.source.name}.glsl"
        write_bytes(path, program.source.code.encode("utf-8"))
        paths.append(path)
    header = (f"# {count} programs of glsl_transpile.synth version {GENERATOR_VERSION}, "
              f"seeds {seed}..{seed + count - 1}\n")
    write_bytes(out / MANIFEST, (header + "".join(f"{p.name}\n" for p in paths)).encode())
    lines = "".join(json.dumps(p.manifest_entry()) + "\n" for p in programs)
    write_bytes(out / DETAILS, lines.encode())
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = command_line.new_parser("python -m glsl_transpile.synth", __doc__)
    ap.add_argument("--count", type=int, required=True, help="number of programs")
    ap.add_argument("--seed", type=int, default=0, help="seed of the first program")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    args = ap.parse_args(argv)
    if args.count < 1 or args.seed < 0:
        ap.error("--count must be >= 1 and --seed >= 0")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        paths = write_programs(args.count, args.seed, args.out)
    except OSError as err:
        print(f"error: cannot write to {args.out}: {err}", file=sys.stderr)
        return 2
    print(f"{len(paths)} programs (generator version {GENERATOR_VERSION}) -> {args.out}; "
          f"manifest {args.out / MANIFEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
