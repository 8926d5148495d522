"""Pictures for people: contact sheets of random samples and galleries of programs sorted by score.

``python -m eval.pictures contact SOURCE --out sheet.png``: SOURCE is a program folder
(``<k:06d>.png`` files), a render output folder (one random sample per program) or a dataset
name (``digits``, ``mnist``, ``fashion_mnist``, or ``imagefolder`` with ``--data-root``).
``python -m eval.pictures gallery OUT --scores CSV --out gallery.png``: one row per program,
best score first, with its name and score above a strip of samples.
"""
from __future__ import annotations

import argparse
import logging
import math
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw

from eval import atomic, cli, report
from eval.config import DataConfig
from eval.datasets import DATASETS, load_split
from eval.errors import USER_ERRORS, ConfigError
from eval.program_folders import list_programs, read_program_images, sample_files
from glsl_transpile.plumbing import command_line

log = logging.getLogger(__name__)
PAD = 2
LABEL_HEIGHT = 14


def contact_sheet(images: Sequence[np.ndarray], *, cols: int = 8, cell: int = 64) -> Image.Image:
    """Tiles ``(H, W, 3) uint8`` images row-major on a white canvas.

    Size: ``PAD + cols * (cell + PAD)`` by ``PAD + ceil(n / cols) * (cell + PAD)``.
    """
    rows = max(1, math.ceil(len(images) / cols))
    canvas = Image.new("RGB", (PAD + cols * (cell + PAD), PAD + rows * (cell + PAD)), "white")
    for i, image in enumerate(images):
        tile = Image.fromarray(np.asarray(image, np.uint8)).convert("RGB")
        canvas.paste(tile.resize((cell, cell), Image.BILINEAR),
                     (PAD + (i % cols) * (cell + PAD), PAD + (i // cols) * (cell + PAD)))
    return canvas


def gallery(entries: Sequence[tuple[str, float | None, np.ndarray]], *, per_row: int = 6,
            cell: int = 64) -> Image.Image:
    """One labelled strip per ``(name, score, images (N, H, W, 3) uint8)``, in the given order."""
    strip_h = LABEL_HEIGHT + cell + PAD
    width = PAD + per_row * (cell + PAD)
    canvas = Image.new("RGB", (width, PAD + len(entries) * strip_h), "white")
    draw = ImageDraw.Draw(canvas)
    for r, (name, score, images) in enumerate(entries):
        top = PAD + r * strip_h
        label = name if score is None else f"{name}  {report.format_cell(float(score))}"
        draw.text((PAD, top), label, fill=(0, 0, 0))
        for j, image in enumerate(images[:per_row]):
            tile = Image.fromarray(np.asarray(image, np.uint8)).resize((cell, cell),
                                                                         Image.BILINEAR)
            canvas.paste(tile, (PAD + j * (cell + PAD), top + LABEL_HEIGHT))
    return canvas


def sample_source(source: str, n: int, seed: int, data_root: str = "") -> list[np.ndarray]:
    """``n`` random images (seeded) from a program folder, render output or dataset name."""
    rng = np.random.default_rng(seed)
    path = Path(source)
    if source in DATASETS:
        split = load_split(DataConfig(name=source, root=data_root, resolution=64), "train")
        picks = rng.choice(len(split), size=min(n, len(split)), replace=False)
        return [split.image(int(i)) for i in picks]
    if path.is_dir() and sample_files(path):
        files = sample_files(path)
        picks = sorted(rng.choice(len(files), size=min(n, len(files)), replace=False))
        return [np.array(Image.open(files[i]).convert("RGB")) for i in picks]
    if path.is_dir():
        programs = list_programs(path)
        picks = rng.choice(len(programs), size=min(n, len(programs)), replace=False)
        return [_random_sample(programs[i], rng) for i in sorted(picks)]
    raise ConfigError(f"source: {source!r} is neither a folder nor a dataset name "
                      f"({', '.join(sorted(DATASETS))})")


def _random_sample(folder: Path, rng: np.random.Generator) -> np.ndarray:
    files = sample_files(folder)
    with Image.open(files[int(rng.integers(len(files)))]) as image:
        return np.array(image.convert("RGB"))


def gallery_entries(root: str, scores_csv: str, *, score_column: str = "score",
                    program_column: str = "program", per_row: int = 6,
                    limit: int = 50) -> list[tuple[str, float | None, np.ndarray]]:
    """Programs under ``root`` that have a score, best first, at most ``limit``."""
    scores = report.read_scores(scores_csv, program_column, score_column)
    programs = [p for p in list_programs(root) if p.name in scores]
    programs.sort(key=lambda p: -scores[p.name])
    return [(p.name, scores[p.name], read_program_images(p, per_row)) for p in programs[:limit]]


def _parser() -> argparse.ArgumentParser:
    parser = command_line.new_parser("python -m eval.pictures", __doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="{contact,gallery}")
    positive = command_line.positive_int
    contact = sub.add_parser("contact", help="contact sheet of random samples",
                             formatter_class=command_line.HelpFormatter)
    contact.add_argument("source", help="program folder, render output folder or dataset name")
    contact.add_argument("--data-root", default="", help="root for dataset sources (default: "
                                                          "the dataset's own location)")
    contact.add_argument("--count", type=positive, default=64, help="images on the sheet")
    contact.add_argument("--n", dest="count", type=positive, help=argparse.SUPPRESS)
    contact.add_argument("--cols", type=positive, default=8, help="images per row")
    contact.add_argument("--seed", type=int, default=0, help="seed of the random picks")
    show = sub.add_parser("gallery", help="programs sorted by score",
                          formatter_class=command_line.HelpFormatter)
    show.add_argument("root", help="render output folder OUT/<program>/<k>.png")
    show.add_argument("--scores", required=True, help="CSV with program and score columns")
    show.add_argument("--score-column", default="score", help="score column of --scores")
    show.add_argument("--program-column", default="program", help="program column of --scores")
    show.add_argument("--limit", type=positive, default=50, help="programs shown, best first")
    show.add_argument("--per-row", type=positive, default=6, help="samples per program")
    for p in (contact, show):
        p.add_argument("--out", required=True, help="PNG file to write")
        p.add_argument("--cell", type=positive, default=64, help="tile side in pixels")
        command_line.add_verbosity_arguments(p)
    return parser


def _picture(args: argparse.Namespace) -> Image.Image:
    if args.command == "contact":
        images = sample_source(args.source, args.count, args.seed, args.data_root)
        return contact_sheet(images, cols=args.cols, cell=args.cell)
    entries = gallery_entries(args.root, args.scores, score_column=args.score_column,
                              program_column=args.program_column, per_row=args.per_row,
                              limit=args.limit)
    return gallery(entries, per_row=args.per_row, cell=args.cell)


def main(argv: list[str] | None = None) -> int:
    """Entry point; 0 on success, 2 on a user-actionable error."""
    args = _parser().parse_args(argv)
    cli.configure_logging(command_line.log_level(args))

    def body() -> int:
        picture = _picture(args)
        atomic.save_image(args.out, picture)
        print(f"wrote {args.out} ({picture.size[0]}x{picture.size[1]})")
        return 0

    return command_line.guarded(body, usage_errors=USER_ERRORS)


if __name__ == "__main__":
    raise SystemExit(main())
