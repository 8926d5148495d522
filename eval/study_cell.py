"""One cell of the study: train its encoder (through ``train``'s public entry point), then
evaluate it and the random-init baseline under one protocol (through ``eval.runs``).

Folders, under ``<out_dir>``::

    cells/<cell id>/train/          the training run (config, metrics, export; the checkpoint
                                    only while unfinished or with pretrain.keep_checkpoints)
    cells/<cell id>/train.json      training's seconds, steps and the resolved config
    cells/<cell id>/eval/<task>/    knn.json / linear.json of the trained encoder
    cells/<cell id>/cell.json       the cell's records, written last: the cell is finished
    baselines/<task>-s<seed>/       the same evaluations with random weights (shared by cells)

Resumable at every level: a finished cell (``cell.json`` with the same settings) is skipped, a
killed training resumes from its checkpoint, and an evaluation whose result file holds the same
config and weights is read back instead of run again.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

from eval.backbones import file_sha256
from eval.config import BackboneConfig, DataConfig, FeatureConfig, as_dict
from eval.runs import KnnRunConfig, LinearRunConfig, RetrievalConfig, run_knn, run_linear
from eval.results_table import TRAIN_SUFFIX
from eval.study_cells import Cell, DatasetPlan
from eval.study_config import (IMAGEFOLDER_PREFIX, StudyConfig, StudyEvalConfig, data_dir,
                               recipe_path)
from eval.study_data import IMAGES_DIR, live_programs, render_dataset, train_data_overrides
from glsl_transpile.plumbing.atomic import write_text
from glsl_transpile.plumbing.config import ConfigError, check_tree, config_from_dict
from glsl_transpile.plumbing.progress import Meter, silent
from train import ce, moco, simclr, supcon
from train.checkpoint import CHECKPOINT_NAME, EXPORT_NAME
from train.config import TrainConfig, config_to_dict, load_config
from train.engine import run_training
from train.interrupt import StopRequest
from train.method import MethodSpec

log = logging.getLogger(__name__)

SPECS: dict[str, MethodSpec] = {m.SPEC.name: m.SPEC for m in (simclr, supcon, ce, moco)}
CELL_NAME = "cell.json"
TRAIN_NAME = "train.json"


@dataclasses.dataclass(frozen=True)
class EvalTask:
    """One evaluation: dataset (a ``StudyEvalConfig.datasets`` entry), layer ("" = embedding)
    and probe (``knn`` or ``linear``)."""

    dataset: str
    layer: str
    probe: str

    @property
    def slug(self) -> str:
        name = self.dataset
        if name.startswith(IMAGEFOLDER_PREFIX):
            path = name[len(IMAGEFOLDER_PREFIX):]
            name = f"{Path(path).name}-{hashlib.sha256(path.encode()).hexdigest()[:6]}"
        return f"{name}-{self.layer or 'embedding'}-{self.probe}"


def eval_tasks(cfg: StudyConfig) -> list[EvalTask]:
    ev = cfg.eval
    return [EvalTask(d, layer, p) for d in ev.datasets for layer in ev.layers for p in ev.probes]


def cell_dir(cfg: StudyConfig, cell: Cell) -> Path:
    return Path(cfg.out_dir) / "cells" / cell.cell_id


def baseline_dir(cfg: StudyConfig, task: EvalTask, seed: int) -> Path:
    return Path(cfg.out_dir) / "baselines" / f"{task.slug}-s{seed}"


def train_config(cfg: StudyConfig, cell: Cell, data_overrides: list[str]) -> TrainConfig:
    """The cell's training config: the method's recipe, the study's ``pretrain.overrides``,
    then what the cell decides (data, run folder, seed, epochs), which nothing overrides."""
    own = [*data_overrides, f"run.dir={json.dumps(str(cell_dir(cfg, cell) / 'train'))}",
           f"run.seed={cell.seed}", "run.progress=false"]
    if cell.epochs is not None:
        own.append(f"run.epochs={cell.epochs}")
    return load_config(recipe_path(cfg, cell.method), [*cfg.pretrain.overrides, *own],
                       defaults=SPECS[cell.method].defaults)


def eval_config(cfg: StudyConfig, task: EvalTask, backbone: BackboneConfig,
                out_dir: Path) -> KnnRunConfig | LinearRunConfig:
    """The ``eval.knn`` / ``eval.linear`` config of ``task`` for ``backbone``; the trained
    encoder and its baseline differ in ``backbone`` and ``out_dir`` only."""
    ev = cfg.eval
    name, root = task.dataset, ""
    if name.startswith(IMAGEFOLDER_PREFIX):
        name, root = "imagefolder", name[len(IMAGEFOLDER_PREFIX):]
    data = DataConfig(name=name, root=root, resolution=ev.resolution,
                      limit_train=ev.limit_train, limit_val=ev.limit_val)
    features = FeatureConfig(cache_dir=ev.cache_dir, batch_size=ev.batch_size, device=ev.device)
    backbone = dataclasses.replace(backbone, layer=task.layer)
    if task.probe == "knn":
        run: Any = KnnRunConfig(data=data, backbone=backbone, features=features, knn=ev.knn,
                                retrieval=RetrievalConfig(rows=ev.retrieval_rows),
                                out_dir=str(out_dir))
    else:
        run = LinearRunConfig(data=data, backbone=backbone, features=features, probe=ev.linear,
                              out_dir=str(out_dir))
    check_tree(run)
    return run


def evaluate(run: KnnRunConfig | LinearRunConfig, probe: str,
             meter: Meter = silent) -> dict[str, Any]:
    """The result payload of ``run``: read back when ``out_dir`` holds one of the same config
    and weights, else computed by ``eval.runs``."""
    path = Path(run.out_dir) / f"{probe}.json"
    if path.is_file():
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("config") == as_dict(run) and _same_weights(run, payload):
            return payload
    return run_knn(run, meter=meter) if probe == "knn" else run_linear(run, meter=meter)


def _same_weights(run: KnnRunConfig | LinearRunConfig, payload: dict[str, Any]) -> bool:
    """Whether ``payload`` was computed from the bytes ``run.backbone.checkpoint`` holds now
    (its ``weights`` is ``sha256:<hex>``, then ``:layer=...`` for a tapped layer); a random
    init is named by its config alone."""
    checkpoint = run.backbone.checkpoint
    if not checkpoint:
        return True
    return str(payload.get("weights", "")).split(":")[:2] == ["sha256", file_sha256(checkpoint)]


def data_overrides(cfg: StudyConfig, cell: Cell, plan: DatasetPlan) -> list[str]:
    """The ``data.*`` overrides of the cell's training config (nothing is rendered here)."""
    folder = data_dir(cfg) / plan.key
    if cell.data == "live":
        return train_data_overrides(plan, "live", live=live_programs(folder, plan))
    return train_data_overrides(plan, "disk", images_root=str(folder / IMAGES_DIR))


