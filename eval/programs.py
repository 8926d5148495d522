"""``python -m eval.programs OUT``: metrics of every rendered program folder, as CSV, JSON, plots.

For each ``OUT/<program>/`` (first ``n_images`` samples): gzip / JPEG bytes per image, the
constant / static flags, colour statistics, intra-image self-distance (two half-area crops) and,
given ``--reference DIR``, the Frechet distance to the reference images. The spaces used are
written into ``programs.json`` under ``"spaces"``; without LPIPS / Inception weights the stand-in
is our encoder, or a seeded random-init ResNet-18 when no ``--checkpoint`` is given (labelled).
With ``--scores CSV`` each metric is plotted against the score column (Spearman in the title).
OUT may also be a source that is not yet rendered (a ``synth:COUNT@SEED`` spec, a program file
or a manifest): it is rendered first into ``<out_dir>/rendered`` (``n_images`` samples per
program at ``render_resolution``) with ``python -m render_vk.render``, resumably.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import zlib
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from eval import cli, report
from eval.backbones import load_backbone
from eval.config import BackboneConfig, FeatureConfig, as_dict, choose
from eval.errors import ConfigError, EvalError
from eval.feature_spaces import (DistanceSpace, EmbeddingSpace, cosine_space, encoder_space,
                                 inception_space, lpips_space)
from eval.program_folders import (list_programs, read_program_images, read_reference_images,
                                  read_render_report)
from eval.program_metrics import basic_metrics, frechet_distance, self_distance
from glsl_transpile.plumbing.progress import Meter, silent

log = logging.getLogger(__name__)

METRIC_COLUMNS = ("gzip_bytes", "jpeg_bytes", "constant", "static", "mean_r", "mean_g",
                  "mean_b", "std_r", "std_g", "std_b", "colour_spread", "saturation",
                  "self_distance", "frechet")
TABLE_COLUMNS = ("program", "n_images") + METRIC_COLUMNS + ("render_status", "score", "error")


@dataclasses.dataclass(frozen=True)
class ProgramsConfig:
    """``similarity``: encoder | lpips; ``frechet_space``: encoder | inception; ``size``: side of
    the encoder input for crops and Frechet features."""

    root: str = ""
    n_images: int = 16
    jpeg_quality: int = 90
    seed: int = 0
    size: int = 224
    backbone: BackboneConfig = BackboneConfig(random_init=True)
    features: FeatureConfig = FeatureConfig()
    similarity: str = "encoder"
    lpips_weights: str = ""
    lpips_alexnet: str = ""
    reference: str = ""
    reference_limit: int = 500
    render_resolution: int = 128  # when root is a source to render first
    frechet_space: str = "encoder"
    inception_weights: str = ""
    scores: str = ""
    score_column: str = "score"
    program_column: str = "program"
    out_dir: str = "eval_out/programs"


class _Spaces:
    """Builds the feature spaces lazily, so the encoder loads only when a metric needs it."""

    def __init__(self, cfg: ProgramsConfig):
        self.cfg = cfg
        self._encoder: EmbeddingSpace | None = None

    def encoder(self) -> EmbeddingSpace:
        if self._encoder is None:
            backbone = load_backbone(self.cfg.backbone)
            self._encoder = encoder_space(backbone, self.cfg.size, self.cfg.features.device)
        return self._encoder

    def similarity(self) -> DistanceSpace:
        builders: dict[str, Callable[[], DistanceSpace]] = {
            "encoder": lambda: cosine_space(self.encoder()),
            "lpips": lambda: lpips_space(self.cfg.lpips_weights, self.cfg.lpips_alexnet,
                                         self.cfg.size),
        }
        return choose(builders, self.cfg.similarity, key="similarity")()

    def frechet(self) -> EmbeddingSpace:
        builders: dict[str, Callable[[], EmbeddingSpace]] = {
            "encoder": self.encoder,
            "inception": lambda: inception_space(self.cfg.inception_weights,
                                                 self.cfg.features.device),
        }
        return choose(builders, self.cfg.frechet_space, key="frechet_space")()


def embed_array(space: EmbeddingSpace, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """``(N, H, W, 3) uint8`` -> ``(N, D) float32`` features in ``space``."""
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)
    return torch.cat([space.embed(x[i:i + batch_size])
                      for i in range(0, len(x), batch_size)]).numpy()


def program_row(folder: Path, cfg: ProgramsConfig, similarity: DistanceSpace,
                frechet: tuple[EmbeddingSpace, np.ndarray] | None) -> dict[str, Any]:
    """All metrics of one program folder."""
    images = read_program_images(folder, cfg.n_images)
    row: dict[str, Any] = {"program": folder.name}
    row.update(basic_metrics(images, cfg.jpeg_quality))
    rng = np.random.default_rng([cfg.seed, zlib.crc32(folder.name.encode())])
    row["self_distance"] = self_distance(images, similarity.distance, rng)
    if frechet is not None:
        space, reference = frechet
        row["frechet"] = frechet_distance(embed_array(space, images), reference)
    return row


def rendered_root(cfg: ProgramsConfig) -> str:
    """``cfg.root`` as a render output folder: a source spec, program file or manifest is
    rendered first (see module doc). Raises EvalError if that rendering fails."""
    root = cfg.root
    if not (root.startswith("synth:") or Path(root).is_file()):
        return root
    from render_vk.render import main as render_main

    target = Path(cfg.out_dir) / "rendered"
    argv = [root, "--out", str(target), "--resolution", str(cfg.render_resolution),
            "--samples", str(cfg.n_images), "--seed", str(cfg.seed), "--quiet"]
    if render_main(argv) != 0:
        raise EvalError(f"root: rendering {root} into {target} failed")
    return str(target)


def measure_programs(cfg: ProgramsConfig, meter: Meter = silent) -> dict[str, Any]:
    """Rows for every program under ``cfg.root`` plus the labels of the spaces used.

    A program whose folder fails (EvalError) gets a row with ``error`` and the run goes on;
    ``meter`` shows the programs done.
    """
    if cfg.n_images < 1:
        raise ConfigError(f"n_images: must be >= 1, got {cfg.n_images}")
    cfg = dataclasses.replace(cfg, root=rendered_root(cfg))
    programs = list_programs(cfg.root)
    spaces = _Spaces(cfg)
    similarity = spaces.similarity()
    frechet = None
    meta = {"similarity": similarity.label}
    if cfg.reference:
        space = spaces.frechet()
        reference = read_reference_images(cfg.reference, space.size, cfg.reference_limit)
        frechet = (space, embed_array(space, reference))
        meta["frechet"] = f"{space.label}; reference {cfg.reference} ({len(reference)} images)"
    statuses = read_render_report(cfg.root)
    rows = []
    with meter(len(programs), "program metrics", "prog") as advance:
        for folder in programs:
            try:
                row = program_row(folder, cfg, similarity, frechet)
            except EvalError as err:
                log.warning("program %s: %s", folder.name, err)
                row = {"program": folder.name, "error": str(err)}
            row["render_status"] = statuses.get(folder.name, {}).get("status")
            rows.append(row)
            advance(1)
    return {"spaces": meta, "rows": rows}


def attach_scores(rows: list[dict[str, Any]], cfg: ProgramsConfig) -> None:
    """Add ``score`` from the user's CSV (``program_column``, ``score_column``) to each row."""
    scores = report.read_scores(cfg.scores, cfg.program_column, cfg.score_column)
    for row in rows:
        row["score"] = scores.get(row["program"])


