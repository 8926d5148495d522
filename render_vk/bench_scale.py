"""``python -m render_vk.bench_scale --programs 1000,5000,21000``: loading and rendering a corpus of
N distinct programs, cold and warm, against the built-in pack's 56.

The corpus needs no third-party code: the built-in pack's 56 programs, each copy with its own
constant (a sub-pixel offset of the pixel coordinate, so every copy compiles to its own kernel),
written as N files into a folder. For each N, in a fresh process each (so that peak memory is
that phase's own):

- **cold**: an empty SPIR-V cache: read, transpile, compile and record every program;
- **warm**: the same cache again (what a second run over a corpus costs);
- then, in the warm process: the time to the first image (a batch of random programs) and
  images/s of random-program batches, drawn uniformly over all N programs and shard by shard
  (``--shard``, two whole shard stretches, each paying for its shard's pipelines), next to the
  same figure with the 56 built-in programs in that process.

Peak RSS is the main process's (compile workers are separate processes, each under its own
memory limit). ``--json FILE`` writes every figure.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from glsl_transpile import load_builtin_pack, load_sources
from glsl_transpile.plumbing import command_line

from .config import RendererConfig, RenderRequest
from .program_draws import ProgramDraws
from .renderer import Renderer
from .writer import atomic_write_bytes

_MAIN_RE = re.compile(r"\bmainImage\s*\(")
_COORD_RE = re.compile(r"\b(gl_FragCoord|FC)\b")


def variant(src, i: int) -> str:
    """``src``'s code with its pixel coordinate offset by a constant of its own (i)."""
    offset = f"{(i + 1) * 1e-6:.7f}"
    if src.kind == "shadertoy":
        code = _MAIN_RE.sub("_benchImage(", src.code, count=1)
        return code + (f"\nvoid mainImage(out vec4 c, in vec2 f) "
                       f"{{ _benchImage(c, f + vec2({offset})); }}\n")
    return _COORD_RE.sub(lambda m: f"({m.group(1)}+vec4({offset},0.,0.,0.))", src.code)


def write_corpus(folder: Path, count: int) -> None:
    """``count`` distinct programs made from the built-in pack, into ``folder`` (the TwiGL
    modes are detected from the code, as for any folder of programs)."""
    pack = load_builtin_pack()
    for i in range(count):
        src = pack[i % len(pack)]
        sub = folder
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{src.name}_{i:06d}.glsl").write_text(variant(src, i))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _throughput(renderer: Renderer, draws: ProgramDraws, ids: list[int], args, *,
                first_image: int, batches: int) -> float:
    """Images/s of ``batches`` batches of ``args.batch_size`` images from ``draws``, from image
    ``first_image`` on (after one warm-up batch before it)."""
    res, size = args.resolution, args.batch_size

    def request(first: int) -> RenderRequest:
        progs = [ids[int(draws.draw(first + j)[0])] for j in range(size)]
        return RenderRequest(progs, [1.0 + 0.01 * j for j in range(size)], res, res)

    renderer.render(request(max(0, first_image - size)))  # warm up
    start = time.perf_counter()
    for b in range(batches):
        renderer.render(request(first_image + b * size))
    return batches * size / (time.perf_counter() - start)


def phase(args) -> dict:
    """One measured phase in this process (see the module doc)."""
    cfg = RendererConfig(cache_dir=args.cache, pipeline_budget=args.budget)
    out = {}
    start = time.perf_counter()
    sources = load_sources([args.corpus])
    out["read_s"] = time.perf_counter() - start
    with Renderer(cfg) as renderer:
        loaded = renderer.load(sources)
        out["load_s"] = time.perf_counter() - start
        ids = [p.index for p in loaded if p.ok]
        out["ok"], out["programs"] = len(ids), len(loaded)
        first = time.perf_counter()
        draws = ProgramDraws(len(ids), seed=1)
        renderer.render(RenderRequest([ids[int(draws.draw(j)[0])] for j in range(args.batch_size)],
                                      [1.0] * args.batch_size, args.resolution, args.resolution))
        out["first_image_s"] = time.perf_counter() - first
        out["time_to_first_image_s"] = time.perf_counter() - start
        if args.phase == "warm":
            out.update(_rates(renderer, ids, draws, args))
    if args.phase == "warm":
        with Renderer(cfg) as pack_renderer:
            pack = pack_renderer.load(load_builtin_pack())
            pids = [p.index for p in pack if p.ok]
            out["pack_images_per_s"] = _throughput(
                pack_renderer, ProgramDraws(len(pids), 1), pids, args,
                first_image=len(pids) * 4, batches=args.batches)
    out["peak_rss_mb"] = _rss_mb()
    return out