def finished_training(cell: Cell, tcfg: TrainConfig, folder: Path) -> dict[str, Any] | None:
    """``train.json``'s content when it records a finished training of this config (options
    added since it was written count at their defaults)."""
    path = folder / TRAIN_NAME
    if not path.is_file():
        return None
    info = json.loads(path.read_text(encoding="utf-8"))
    same = stored_equals(TrainConfig, info.get("config"), tcfg, SPECS[cell.method].defaults)
    return info if same and Path(info.get("weights", "")).is_file() else None


def stored_equals(cls: type, stored: Any, current: Any, defaults: Any = None) -> bool:
    """Whether ``stored`` (a ``config_to_dict`` of ``cls`` written by an earlier run) is the
    config ``current``, options added since then at their defaults."""
    if not isinstance(stored, dict):
        return False
    try:
        return config_from_dict(cls, stored, defaults=defaults) == current
    except ConfigError:  # an option since removed, or a value no longer valid
        return False


def train_cell(cfg: StudyConfig, cell: Cell, plan: DatasetPlan, tcfg: TrainConfig,
               meter: Meter = silent) -> dict[str, Any]:
    """Render the cell's dataset if it trains from disk (once, cached), then train or resume
    its encoder; writes and returns ``train.json`` (seconds, steps, finished, weights, data,
    config).

    Raises:
        KeyboardInterrupt: Ctrl-C or SIGTERM stopped the training; it saved a checkpoint at
            its step, and no ``train.json`` is written, so the next study run resumes it.
    """
    data = {"programs_ok": None, "image_count": plan.images}
    if cell.data == "disk":
        done = render_dataset(data_dir(cfg) / plan.key, plan)
        data = {"programs_ok": done["programs_ok"], "image_count": done["image_count"]}
    run_dir = Path(tcfg.run.dir)
    resume = (run_dir / CHECKPOINT_NAME).is_file()
    start = time.perf_counter()
    with StopRequest().installed() as stop:
        result = run_training(tcfg, SPECS[cell.method], resume=resume, stop=stop, meter=meter,
                              argv=["-m", "eval.study", "--cell", cell.cell_id])
    if result.interrupted:
        log.warning("cell %s: training stopped by %s at step %d; run the study again to resume",
                    cell.cell_id, result.interrupted, result.global_step)
        raise KeyboardInterrupt
    weights = run_dir / (EXPORT_NAME if result.finished else CHECKPOINT_NAME)
    info = {"seconds": round(time.perf_counter() - start, 2), "steps": result.global_step,
            "finished": result.finished, "resumed": resume, "weights": str(weights),
            "data": data, "config": config_to_dict(tcfg)}
    write_text(cell_dir(cfg, cell) / TRAIN_NAME, json.dumps(info, indent=2) + "\n")
    if result.finished and not cfg.pretrain.keep_checkpoints:
        (run_dir / CHECKPOINT_NAME).unlink(missing_ok=True)  # train.json names the export
    return info


