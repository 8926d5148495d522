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
from eval.config import BackboneConfig, FeatureConfig, as_dict, default_cache_dir, load_config
from eval.errors import USER_ERRORS, ConfigError, EvalError
from eval.feature_spaces import encoder_space
from eval.features import FeatureCache, FeatureSet, cache_key
from eval.program_folders import (list_programs, read_program_images, read_render_report,
                                 sample_files)
from eval.programs import embed_array
from eval.score_predictor import (PredictorConfig, fit_predictor, greedy_select, predict_scores,
                                  program_descriptor)

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
                        cfg: RankingConfig) -> torch.Tensor:
    """``(P, 3D)`` descriptors; frame features come from the feature cache when present."""
    cache = FeatureCache(cfg.features.cache_dir or default_cache_dir())
    space = encoder_space(backbone, cfg.size, cfg.features.device)
    rows = []
    for folder in programs:
        key = cache_key(backbone, _folder_key(folder, cfg.frames, cfg.size),
                        cfg.features.normalize)
        found = cache.load(key) if cfg.features.use_cache else None
        if found is None:
            images = read_program_images(folder, cfg.frames)
            feats = torch.from_numpy(embed_array(space, images, cfg.features.batch_size))
            found = FeatureSet(feats, torch.zeros(len(feats), dtype=torch.int64))
            if cfg.features.use_cache:
                cache.save(key, found)
        rows.append(program_descriptor(found.features))
    return torch.stack(rows)


def read_scores(cfg: RankingConfig) -> dict[str, float]:
    """Program name -> score from the CSV; ConfigError names missing columns."""
    rows = report.read_csv_rows(cfg.scores)
    if not rows or cfg.program_column not in rows[0] or cfg.score_column not in rows[0]:
        raise ConfigError(f"scores: {cfg.scores} needs rows with columns "
                          f"{cfg.program_column!r} and {cfg.score_column!r}")
    return {r[cfg.program_column]: float(r[cfg.score_column]) for r in rows
            if r[cfg.score_column] not in ("", None)}


def validation_spearman(x: torch.Tensor, y: torch.Tensor, cfg: RankingConfig) -> float | None:
    """Spearman rho on a seeded held-out fraction of scored programs (None when disabled)."""
    n_val = int(round(cfg.validation_fraction * len(y)))
    if n_val < 2 or len(y) - n_val < 2:
        return None
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(cfg.predictor.seed))
    val, train = perm[:n_val], perm[n_val:]
    model = fit_predictor(x[train], y[train], cfg.predictor)
    return report.spearman(predict_scores(model, x[val]).tolist(), y[val].tolist())


def rank_programs(cfg: RankingConfig, argv: list[str] | None = None) -> dict[str, Any]:
    """Fit on scored programs, predict every program, select ``top_k``, write the outputs."""
    cli.record_run(cfg.out_dir, cfg, argv)
    programs = list_programs(cfg.root)
    scores = read_scores(cfg)
    seen = [i for i, p in enumerate(programs) if p.name in scores]
    if len(seen) < 2:
        raise ConfigError(f"scores: only {len(seen)} of the programs under {cfg.root} have a "
                          "score; need at least 2")
    backbone = load_backbone(cfg.backbone)
    x = program_descriptors(programs, backbone, cfg)
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m eval.predictor``; 0 on success, 2 on a user error."""
    parser = argparse.ArgumentParser(prog="python -m eval.predictor", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", help="render output folder OUT/<program>/<k>.png")
    cli.add_config_arguments(parser)
    cli.add_model_arguments(parser)
    parser.add_argument("--scores", help="CSV with program and score columns")
    parser.add_argument("--score-column", help="default: score")
    parser.add_argument("--top-k", type=int, help="programs to select (default 100)")
    parser.add_argument("--frames", type=int, help="frames per program (default 50)")
    parser.add_argument("--size", type=int, help="encoder input side (default 224)")
    args = parser.parse_args(argv)
    cli.configure_logging(args.verbose)
    flags = {**cli.MODEL_FLAGS, "scores": "scores", "score_column": "score_column",
             "top_k": "top_k", "frames": "frames", "size": "size", "root": "root"}
    overrides = cli.overrides_from_args(args, flags)
    if args.checkpoint:
        overrides.insert(0, "backbone.random_init=false")
    try:
        result = rank_programs(load_config(RankingConfig, args.config, overrides), argv)
    except USER_ERRORS as err:
        log.error("%s", err)
        return 2
    print(report.markdown_table(result["rows"][:20], ("program", "predicted", "score", "seen",
                                                      "selected_rank")), end="")
    print(f"selection: {len(result['selection'])} programs")
    return 0
