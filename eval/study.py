"""``python -m eval.study --config configs/study_<recipe>.yaml [--set a.b=v] [--out DIR]``:
one command for a grid of (pretraining data x method) -> encoder -> frozen-feature evaluation.

Every cell of the grid (``eval.study_cells``) is trained through ``train``'s entry point and
evaluated with k-NN and the linear probe next to the random-init encoder under the same
protocol (``eval.study_cell``). The study is resumable: started again, it skips finished cells
and finishes the others; a cell that fails is reported and the others go on. Writes, under
``out_dir``:

- ``study.json``: ``records`` (one per cell, dataset, layer and probe: method, programs,
  images, mixup_k, seed, eval_dataset, probe, top1, baseline_top1, train_seconds, run_dir,
  ...), ``failed`` and ``skipped`` cells, the resolved config;
- ``study.md``: the table, the gains over random init paired by seed and text charts
  (``eval.study_report``), printed at the end;
- figures (``eval.study_figures``) and ``retrieval_best.png``, the k-NN retrieval grid of the
  best cell.

Exit status: 0 when every cell ran, 1 when some failed (the outputs are written anyway), 2 for
an error before any cell (config, programs), 130 on Ctrl-C or SIGTERM (a training in progress
stops with a checkpoint at its step; the next run resumes it).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import traceback
from pathlib import Path
from typing import Any

from eval import atomic, cli
from eval.config import as_dict
from eval.errors import USER_ERRORS
from eval.study_cell import cell_dir, run_cell
from eval.study_cells import Skipped, cells, dataset_plan
from eval.study_config import StudyConfig
from eval.study_data import available_programs
from eval.study_figures import write_figures
from eval.study_report import best_knn_record, study_markdown
from glsl_transpile.plumbing.progress import Meter, silent

log = logging.getLogger(__name__)

# A cell that fails with one of these is reported and the study goes on. RuntimeError is
# torch's error for what a config can provoke in one cell (a batch too small for BatchNorm,
# an input too small for the network) and must not end the other cells.
CELL_ERRORS = USER_ERRORS + (RuntimeError,)


@dataclasses.dataclass(frozen=True)
class StudyResult:
    records: list[dict[str, Any]]
    failed: list[dict[str, str]]
    skipped: list[dict[str, str]]


def run_grid(cfg: StudyConfig, meter: Meter = silent) -> StudyResult:
    """Run (or read back) every cell; a cell's failure is recorded, never raised (Ctrl-C
    ends the study)."""
    available = available_programs(cfg.pretrain.programs)
    records, failed, skipped = [], [], []
    for item in cells(cfg):
        if isinstance(item, Skipped):
            skipped.append({"cell_id": item.cell.cell_id, "reason": item.reason})
            continue
        log.info("cell %s", item.cell_id)
        try:
            records += run_cell(cfg, item, dataset_plan(cfg, item, available), meter)
        except CELL_ERRORS as err:
            log.error("cell %s failed: %s", item.cell_id, err)
            folder = cell_dir(cfg, item)
            atomic.write_text(folder / "error.txt", traceback.format_exc())
            failed.append({"cell_id": item.cell_id, "error": f"{type(err).__name__}: {err}",
                           "log": str(folder / "error.txt")})
    return StudyResult(records, failed, skipped)


def write_outputs(cfg: StudyConfig, result: StudyResult) -> str:
    """study.json, study.md, the figures and the best cell's retrieval grid; returns study.md
    (empty when no cell finished)."""
    out = Path(cfg.out_dir)
    table = study_markdown(result.records) if result.records else ""
    figures = [str(p) for p in write_figures(out, result.records)] if result.records else []
    best = best_knn_record(result.records)
    grid = Path(best["eval_dir"]) / "retrieval.png" if best else None
    if grid is not None and grid.is_file():
        atomic.write_bytes(out / "retrieval_best.png", grid.read_bytes())
        figures.append(str(out / "retrieval_best.png"))
    atomic.write_text(out / "study.md", table)
    payload = {"records": result.records, "failed": result.failed, "skipped": result.skipped,
               "table": str(out / "study.md"), "figures": figures,
               "best_knn_cell": best["cell_id"] if best else None, "config": as_dict(cfg)}
    atomic.write_text(out / "study.json", json.dumps(payload, indent=2) + "\n")
    return table


FLAGS = (cli.OUT_FLAG,)


def _parser() -> argparse.ArgumentParser:
    return cli.new_parser("python -m eval.study", __doc__, StudyConfig(), FLAGS,
                          example="grid.seeds=[0,1]")


def _run(cfg: StudyConfig, meter: Meter, argv: list[str] | None) -> int:
    """Record the run, run the grid, write and print the outputs; 1 when a cell failed."""
    cli.record_run(cfg.out_dir, cfg, argv)
    result = run_grid(cfg, meter)
    table = write_outputs(cfg, result)
    print(table, end="")
    for item in result.skipped:
        print(f"skipped {item['cell_id']}: {item['reason']}")
    for item in result.failed:
        print(f"FAILED {item['cell_id']}: {item['error']} (see {item['log']})")
    print(f"results: {Path(cfg.out_dir) / 'study.json'}; table: {Path(cfg.out_dir) / 'study.md'}")
    return 1 if result.failed else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; see the module doc for the exit statuses."""
    return cli.run_entry(_parser(), argv, StudyConfig, FLAGS,
                         lambda cfg, meter: _run(cfg, meter, argv))


if __name__ == "__main__":
    sys.exit(main())
