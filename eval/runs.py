"""Orchestration of ``python -m eval.knn`` and ``python -m eval.linear``.

The edge where files meet the pure functions: load config, backbone and dataset, get features
through the cache, call ``eval.knn`` / ``eval.linear_probe``, write JSON, tables and the
retrieval grid, print the table. Trains no encoder.
"""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch

from eval import atomic, cli, report
from eval.backbones import FrozenBackbone, load_backbone
from eval.config import BackboneConfig, DataConfig, FeatureConfig, as_dict
from eval.datasets import ImageSplit, load_split
from eval.errors import EvalError
from eval.features import FeatureSet, cached_features
from eval.knn_classifier import KnnConfig, evaluate_knn, nearest_neighbours, topk_accuracy
from eval.linear_probe import LinearProbeConfig, fit_linear_probe, probe_scores
from eval.retrieval import pick_queries, write_retrieval_grid
from glsl_transpile.plumbing.progress import Meter, silent

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class RetrievalConfig:
    """Retrieval grid: ``rows`` random val queries (0 = no grid), ``k`` neighbours, tile side."""

    rows: int = 8
    k: int = 5
    cell: int = 64
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class KnnRunConfig:
    data: DataConfig = DataConfig()
    backbone: BackboneConfig = BackboneConfig()
    features: FeatureConfig = FeatureConfig()
    knn: KnnConfig = KnnConfig()
    retrieval: RetrievalConfig = RetrievalConfig()
    out_dir: str = "eval_out/knn"


@dataclasses.dataclass(frozen=True)
class LinearRunConfig:
    data: DataConfig = DataConfig()
    backbone: BackboneConfig = BackboneConfig()
    features: FeatureConfig = FeatureConfig()
    probe: LinearProbeConfig = LinearProbeConfig()
    out_dir: str = "eval_out/linear"


@dataclasses.dataclass(frozen=True)
class Prepared:
    """Backbone, both splits and their features; ``cache_hits`` per split."""

    backbone: FrozenBackbone
    train: ImageSplit
    val: ImageSplit
    train_features: FeatureSet
    val_features: FeatureSet
    cache_hits: dict[str, bool]


def prepare(data: DataConfig, backbone_cfg: BackboneConfig, features: FeatureConfig,
            meter: Meter = silent) -> Prepared:
    """Load the backbone and both splits, and get their features (cached)."""
    backbone = load_backbone(backbone_cfg)
    train, val = load_split(data, "train"), load_split(data, "val")
    if train.class_names != val.class_names:
        raise EvalError(f"dataset {data.name!r}: train and val classes differ")
    train_fs, train_hit = cached_features(backbone, train, features, meter=meter,
                                          desc="features (train)")
    val_fs, val_hit = cached_features(backbone, val, features, meter=meter, desc="features (val)")
    return Prepared(backbone, train, val, train_fs, val_fs, {"train": train_hit, "val": val_hit})


def _payload(task: str, cfg: Any, prep: Prepared, *, results: dict[str, Any],
             argv: list[str] | None) -> dict[str, Any]:
    return {"task": task, "dataset": prep.train.name, "backbone": prep.backbone.name,
            "backbone_label": prep.backbone.label, "weights": prep.backbone.identity,
            "num_classes": prep.train.num_classes, "n_train": len(prep.train),
            "n_val": len(prep.val), "feature_dim": int(prep.train_features.features.shape[1]),
            "cache_hits": prep.cache_hits, "results": results, "config": as_dict(cfg),
            "run": cli.run_metadata(argv)}


def _write_outputs(out_dir: Path, task: str, payload: dict[str, Any]) -> str:
    report.write_json(out_dir / f"{task}.json", payload)
    rows = report.accuracy_rows(payload)
    report.write_tables(out_dir / task, rows, report.ACCURACY_COLUMNS)
    return report.markdown_table(rows, report.ACCURACY_COLUMNS)


