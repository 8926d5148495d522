"""The run behind ``python -m eval.predictor``: describe, fit on scored programs, rank the rest.

Reads ``ROOT/<program>/<k:06d>.png`` (first ``frames`` samples), embeds them with the encoder
(our checkpoint, or a labelled random-init ResNet-18), caches each program's frame features,
fits :class:`eval.predictor.ScorePredictor` on the programs named in the scores CSV and writes
``predictions.csv`` / ``.md`` / ``.json``, ``predictor.pt`` and ``selection.txt`` (one program
folder path per line, best first).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
from pathlib import Path
from typing import Any

import torch

from eval import atomic, cli, report
from eval.backbones import FrozenBackbone, load_backbone
from eval.config import BackboneConfig, FeatureConfig, as_dict, default_cache_dir
from eval.errors import ConfigError, EvalError
from eval.feature_spaces import encoder_space
from eval.features import FeatureCache, FeatureSet, cache_key
from eval.program_folders import (list_programs, read_program_images, read_render_report,
                                 sample_files)
from eval.programs import embed_array
from eval.score_predictor import (PredictorConfig, fit_predictor, greedy_select, predict_scores,
                                  program_descriptor)
from glsl_transpile.plumbing.progress import Meter, silent

log = logging.getLogger(__name__)

SELECT_FROM = ("unseen", "all")


@dataclasses.dataclass(frozen=True)
class RankingConfig:
    root: str = ""
    frames: int = 50
    size: int = 224
    backbone: BackboneConfig = BackboneConfig(random_init=True)
    features: FeatureConfig = FeatureConfig()
    predictor: PredictorConfig = PredictorConfig()
    scores: str = ""
    score_column: str = "score"
    program_column: str = "program"
    top_k: int = 100
    max_similarity: float = 1.0
    select_from: str = "unseen"
    validation_fraction: float = 0.0
    out_dir: str = "eval_out/predictor"

    def checks(self):
        yield "root", bool(self.root), "is missing: give the render output folder ROOT"
        yield "scores", bool(self.scores), ("is missing: give --scores CSV (columns program, "
                                            "score) of programs already evaluated")
        yield "select_from", self.select_from in SELECT_FROM
        yield "frames", self.frames >= 1
        yield "size", self.size >= 1
        yield "top_k", self.top_k >= 1
        yield "max_similarity", 0.0 < self.max_similarity <= 1.0
        yield "validation_fraction", 0.0 <= self.validation_fraction < 1.0


def _folder_key(folder: Path, frames: int, size: int) -> str:
    files = sample_files(folder)[:frames]
    stats = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files]
    return json.dumps({"program": str(folder.resolve()), "files": stats, "size": size})


def program_descriptors(programs: list[Path], backbone: FrozenBackbone,
                        cfg: RankingConfig, meter: Meter = silent) -> torch.Tensor:
    """``(P, 3D)`` descriptors; frame features come from the feature cache when present."""
    cache = FeatureCache(cfg.features.cache_dir or default_cache_dir())
    space = encoder_space(backbone, cfg.size, cfg.features.device)
    rows = []
    with meter(len(programs), "program descriptors", "prog") as advance:
        for folder in programs:
            rows.append(program_descriptor(_frame_features(folder, backbone, space, cache, cfg)))
            advance(1)
    return torch.stack(rows)


def _frame_features(folder: Path, backbone: FrozenBackbone, space, cache: FeatureCache,
                    cfg: RankingConfig) -> torch.Tensor:
    key = cache_key(backbone, _folder_key(folder, cfg.frames, cfg.size), cfg.features.normalize)
    found = cache.load(key) if cfg.features.use_cache else None
    if found is None:
        images = read_program_images(folder, cfg.frames)
        feats = torch.from_numpy(embed_array(space, images, cfg.features.batch_size))
        found = FeatureSet(feats, torch.zeros(len(feats), dtype=torch.int64))
        if cfg.features.use_cache:
            cache.save(key, found)
    return found.features


def read_scores(cfg: RankingConfig) -> dict[str, float]:
    """Program name -> score from the CSV (``report.read_scores``: its errors name the file)."""
    return report.read_scores(cfg.scores, cfg.program_column, cfg.score_column)


def validation_spearman(x: torch.Tensor, y: torch.Tensor, cfg: RankingConfig) -> float | None:
    """Spearman rho on a seeded held-out fraction of scored programs (None when disabled)."""
    n_val = int(round(cfg.validation_fraction * len(y)))
    if n_val < 2 or len(y) - n_val < 2:
        return None
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(cfg.predictor.seed))
    val, train = perm[:n_val], perm[n_val:]
    model = fit_predictor(x[train], y[train], cfg.predictor)
    return report.spearman(predict_scores(model, x[val]).tolist(), y[val].tolist())


def rank_programs(cfg: RankingConfig, argv: list[str] | None = None,
                  meter: Meter = silent) -> dict[str, Any]:
    """Fit on scored programs, predict every program, select ``top_k``, write the outputs."""
    cli.record_run(cfg.out_dir, cfg, argv)
    programs = list_programs(cfg.root)
    scores = read_scores(cfg)
    seen = [i for i, p in enumerate(programs) if p.name in scores]
    if len(seen) < 2:
        raise ConfigError(f"scores: only {len(seen)} of the programs under {cfg.root} have a "
                          "score; need at least 2")
    backbone = load_backbone(cfg.backbone)
    x = program_descriptors(programs, backbone, cfg, meter)
    y = torch.tensor([scores[programs[i].name] for i in seen])
    rho = validation_spearman(x[seen], y, cfg)
    model = fit_predictor(x[seen], y, cfg.predictor)
    predicted = predict_scores(model, x)
    pool = list(range(len(programs))) if cfg.select_from == "all" else \
        [i for i in range(len(programs)) if i not in set(seen)]
    if not pool:
        raise EvalError("no unseen programs to rank: every program has a score "
                        "(use select_from=all)")
    kept = greedy_select(predicted[pool], x[pool], cfg.top_k, cfg.max_similarity)
    selection = [programs[pool[j]] for j in kept]
    return _write(cfg, programs, scores=scores, predicted=predicted, selection=selection,
                  backbone=backbone, rho=rho, argv=argv)


def selection_entries(root: str | Path, selection: list[Path]) -> list[str]:
    """Lines of ``selection.txt``: each program's source file (from the renderer's
    ``report.json`` ``origin``), so that render_vk.render and live training accept the list;
    the image folder where the source is unknown."""
    origins = read_render_report(root)
    out = []
    for folder in selection:
        origin = str(origins.get(folder.name, {}).get("origin", "")).split("#")[0]
        out.append(origin if origin and Path(origin).is_file() else str(folder))
    return out


def _write(cfg: RankingConfig, programs: list[Path], *, scores: dict[str, float],
           predicted: torch.Tensor, selection: list[Path], backbone: FrozenBackbone,
           rho: float | None, argv: list[str] | None) -> dict[str, Any]:
    out = Path(cfg.out_dir)
    rank = {p: r for r, p in enumerate(selection, start=1)}
    rows = [{"program": p.name, "predicted": float(predicted[i]), "score": scores.get(p.name),
             "seen": p.name in scores, "selected_rank": rank.get(p)}
            for i, p in enumerate(programs)]
    rows.sort(key=lambda r: -r["predicted"])
    columns = ("program", "predicted", "score", "seen", "selected_rank")
    report.write_tables(out / "predictions", rows, columns)
    atomic.write_text(out / "selection.txt",
                      "".join(f"{p}{os.linesep}" for p in selection_entries(cfg.root, selection)))
    result = {"encoder": backbone.label, "weights": backbone.identity, "rows": rows,
              "validation_spearman": rho, "selection": [str(p) for p in selection],
              "config": as_dict(cfg), "run": cli.run_metadata(argv)}
    report.write_json(out / "predictions.json", result)
    return result


Flag = cli.Flag
FLAGS = (cli.OUT_FLAG, *cli.MODEL_FLAGS,
         Flag("--scores", "scores", "CSV with program and score columns"),
         Flag("--score-column", "score_column", "score column of --scores"),
         Flag("--top-k", "top_k", "programs to select", type=int),
         Flag("--samples", "frames", "samples per program described (its first ones)",
              type=int, aliases=("--frames",)),
         Flag("--resolution", "size", "encoder input side", type=int, aliases=("--size",)))


def _first_overrides(args: argparse.Namespace) -> list[str]:
    out = [cli.quoted("root", args.root)] if args.root else []
    return out + (["backbone.random_init=false"] if args.flag_backbone__checkpoint else [])


def _show(cfg: RankingConfig, meter: Meter, argv: list[str] | None) -> int:
    result = rank_programs(cfg, argv, meter)
    print(report.markdown_table(result["rows"][:20], ("program", "predicted", "score", "seen",
                                                      "selected_rank")), end="")
    print(f"selection: {len(result['selection'])} programs")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m eval.predictor``; 0 on success, 2 on a user error."""
    parser = cli.new_parser("python -m eval.predictor", __doc__, RankingConfig(), FLAGS,
                            example="predictor.epochs=500")
    parser.add_argument("root", nargs="?", help="render output folder OUT/<program>/<k>.png "
                                                "(config root)")
    return cli.run_entry(parser, argv, RankingConfig, FLAGS,
                         lambda cfg, meter: _show(cfg, meter, argv), first=_first_overrides)