def plot_against_score(rows: list[dict[str, Any]], out_dir: Path, score_name: str) -> list[Path]:
    """One scatter PNG per metric against the score, for programs that have both."""
    paths = []
    for metric in METRIC_COLUMNS:
        pairs = [(float(r[metric]), float(r["score"])) for r in rows
                 if r.get(metric) is not None and r.get("score") is not None]
        if len(pairs) >= 2:
            x, y = zip(*pairs)
            paths.append(report.scatter_plot(out_dir / f"scatter_{metric}.png", x, y,
                                              x_label=metric, y_label=score_name))
    return paths


def run_programs(cfg: ProgramsConfig, argv: list[str] | None = None,
                 meter: Meter = silent) -> dict[str, Any]:
    """Measure, join scores, write ``programs.{json,csv,md}`` and the scatter plots."""
    cli.record_run(cfg.out_dir, cfg, argv)
    result = measure_programs(cfg, meter)
    out_dir = Path(cfg.out_dir)
    if cfg.scores:
        attach_scores(result["rows"], cfg)
        result["plots"] = [str(p) for p in plot_against_score(result["rows"], out_dir,
                                                               cfg.score_column)]
        result["spearman"] = {m: report.spearman(
            [r.get(m) if r.get("score") is not None else None for r in result["rows"]],
            [r.get("score") for r in result["rows"]]) for m in METRIC_COLUMNS}
    result.update(config=as_dict(cfg), run=cli.run_metadata(argv))
    report.write_json(out_dir / "programs.json", result)
    report.write_tables(out_dir / "programs", result["rows"], TABLE_COLUMNS)
    return result