def write_retrieval(path: Path, prep: Prepared, cfg: RetrievalConfig) -> Path:
    """Grid of ``cfg.rows`` seeded val queries and their ``cfg.k`` nearest train images."""
    queries = pick_queries(len(prep.val), cfg.rows, cfg.seed)
    k = min(cfg.k, len(prep.train))
    _, idx = nearest_neighbours(prep.train_features.features,
                                prep.val_features.features[torch.as_tensor(queries)], k)
    idx = idx.numpy()
    matches = prep.train.labels[idx] == prep.val.labels[queries][:, None]
    return write_retrieval_grid(
        path, [prep.val.image(int(q)) for q in queries],
        [[prep.train.image(int(j)) for j in row] for row in idx], cell=cfg.cell,
        matches=np.asarray(matches))


def run_knn(cfg: KnnRunConfig, argv: list[str] | None = None,
            meter: Meter = silent) -> dict[str, Any]:
    """Weighted k-NN evaluation; writes ``knn.json``, ``knn.md``, ``knn.csv``, ``retrieval.png``."""
    cli.record_run(cfg.out_dir, cfg, argv)
    prep = prepare(cfg.data, cfg.backbone, cfg.features, meter)
    results = evaluate_knn(prep.train_features.features, prep.train_features.labels,
                           prep.val_features.features, prep.val_features.labels,
                           num_classes=prep.train.num_classes, cfg=cfg.knn)
    payload = _payload("knn", cfg, prep, results=results, argv=argv)
    out_dir = Path(cfg.out_dir)
    if cfg.retrieval.rows > 0 and len(prep.val) > 0:
        payload["retrieval_grid"] = str(write_retrieval(out_dir / "retrieval.png", prep,
                                                        cfg.retrieval))
    payload["table"] = _write_outputs(out_dir, "knn", payload)
    return payload


def run_linear(cfg: LinearRunConfig, argv: list[str] | None = None,
               meter: Meter = silent) -> dict[str, Any]:
    """Linear probe on frozen features; writes ``linear.json``, ``.md``, ``.csv``, ``probe.pt``."""
    cli.record_run(cfg.out_dir, cfg, argv)
    prep = prepare(cfg.data, cfg.backbone, cfg.features, meter)
    linear = fit_linear_probe(prep.train_features.features, prep.train_features.labels,
                              prep.train.num_classes, cfg.probe, meter=meter)
    results = {
        f"linear_{cfg.probe.method}": topk_accuracy(
            probe_scores(linear, prep.val_features.features), prep.val_features.labels),
        f"linear_{cfg.probe.method}_train": topk_accuracy(
            probe_scores(linear, prep.train_features.features), prep.train_features.labels),
    }
    payload = _payload("linear", cfg, prep, results=results, argv=argv)
    atomic.save_torch(linear.state_dict(), Path(cfg.out_dir) / "probe.pt")
    payload["table"] = _write_outputs(Path(cfg.out_dir), "linear", payload)
    return payload


def _main(argv: list[str] | None, task: str, cfg_type: type, runner: Any) -> int:
    flags = (cli.OUT_FLAG, *cli.MODEL_FLAGS, *cli.DATA_FLAGS)
    example = "knn.temperature=0.1" if task == "knn" else "probe.epochs=20"
    parser = cli.new_parser(f"python -m eval.{task}", runner.__doc__, cfg_type(), flags,
                            example=example)

    def body(cfg: Any, meter: Meter) -> int:
        payload = runner(cfg, argv, meter)
        print(payload["table"], end="")
        print(f"results: {Path(cfg.out_dir) / (task + '.json')}")
        return 0

    return cli.run_entry(parser, argv, cfg_type, flags, body)


def knn_main(argv: list[str] | None = None) -> int:
    return _main(argv, "knn", KnnRunConfig, run_knn)


def linear_main(argv: list[str] | None = None) -> int:
    return _main(argv, "linear", LinearRunConfig, run_linear)