def evaluate_cell(cfg: StudyConfig, cell: Cell, tcfg: TrainConfig, info: dict[str, Any],
                  meter: Meter = silent) -> list[dict[str, Any]]:
    """Every evaluation task on the trained encoder and on random weights of the same
    architecture and seed (the trained encoder's own starting point); one record per
    held-out probe result."""
    trained = BackboneConfig(name=tcfg.model.backbone, checkpoint=info["weights"])
    random = BackboneConfig(name=tcfg.model.backbone, random_init=True, seed=cell.seed)
    records = []
    for task in eval_tasks(cfg):
        out = cell_dir(cfg, cell) / "eval" / task.slug
        payload = evaluate(eval_config(cfg, task, trained, out), task.probe, meter)
        base_run = eval_config(cfg, task, random, baseline_dir(cfg, task, cell.seed))
        baseline = evaluate(base_run, task.probe, meter)
        records += task_records(cell, task, tcfg, info, payload, baseline)
    return records


def task_records(cell: Cell, task: EvalTask, tcfg: TrainConfig, info: dict[str, Any],
                 payload: dict[str, Any], baseline: dict[str, Any]) -> list[dict[str, Any]]:
    """study.json records of one task: one per held-out probe of the payload."""
    out = []
    for probe, acc in payload["results"].items():
        if probe.endswith(TRAIN_SUFFIX):
            continue
        base = baseline["results"][probe]
        out.append({
            "cell_id": cell.cell_id, "method": cell.method, "programs": cell.programs,
            "programs_ok": info["data"]["programs_ok"], "images": info["data"]["image_count"],
            "mixup_k": cell.mixup_k, "data": cell.data, "epochs": tcfg.run.epochs,
            "seed": cell.seed, "eval_dataset": task.dataset, "layer": task.layer,
            "probe": probe, "resolution": payload["config"]["data"]["resolution"],
            "top1": acc["top1"], "top5": acc["top5"], "baseline_top1": base["top1"],
            "baseline_top5": base["top5"], "train_seconds": info["seconds"],
            "train_steps": info["steps"], "run_dir": str(Path(tcfg.run.dir)),
            "eval_dir": payload["config"]["out_dir"],
            "baseline_dir": baseline["config"]["out_dir"]})
    return out


def fingerprint(cfg: StudyConfig, tcfg: TrainConfig) -> str:
    """What a cell's results depend on: its training config and the evaluation settings (a
    digest, kept in ``cell.json`` beside the two configs themselves)."""
    blob = json.dumps({"train": config_to_dict(tcfg), "eval": as_dict(cfg.eval)},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def finished_cell(done: dict[str, Any], cell: Cell, cfg: StudyConfig, tcfg: TrainConfig,
                  key: str) -> bool:
    """Whether ``cell.json``'s content ``done`` holds this cell's results: the same digest, or
    the same training and evaluation configs once options added since are at their
    defaults (a new option of ``train`` or ``eval`` does not void finished cells)."""
    if done.get("fingerprint") == key:
        return True
    return (stored_equals(TrainConfig, done.get("train_config"), tcfg,
                          SPECS[cell.method].defaults)
            and stored_equals(StudyEvalConfig, done.get("eval_config"), cfg.eval))


def run_cell(cfg: StudyConfig, cell: Cell, plan: DatasetPlan,
             meter: Meter = silent) -> list[dict[str, Any]]:
    """The cell's records: read from ``cell.json`` when it is finished with these settings,
    else trained (or resumed) and evaluated, then ``cell.json`` written."""
    tcfg = train_config(cfg, cell, data_overrides(cfg, cell, plan))
    key = fingerprint(cfg, tcfg)
    path = cell_dir(cfg, cell) / CELL_NAME
    if path.is_file():
        done = json.loads(path.read_text(encoding="utf-8"))
        if finished_cell(done, cell, cfg, tcfg, key):
            log.info("cell %s: finished before, skipped", cell.cell_id)
            return done["records"]
    info = (finished_training(cell, tcfg, cell_dir(cfg, cell))
            or train_cell(cfg, cell, plan, tcfg, meter))
    records = evaluate_cell(cfg, cell, tcfg, info, meter)
    write_text(path, json.dumps({"cell": dataclasses.asdict(cell), "plan": plan.key,
                                 "fingerprint": key, "train_config": config_to_dict(tcfg),
                                 "eval_config": as_dict(cfg.eval), "records": records},
                                indent=2) + "\n")
    return records