def _rates(renderer: Renderer, ids: list[int], draws: ProgramDraws, args) -> dict:
    """Uniform draws over all programs (every batch meets programs without a pipeline), and
    shard draws over two whole shard stretches (each pays its shard's pipelines once)."""
    uniform = _throughput(renderer, draws, ids, args, first_image=args.batch_size,
                          batches=args.batches)
    shard = ProgramDraws(len(ids), seed=1, shard_size=args.shard,
                         shard_images=args.shard_images)
    stretches = 2 * args.shard_images // args.batch_size
    sharded = _throughput(renderer, shard, ids, args, first_image=args.shard_images,
                          batches=stretches)
    return {"uniform_images_per_s": uniform, "sharded_images_per_s": sharded,
            "pipelines_created": renderer.status().pipelines_created}


def _child(args, corpus: Path, cache: Path, which: str) -> dict:
    cmd = [sys.executable, "-m", "render_vk.bench_scale", "--phase", which, "--corpus",
           str(corpus), "--cache", str(cache), "--resolution", str(args.resolution),
           "--batch-size", str(args.batch_size), "--batches", str(args.batches),
           "--shard", str(args.shard), "--shard-images", str(args.shard_images)]
    if args.budget:
        cmd += ["--budget", str(args.budget)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{which} phase failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _row(n: int, cold: dict, warm: dict) -> str:
    ratio_u = warm["uniform_images_per_s"] / warm["pack_images_per_s"]
    ratio_s = warm["sharded_images_per_s"] / warm["pack_images_per_s"]
    return (f"{n:>7d} {cold['load_s']:8.1f} {warm['load_s']:8.1f} {cold['peak_rss_mb']:8.0f} "
            f"{warm['peak_rss_mb']:8.0f} {warm['time_to_first_image_s']:8.2f} "
            f"{warm['pack_images_per_s']:8.1f} {warm['uniform_images_per_s']:8.1f} "
            f"({ratio_u:4.2f}) {warm['sharded_images_per_s']:8.1f} ({ratio_s:4.2f})")


def parse_args(argv):
    ap = command_line.new_parser("python -m render_vk.bench_scale", __doc__)
    ap.add_argument("--programs", default="1000,5000,21000", help="corpus sizes N, "
                                                                    "comma-separated")
    ap.add_argument("--resolution", type=int, default=64, help="image side (default 64)")
    ap.add_argument("--batch-size", type=int, default=64, help="images per batch (default 64)")
    ap.add_argument("--batches", type=int, default=10,
                    help="timed batches of uniform draws and of the pack (default 10)")
    ap.add_argument("--shard", type=int, default=64, help="programs a shard (default 64)")
    ap.add_argument("--shard-images", type=int, default=4096,
                    help="images drawn from a shard before the next (default 4096: 64 a "
                         "program); two whole shard stretches are timed")
    ap.add_argument("--budget", type=int, default=None, help="pipeline budget (default: the "
                                                             "renderer's, 256 on a CPU)")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    ap.add_argument("--phase", choices=["cold", "warm"], help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        print(json.dumps(phase(args)))
        return 0
    sizes = [int(n) for n in args.programs.split(",")]
    results = {}
    print(f"{'N':>7s} {'cold s':>8s} {'warm s':>8s} {'cold MB':>8s} {'warm MB':>8s} "
          f"{'1st img':>8s} {'56 img/s':>8s} {'uniform img/s':>15s} {'sharded img/s':>15s}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            corpus, cache = Path(tmp) / f"corpus{n}", Path(tmp) / f"cache{n}"
            write_corpus(corpus, n)
            cold = _child(args, corpus, cache, "cold")
            warm = _child(args, corpus, cache, "warm")
            results[n] = {"cold": cold, "warm": warm}
            print(_row(n, cold, warm), flush=True)
    if args.json:
        atomic_write_bytes(args.json, json.dumps(results, indent=1).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
