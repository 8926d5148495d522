"""The study's results: study.json's records summarised over seeds, as Markdown.

Pure functions over the records ``eval.study_cell`` makes (one per cell, evaluation dataset,
layer and probe); files are written by ``eval.study``. A row of the table is one grid point
without its seed (method, mixing, data, epochs, programs), a column one (dataset, layer,
probe); a value is the mean over seeds, with the sample standard deviation when there are
several. The last row is the random-init encoder under the same protocol (its seeds are the
cells' seeds: each trained encoder started from exactly those weights).

``study_markdown`` is study.md: that table, the same table of paired differences (trained
minus random init of the same seed, in points: the seed's luck in the starting weights and
the evaluation subset cancels), and text charts of accuracy along the grid's varying axis
(programs, else epochs) that read in a terminal and in any Markdown viewer.
"""
from __future__ import annotations

import dataclasses
import math
import statistics
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

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

    def text(self, decimals: int = DECIMALS, *, signed: bool = False) -> str:
        mean = f"{self.mean:{'+' if signed else ''}.{decimals}f}"
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


def trained_top1(record: dict[str, Any]) -> float:
    return record["top1"]


def gain_top1(record: dict[str, Any]) -> float:
    """Trained minus random-init top-1 of the same seed and protocol, in points."""
    return record["top1"] - record["baseline_top1"]


def summarise(records: Sequence[dict[str, Any]],
              value: Callable[[dict[str, Any]], float] = trained_top1) -> list[Summary]:
    """One Summary per (row, column) of ``value`` over seeds, rows in grid order, columns in
    order of appearance."""
    groups = _grouped(records, lambda r: (row_key(r), column_key(r)))
    out = [Summary(row, column, Stat.of([value(r) for r in group]),
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


def _rows(summaries: Sequence[Summary]) -> dict[tuple, dict[tuple, Summary]]:
    rows: dict[tuple, dict[tuple, Summary]] = {}
    for s in summaries:
        rows.setdefault(s.row, {})[s.column] = s
    return rows


def _table_lines(records: Sequence[dict[str, Any]], summaries: Sequence[Summary],
                 text: Callable[[Stat], str]) -> list[str]:
    columns = columns_of(records)
    head = TABLE_HEAD + [column_title(c) for c in columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for row, values in _rows(summaries).items():
        images = f"{next(iter(values.values())).images:.0f}"
        cells = [text(values[c].top1) if c in values else "" for c in columns]
        lines.append("| " + " | ".join(row_cells(row) + [images] + cells) + " |")
    return lines


def markdown_table(records: Sequence[dict[str, Any]]) -> str:
    """Top-1 accuracy (%) per grid point and probe, then the random-init row."""
    lines = _table_lines(records, summarise(records), Stat.text)
    base = baselines(records)
    lines.append("| " + " | ".join([BASELINE_LABEL] + [""] * (len(TABLE_HEAD) - 1)
                                   + [base[c].text() for c in columns_of(records)]) + " |")
    return "\n".join(lines) + "\n"


def gain_table(records: Sequence[dict[str, Any]]) -> str:
    """Trained minus random-init top-1 (points) per grid point and probe, paired by seed."""
    lines = _table_lines(records, summarise(records, gain_top1),
                         lambda stat: stat.text(signed=True))
    return "\n".join(lines) + "\n"


CHART_WIDTH = 40
X_AXES = ((4, "programs"), (3, "epochs"))  # ROW_FIELDS indices a chart runs along


def chart_axis(records: Sequence[dict[str, Any]]) -> tuple[int, str] | None:
    """The row field the grid varies (programs first, then epochs), or None."""
    for index, name in X_AXES:
        if len({row_key(r)[index] for r in records}) > 1:
            return index, name
    return None


def text_chart(records: Sequence[dict[str, Any]], column: tuple, x_field: int,
               x_name: str) -> str:
    """Bars of top-1 for one column: a group per grid point without ``x_field``, a bar per
    value of it, and the random-init bar; the axis starts a point below the lowest value."""
    points = [s for s in summarise(records) if s.column == column]
    base = baselines(records)[column]
    low = math.floor(min([s.top1.mean for s in points] + [base.mean])) - 1
    high = math.ceil(max([s.top1.mean for s in points] + [base.mean]))
    scale = CHART_WIDTH / max(high - low, 1)

    def bar(stat: Stat) -> str:
        eighths = round((stat.mean - low) * scale * 8)
        full, part = divmod(eighths, 8)
        return ("\u2588" * full + ("" if part == 0 else chr(0x2590 - part))).ljust(CHART_WIDTH)

    groups: dict[tuple, list[Summary]] = {}
    for s in points:
        groups.setdefault(s.row[:x_field] + s.row[x_field + 1:], []).append(s)
    labels = {g: " ".join(c for i, c in enumerate(_chart_cells(v[0].row)) if i != x_field)
              for g, v in groups.items()}
    width = max([len(t) for t in labels.values()] + [len(BASELINE_LABEL)])
    x_width = max(len(f"{x_name}={s.row[x_field]}") for s in points)
    lines = [f"{column_title(column)}: top-1 (%), axis from {low}"]
    for group, series in groups.items():
        for i, s in enumerate(sorted(series, key=lambda s: s.row[x_field])):
            label = labels[group] if i == 0 else ""
            x = f"{x_name}={s.row[x_field]}"
            lines.append(f"{label:<{width}}  {x:<{x_width}}  {bar(s.top1)} {s.top1.text()}")
    lines.append(f"{BASELINE_LABEL:<{width}}  {'':<{x_width}}  {bar(base)} {base.text()}")
    return "\n".join(lines) + "\n"


def _chart_cells(row: tuple) -> list[str]:
    cells = row_cells(row)
    return cells[:3] + [f"{cells[3]} ep", f"{cells[4]} prog"]


def study_markdown(records: Sequence[dict[str, Any]]) -> str:
    """study.md: the table, the paired differences, and a chart per column when the grid
    varies programs or epochs."""
    parts = ["## Top-1 (%), mean ± standard deviation over seeds\n", markdown_table(records),
             "\n## Trained minus random init of the same seed (points)\n", gain_table(records)]
    axis = chart_axis(records)
    if axis is not None:
        parts.append(f"\n## Top-1 along {axis[1]}\n")
        for column in columns_of(records):
            parts.append("\n```\n" + text_chart(records, column, *axis) + "```\n")
    return "".join(parts)


def best_knn_record(records: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """A record (its first seed) of the grid point with the best mean k-NN top-1 on the
    first k-NN column, or None without k-NN results."""
    knn = [c for c in columns_of(records) if c[2].startswith("knn")]
    if not knn:
        return None
    best = max((s for s in summarise(records) if s.column == knn[0]), key=lambda s: s.top1.mean)
    return next(r for r in records if row_key(r) == best.row and column_key(r) == knn[0])