Flag = cli.Flag
PROGRAM_FLAGS = (
    Flag("--samples", "n_images", "samples per program measured (its first ones)", type=int,
         aliases=("--n-images",)),
    Flag("--resolution", "size", "encoder input side for the crops and Frechet features",
         type=int, aliases=("--size",)),
    Flag("--render-resolution", "render_resolution",
         "render size when root is a source to render first", type=int),
    Flag("--similarity", "similarity", "self-distance space: encoder | lpips"),
    Flag("--lpips-weights", "lpips_weights", "lpips package linear layers, e.g. alex.pth"),
    Flag("--lpips-alexnet", "lpips_alexnet", "torchvision AlexNet state dict for LPIPS"),
    Flag("--reference", "reference", "folder of reference images for the Frechet distance"),
    Flag("--frechet-space", "frechet_space", "encoder | inception"),
    Flag("--inception-weights", "inception_weights", "torchvision Inception-v3 state dict"),
    Flag("--scores", "scores", "CSV of per-program scores"),
    Flag("--score-column", "score_column", "score column of --scores"),
    Flag("--program-column", "program_column", "program column of --scores"),
)
FLAGS = (cli.OUT_FLAG, *cli.MODEL_FLAGS, *PROGRAM_FLAGS)


def _parser() -> argparse.ArgumentParser:
    parser = cli.new_parser("python -m eval.programs", __doc__, ProgramsConfig(), FLAGS,
                            example="jpeg_quality=75")
    parser.add_argument("root", nargs="?", help="render output folder OUT/<program>/<k>.png, "
                        "or a source to render first (synth:COUNT@SEED, a file, a manifest; "
                        "config root)")
    return parser


def _first_overrides(args: argparse.Namespace) -> list[str]:
    """The positional root, and a checkpoint's backbone instead of the random init."""
    out = [cli.quoted("root", args.root)] if args.root else []
    return out + (["backbone.random_init=false"] if args.flag_backbone__checkpoint else [])


def _show(cfg: ProgramsConfig, meter: Meter, argv: list[str] | None) -> int:
    result = run_programs(cfg, argv, meter)
    columns = ("program", "gzip_bytes", "jpeg_bytes", "constant", "static", "self_distance",
               "frechet", "score")
    print(report.markdown_table(result["rows"], columns), end="")
    print(f"results: {Path(cfg.out_dir) / 'programs.json'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; 0 on success, 2 on a user-actionable error."""
    return cli.run_entry(_parser(), argv, ProgramsConfig, FLAGS,
                         lambda cfg, meter: _show(cfg, meter, argv), first=_first_overrides)


if __name__ == "__main__":
    raise SystemExit(main())
