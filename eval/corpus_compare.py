"""``python -m eval.corpus_compare NAME=SOURCE... --out DIR``: program corpora side by side.

For each corpus (any source the loaders take, e.g. ``synth=runs/curate/survivors.list``,
``pack=builtin``, ``web=path/to/shaders/``) it renders ``--programs`` random programs that
compile at ``--times`` and ``--resolution`` (the paper's Table 1 is at 384x384) and measures
per image: JPEG (quality 90) and gzip bytes, self-distance (two half-area crops, box-filtered
pixel distance) and colourfulness, plus the rendering speed of this renderer on that corpus
(images per second after compilation and a warm-up dispatch; programs that fail while rendering
are left out, so a corpus may show fewer than ``--programs``). Writes ``DIR/corpora.{json,md,
csv}``, ``DIR/histograms.png`` and, for ``--sheet NAME``, ``DIR/contact_sheet.png`` (one
image of each of 64 random programs of that corpus).
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np
import torch

from eval import atomic, report
from eval.pictures import contact_sheet
from eval.program_metrics import (colourfulness, gzip_bytes, jpeg_bytes, pixel_crop_distance,
                                  self_distance)
from eval.program_renders import render_programs
from glsl_transpile.plumbing import command_line

log = logging.getLogger("eval.corpus_compare")
METRICS = ("jpeg_kb", "gzip_kb", "self_distance", "colourfulness")
COLUMNS = ("corpus", "programs", "images", "jpeg_kb", "gzip_kb", "images_per_s",
           "self_distance", "colourfulness")


def load_corpus(source: str):
    """Sources of one corpus; ``builtin`` is the built-in pack."""
    from glsl_transpile import load_builtin_pack, load_sources

    if source == "builtin":
        return load_builtin_pack()
    return load_sources([source], on_error=lambda p, e: log.info("skipped %s", e))


def render_corpus(sources, count: int, times: list[float], res: int, seed: int):
    """(images (N, T, H, W, 3) uint8 of up to ``count`` random programs that compile and
    render, images per second of the measured requests)."""
    from render_vk import Renderer

    order = np.random.default_rng(seed).permutation(len(sources))
    with Renderer() as renderer:
        picked: list[int] = []
        for start in range(0, len(order), 2 * count):  # load more until enough compile
            base = len(renderer.programs())
            states = renderer.load([sources[i] for i in order[start:start + 2 * count]])
            picked += [base + k for k, s in enumerate(states) if s.status == "ok"]
            if len(picked) >= count:
                break
        renders = render_programs(renderer, picked[:count], times, res, batch_images=32)
    kept = [p for p in picked[:count] if p in renders.images]
    images = (np.stack([renders.images[p] for p in kept]) if kept
              else np.zeros((0, len(times), res, res, 3), np.uint8))
    return images, images.shape[0] * len(times) / max(renders.wall_s, 1e-9)


def image_rows(images: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Per-image metrics of ``(N, T, H, W, 3)`` images, flattened over programs and times."""
    flat = images.reshape(-1, *images.shape[2:])
    rng = np.random.default_rng(seed)
    return {
        "jpeg_kb": np.array([jpeg_bytes(im) / 1024 for im in flat]),
        "gzip_kb": np.array([gzip_bytes(im) / 1024 for im in flat]),
        "self_distance": np.array([self_distance(im[None], pixel_crop_distance, rng)
                                   for im in flat]),
        "colourfulness": np.array([colourfulness(im[None]) for im in flat]),
    }


def histogram_figure(path: Path, per_corpus: dict[str, dict[str, np.ndarray]]) -> Path:
    """One panel per metric, a density histogram per corpus."""
    plt = report._pyplot()
    fig, axes = plt.subplots(1, len(METRICS), figsize=(4 * len(METRICS), 3.2))
    for ax, metric in zip(axes, METRICS):
        values = np.concatenate([m[metric] for m in per_corpus.values()])
        bins = np.linspace(values.min(), values.max(), 30) if len(values) else 10
        for name, metrics in per_corpus.items():
            ax.hist(metrics[metric], bins=bins, density=True, alpha=0.45, label=name)
        ax.set_xlabel(metric)
    axes[0].set_ylabel("density")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    try:
        return atomic.save_figure(path, fig)
    finally:
        plt.close(fig)


def _parser() -> argparse.ArgumentParser:
    ap = command_line.new_parser("python -m eval.corpus_compare", __doc__)
    ap.add_argument("corpora", nargs="+", metavar="NAME=SOURCE",
                    help="a corpus: its name and any source the loaders take, or builtin")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--programs", type=int, default=64, help="random programs per corpus")
    ap.add_argument("--times", default="1.0,3.0", help="render times in seconds")
    ap.add_argument("--resolution", type=int, default=384, help="image side (Table 1: 384)")
    ap.add_argument("--sheet", default=None, help="corpus NAME of the 64-program contact sheet")
    ap.add_argument("--seed", type=int, default=0, help="seed of the program choice")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    torch.set_num_threads(1)
    times = [float(t) for t in args.times.split(",")]
    rows, per_corpus, sheets = [], {}, {}
    for item in args.corpora:
        name, sep, source = item.partition("=")
        if not sep:
            print(f"error: {item!r} is not NAME=SOURCE", file=sys.stderr)
            return 2
        images, speed = render_corpus(load_corpus(source), args.programs, times,
                                      args.resolution, args.seed)
        metrics = image_rows(images, args.seed)
        per_corpus[name], sheets[name] = metrics, images[:, 0]
        rows.append({"corpus": name, "programs": int(images.shape[0]),
                     "images": int(images.shape[0] * len(times)), "images_per_s": speed,
                     **{m: float(v.mean()) for m, v in metrics.items()}})
    args.out.mkdir(parents=True, exist_ok=True)
    report.write_json(args.out / "corpora.json", {"rows": rows, "times_s": times,
                                                   "resolution": args.resolution})
    report.write_tables(args.out / "corpora", rows, COLUMNS)
    histogram_figure(args.out / "histograms.png", per_corpus)
    if args.sheet:
        chosen = np.random.default_rng(args.seed).permutation(len(sheets[args.sheet]))[:64]
        sheet = contact_sheet([sheets[args.sheet][i] for i in chosen], cols=8, cell=96)
        atomic.save_image(args.out / "contact_sheet.png", sheet)
    print(report.markdown_table(rows, COLUMNS), end="")
    print(f"tables and figures in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
