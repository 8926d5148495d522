"""The study's figures (matplotlib, Agg backend), from the records of ``eval.study_report``.

- ``accuracy_vs_programs.png``: top-1 against the number of programs (log x; the paper's
  Figure 3), one line per (method, mixing, data, epochs), the random-init level drawn dashed;
  one panel per (dataset, layer, probe). Error bars: standard deviation over seeds.
- ``raw_vs_mixup.png``: bars per (method, data, epochs) and mixing at the largest program
  count (the paper's Table 3), with the random-init level.
- ``accuracy_vs_epochs.png``: top-1 against training length, when the grid has several.
Each figure is written atomically and its path returned.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable, Sequence

from eval import atomic
from eval.study_report import (Summary, baselines, column_title, columns_of, row_cells,
                               summarise)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _panels(count: int):
    plt = _pyplot()
    cols = min(count, 2)
    rows = math.ceil(count / cols)
    fig, axes = plt.subplots(rows, cols, squeeze=False, figsize=(5.2 * cols, 3.6 * rows),
                             layout="constrained")
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return plt, fig, list(axes.flat[:count])


def _save(path: Path, fig) -> Path:
    try:
        return atomic.save_figure(path, fig, dpi=120)
    finally:
        _pyplot().close(fig)


def _baseline_line(ax, level) -> None:
    ax.axhline(level.mean, color="0.35", linestyle="--", linewidth=1.2, label="random init")


def line_figure(path: Path, records: Sequence[dict[str, Any]], *, x_field: int,
                x_label: str) -> Path:
    """Top-1 against row field ``x_field`` (an index into ``ROW_FIELDS``), log x, one line per
    remaining row fields; one panel per column."""
    columns, base = columns_of(records), baselines(records)
    plt, fig, axes = _panels(len(columns))
    for ax, column in zip(axes, columns):
        series: dict[tuple, list[Summary]] = {}
        for s in summarise(records):
            if s.column == column:
                series.setdefault(s.row[:x_field] + s.row[x_field + 1:], []).append(s)
        for points in series.values():
            points.sort(key=lambda s: s.row[x_field])
            label = series_label(points[0].row, drop=x_field)
            ax.errorbar([s.row[x_field] for s in points], [s.top1.mean for s in points],
                        yerr=[s.top1.std for s in points], marker="o", capsize=3, label=label)
        _baseline_line(ax, base[column])
        xs = sorted({s.row[x_field] for s in summarise(records)})
        ax.set_xscale("log", base=2)
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.set_xlabel(x_label)
        ax.set_ylabel("top-1 (%)")
        ax.set_title(column_title(column), fontsize=9)
        ax.legend(fontsize=7)
    return _save(path, fig)


def series_label(row: tuple, *, drop: int) -> str:
    """"supcon, raw, disk, 2 ep, 16 programs" without the field ``drop`` (the x axis)."""
    words = row_cells(row)
    words[3], words[4] = f"{words[3]} ep", f"{words[4]} programs"
    return ", ".join(w for i, w in enumerate(words) if i != drop)


def mixup_figure(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    """Bars per (method, data, epochs) and mixing, at the largest program count of each group."""
    columns, base = columns_of(records), baselines(records)
    plt, fig, axes = _panels(len(columns))
    for ax, column in zip(axes, columns):
        points = [s for s in summarise(records) if s.column == column]
        groups = _largest_program_groups(points)
        mixes = sorted({s.row[1] for s in points})
        width = 0.8 / len(mixes)
        for j, k in enumerate(mixes):
            xs = [i + (j - (len(mixes) - 1) / 2) * width for i in range(len(groups))]
            heights = [g.get(k) for g in groups.values()]
            ax.bar(xs, [h.top1.mean if h else float("nan") for h in heights], width,
                   yerr=[h.top1.std if h else 0 for h in heights], capsize=3,
                   label="raw" if k == 1 else f"MixUp-{k}")
        _baseline_line(ax, base[column])
        ax.set_xticks(range(len(groups)), [_group_label(g) for g in groups], fontsize=7)
        ax.set_ylabel("top-1 (%)")
        ax.set_title(column_title(column), fontsize=9)
        ax.legend(fontsize=7)
    return _save(path, fig)


def _largest_program_groups(points: Sequence[Summary]) -> dict[tuple, dict[int, Summary]]:
    """(method, data, epochs, programs) -> {mixup_k: summary}, the largest programs each."""
    largest: dict[tuple, int] = {}
    for s in points:
        group = (s.row[0], s.row[2], s.row[3])
        largest[group] = max(largest.get(group, 0), s.row[4])
    out: dict[tuple, dict[int, Summary]] = {}
    for s in points:
        group = (s.row[0], s.row[2], s.row[3])
        if s.row[4] == largest[group]:
            out.setdefault(group + (s.row[4],), {})[s.row[1]] = s
    return out


def _group_label(group: tuple) -> str:
    method, data, epochs, programs = group
    return f"{method}\n{data}, {epochs} ep, {programs} prog"


FIGURES: dict[str, Callable[[Path, Sequence[dict[str, Any]]], Path]] = {
    "accuracy_vs_programs.png": lambda p, r: line_figure(p, r, x_field=4,
                                                         x_label="programs (log scale)"),
    "raw_vs_mixup.png": mixup_figure,
}


def write_figures(out_dir: Path, records: Sequence[dict[str, Any]]) -> list[Path]:
    """Every figure of the study into ``out_dir``; training length only with several."""
    paths = [make(out_dir / name, records) for name, make in FIGURES.items()]
    if len({r["epochs"] for r in records}) > 1:
        paths.append(line_figure(out_dir / "accuracy_vs_epochs.png", records, x_field=3,
                                 x_label="training epochs (log scale)"))
    return paths
