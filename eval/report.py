"""Tables (markdown + CSV) and figures (matplotlib, Agg backend) from evaluation results.

Pure formatting of rows plus atomic writers. ``python -m eval.report RESULT.json... --out DIR``
collects the JSON files written by ``eval.knn`` / ``eval.linear`` into ``results.md``,
``results.csv`` and ``results.png``.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from eval import atomic
from eval.cli import configure_logging
from eval.errors import EvalError


def format_cell(value: Any) -> str:
    """Floats with 2 decimals (4 when below 1 in magnitude), None as empty, others via str."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.4f}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A GitHub markdown table of ``rows`` restricted to ``columns`` (missing cells empty)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(format_cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header line; values unformatted (full precision)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c) for c in columns})
    return buffer.getvalue()


def write_tables(stem: str | Path, rows: Sequence[dict[str, Any]],
                 columns: Sequence[str]) -> tuple[Path, Path]:
    """Write ``<stem>.md`` and ``<stem>.csv`` atomically; returns both paths."""
    stem = Path(stem)
    md = atomic.write_text(stem.with_suffix(".md"), markdown_table(rows, columns))
    return md, atomic.write_text(stem.with_suffix(".csv"), csv_text(rows, columns))


def write_json(path: str | Path, payload: Any) -> Path:
    """Pretty JSON, atomically."""
    return atomic.write_text(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")


def read_csv_rows(path: str | Path) -> list[dict[str, str]]:
    """Rows of a CSV file with a header line, as dicts of strings."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def accuracy_rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per method of a knn/linear result JSON: model, dataset, method, top1, top5."""
    return [{"model": payload.get("backbone_label"), "dataset": payload.get("dataset"),
             "method": method, "top1": acc.get("top1"), "top5": acc.get("top5")}
            for method, acc in payload.get("results", {}).items()]


ACCURACY_COLUMNS = ("model", "dataset", "method", "top1", "top5")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (average ranks for ties); NaN with fewer than 2 finite pairs."""
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = np.isfinite(a) & np.isfinite(b)
    if keep.sum() < 2:
        return float("nan")
    ra, rb = _average_ranks(a[keep]), _average_ranks(b[keep])
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values), dtype=np.float64)
    for value in np.unique(values):
        tied = values == value
        ranks[tied] = ranks[tied].mean()
    return ranks


def scatter_plot(path: str | Path, x: Sequence[float], y: Sequence[float], *, x_label: str,
                 y_label: str) -> Path:
    """A scatter of ``y`` against ``x`` with the Spearman rho in the title, PNG."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.5, 3.5))
    ax.scatter(x, y, s=12, alpha=0.7)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(f"{y_label} vs {x_label} (Spearman {spearman(x, y):.2f})", fontsize=9)
    fig.tight_layout()
    try:
        return atomic.save_figure(path, fig)
    finally:
        plt.close(fig)


def accuracy_bar_chart(path: str | Path, rows: Sequence[dict[str, Any]]) -> Path:
    """Grouped horizontal bars of top-1 per (model, dataset, method) row, PNG."""
    plt = _pyplot()
    labels = [f"{r['model']} / {r['dataset']} / {r['method']}" for r in rows]
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(rows) + 1.2))
    ax.barh(range(len(rows)), [float(r["top1"] or 0) for r in rows])
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.set_xlabel("top-1 accuracy (%)")
    fig.tight_layout()
    try:
        return atomic.save_figure(path, fig)
    finally:
        plt.close(fig)


def collect(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Accuracy rows of every result JSON in ``paths``; EvalError names an unreadable file."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        try:
            payload = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise EvalError(f"{path}: cannot read result JSON ({err})") from err
        rows.extend(accuracy_rows(payload))
    return rows


def main(argv: list[str] | None = None) -> int:
    """``python -m eval.report RESULT.json... --out DIR``: one table and one figure."""
    parser = argparse.ArgumentParser(prog="python -m eval.report", description=main.__doc__)
    parser.add_argument("results", nargs="+", help="JSON files from eval.knn / eval.linear")
    parser.add_argument("--out", required=True, help="output folder")
    args = parser.parse_args(argv)
    configure_logging()
    rows = collect(args.results)
    out = Path(args.out)
    write_tables(out / "results", rows, ACCURACY_COLUMNS)
    if rows:
        accuracy_bar_chart(out / "results.png", rows)
    print(markdown_table(rows, ACCURACY_COLUMNS), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
