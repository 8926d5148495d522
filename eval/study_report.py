"""The study's results: study.json's records summarised over seeds, and the Markdown table.

Pure functions over the records ``eval.study_cell`` makes (one per cell, evaluation dataset,
layer and probe); files are written by ``eval.study``. A row of the table is one grid point
without its seed (method, mixing, data, epochs, programs), a column one (dataset, layer,
probe); a value is the mean over seeds, with the sample standard deviation when there are
several. The last row is the random-init encoder under the same protocol (its seeds are the
cells' seeds: each trained encoder started from exactly those weights).
"""
from __future__ import annotations

import dataclasses
import statistics
from pathlib import Path
from typing import Any, Iterable, Sequence

from eval.study_config import IMAGEFOLDER_PREFIX, METHODS

ROW_FIELDS = ("method", "mixup_k", "data", "epochs", "programs")
COLUMN_FIELDS = ("eval_dataset", "layer", "probe")
DECIMALS = 1
BASELINE_LABEL = "random init"


@dataclasses.dataclass(frozen=True)
class Stat:
    """Mean and sample standard deviation (0 for one value) of ``n`` accuracies in %."""

    mean: float
    std: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> "Stat":
        values = list(values)
        std = statistics.stdev(values) if len(values) > 1 else 0.0
        return cls(statistics.fmean(values), std, len(values))

    def text(self, decimals: int = DECIMALS) -> str:
        mean = f"{self.mean:.{decimals}f}"
        return mean if self.n == 1 else f"{mean} ± {self.std:.{decimals}f}"


@dataclasses.dataclass(frozen=True)
class Summary:
    """One table value: a row key (``ROW_FIELDS``), a column key (``COLUMN_FIELDS``), the
    trained accuracy over seeds, the images per cell and the cells' mean training seconds."""

    row: tuple
    column: tuple
    top1: Stat
    images: float
    train_seconds: float


def row_key(record: dict[str, Any]) -> tuple:
    return tuple(record[f] for f in ROW_FIELDS)


def column_key(record: dict[str, Any]) -> tuple:
    return tuple(record[f] for f in COLUMN_FIELDS)


def _grouped(records: Iterable[dict[str, Any]], key) -> dict[tuple, list[dict[str, Any]]]:
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return groups


def summarise(records: Sequence[dict[str, Any]]) -> list[Summary]:
    """One Summary per (row, column), rows in grid order, columns in order of appearance."""
    groups = _grouped(records, lambda r: (row_key(r), column_key(r)))
    out = [Summary(row, column, Stat.of([r["top1"] for r in group]),
                   statistics.fmean(r["images"] for r in group),
                   statistics.fmean(r["train_seconds"] for r in group))
           for (row, column), group in groups.items()]
    columns = columns_of(records)
    return sorted(out, key=lambda s: (_row_order(s.row), columns.index(s.column)))


def _row_order(row: tuple) -> tuple:
    method, mixup_k, data, epochs, programs = row
    rank = METHODS.index(method) if method in METHODS else len(METHODS)
    return rank, method, mixup_k, data, epochs, programs


def columns_of(records: Sequence[dict[str, Any]]) -> list[tuple]:
    return list(dict.fromkeys(column_key(r) for r in records))


def baselines(records: Sequence[dict[str, Any]]) -> dict[tuple, Stat]:
    """Random-init accuracy per column over the distinct seeds of that column's records."""
    out = {}
    for column, group in _grouped(records, column_key).items():
        per_seed = {r["seed"]: r["baseline_top1"] for r in group}
        out[column] = Stat.of(list(per_seed.values()))
    return out


def dataset_name(eval_dataset: str) -> str:
    """Short name: ``imagefolder:/data/imagenet100`` -> ``imagenet100``."""
    if eval_dataset.startswith(IMAGEFOLDER_PREFIX):
        return Path(eval_dataset[len(IMAGEFOLDER_PREFIX):]).name or eval_dataset
    return eval_dataset


def column_title(column: tuple) -> str:
    dataset, layer, probe = column
    return f"{dataset_name(dataset)} {probe}" + (f" [{layer}]" if layer else "")


def row_cells(row: tuple) -> list[str]:
    method, mixup_k, data, epochs, programs = row
    return [method, "raw" if mixup_k == 1 else f"MixUp-{mixup_k}", data, str(epochs),
            str(programs)]


TABLE_HEAD = ["method", "mixing", "data", "epochs", "programs", "images"]


def markdown_table(records: Sequence[dict[str, Any]]) -> str:
    """Top-1 accuracy (%) per grid point and probe, then the random-init row."""
    summaries = summarise(records)
    columns = columns_of(records)
    rows: dict[tuple, dict[tuple, Summary]] = {}
    for s in summaries:
        rows.setdefault(s.row, {})[s.column] = s
    head = TABLE_HEAD + [column_title(c) for c in columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for row, values in rows.items():
        images = f"{next(iter(values.values())).images:.0f}"
        cells = [values[c].top1.text() if c in values else "" for c in columns]
        lines.append("| " + " | ".join(row_cells(row) + [images] + cells) + " |")
    base = baselines(records)
    lines.append("| " + " | ".join([BASELINE_LABEL] + [""] * (len(TABLE_HEAD) - 1)
                                   + [base[c].text() for c in columns]) + " |")
    return "\n".join(lines) + "\n"


def best_knn_record(records: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """A record (its first seed) of the grid point with the best mean k-NN top-1 on the
    first k-NN column, or None without k-NN results."""
    knn = [c for c in columns_of(records) if c[2].startswith("knn")]
    if not knn:
        return None
    best = max((s for s in summarise(records) if s.column == knn[0]), key=lambda s: s.top1.mean)
    return next(r for r in records if row_key(r) == best.row and column_key(r) == knn[0])
