"""Tables (markdown + CSV + JSON) and figures (matplotlib, Agg backend) from evaluation results.

Pure formatting of rows plus atomic writers. ``python -m eval.report RESULT.json... --out DIR``
collects the JSON files written by ``eval.knn`` / ``eval.linear`` into a pivot table (one row per
model, labelled by its run folder or ``--label``; one column per dataset / probe; see
``eval.results_table``): ``results.md``, ``results.csv``, ``results.json`` with rounded numbers,
and ``results.png``, grouped bars with held-out and train accuracy in separate panels.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from pathlib import Path, PurePath
from typing import Any, Iterable, Sequence

import numpy as np

from eval import atomic, results_table
from eval.cli import configure_logging
from eval.errors import EvalError, InputFileError
from glsl_transpile.plumbing import command_line


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


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *,
                   decimals: int | None = None) -> str:
    """A GitHub markdown table of ``rows`` restricted to ``columns`` (missing cells empty).

    Floats print through :func:`format_cell`, or with exactly ``decimals`` places when given.
    """
    def cell(value: Any) -> str:
        if decimals is not None and isinstance(value, float) and math.isfinite(value):
            return f"{value:.{decimals}f}"
        return format_cell(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell(row.get(c)) for c in columns) + " |")
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
    """Rows of a CSV file with a header line, as dicts of strings.

    Raises:
        InputFileError: the file is missing or unreadable.
    """
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        reason = getattr(err, "strerror", None) or err
        raise InputFileError(str(path), f"cannot read CSV: {reason}") from err


def read_scores(path: str | Path, program_column: str = "program",
                score_column: str = "score") -> dict[str, float]:
    """Program name -> score of a scores CSV (rows with an empty score are left out).

    Raises:
        InputFileError: unreadable file, missing columns, or a score that is not a number.
    """
    rows = read_csv_rows(path)
    if not rows or program_column not in rows[0] or score_column not in rows[0]:
        found = sorted(rows[0]) if rows else "no rows"
        raise InputFileError(str(path), f"needs rows with columns {program_column!r} and "
                                        f"{score_column!r} (has {found})")
    scores = {}
    for line, row in enumerate(rows, start=2):
        if row[score_column] in ("", None):
            continue
        try:
            scores[row[program_column]] = float(row[score_column])
        except ValueError:
            raise InputFileError(str(path), f"line {line}: {score_column} "
                                            f"{row[score_column]!r} is not a number") from None
    return scores


def accuracy_rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per method of a knn/linear result JSON: model (its run folder, see
    ``eval.results_table``), dataset, method, top1, top5."""
    model = results_table.model_labels([(payload, PurePath("."))])
    return [{"model": next(iter(model.values())), "dataset": payload.get("dataset"),
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


def accuracy_figure(panels: Sequence[results_table.Pivot]) -> Any:
    """Grouped bars, one panel per pivot (held-out accuracy, then train accuracy): one group per
    (dataset, probe) column, one bar per model, the same colour for a model in every panel."""
    plt = _pyplot()
    models = list(dict.fromkeys(m for p in panels for m in p.models))
    colours = {m: plt.get_cmap("tab10")(i % 10) for i, m in enumerate(models)}
    width = 0.8 / max(1, len(models))
    fig, axes = plt.subplots(len(panels), 1, squeeze=False, layout="constrained",
                             figsize=(max(5.0, 1.1 * max(len(p.columns) for p in panels) + 2),
                                      3.2 * len(panels) + 0.4))
    for ax, table in zip(axes[:, 0], panels):
        for j, model in enumerate(models):
            heights = [table.value(model, c) for c in table.columns]
            ax.bar([i + (j - (len(models) - 1) / 2) * width for i in range(len(heights))],
                   [float("nan") if h is None else h for h in heights], width,
                   label=model, color=colours[model])
        ax.set_xticks(range(len(table.columns)),
                      [results_table.column_name(c) for c in table.columns], fontsize=7,
                      rotation=20, ha="right")
        ax.set_ylabel(f"{table.metric} accuracy (%)")
        ax.set_ylim(0, 100)
        ax.set_title(SPLIT_TITLES[table.split], fontsize=9)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=min(3, len(models)),
               fontsize=7, frameon=False)
    return fig


SPLIT_TITLES = {"test": "held-out split", "train": "train split (the probe's own fit data)"}


RESULT_NAMES = ("knn.json", "linear.json")


def result_files(paths: Iterable[str | Path]) -> list[Path]:
    """The given files, and the ``knn.json`` / ``linear.json`` files found under given folders
    (sorted). Raises EvalError for a folder that holds none."""
    out: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            out.append(path)
            continue
        found = sorted(p for name in RESULT_NAMES for p in path.rglob(name))
        if not found:
            raise EvalError(f"{path}: no {' or '.join(RESULT_NAMES)} under this folder")
        out.extend(sorted(found))
    return out


def read_payloads(paths: Iterable[str | Path]) -> list[tuple[dict[str, Any], PurePath]]:
    """``(payload, path)`` of every result JSON (folders: see :func:`result_files`);
    EvalError names an unreadable file."""
    out = []
    for path in result_files(paths):
        try:
            payload = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise EvalError(f"{path}: cannot read result JSON ({err})") from err
        if not isinstance(payload, dict):
            raise EvalError(f"{path}: not a result object")
        out.append((payload, PurePath(path)))
    return out


def write_report(out: Path, results: Sequence[results_table.Result], *, metric: str = "top1",
                 decimals: int = 2) -> str:
    """``results.{json,md,csv,png}`` under ``out``; returns the Markdown.

    The tables hold held-out accuracy; train-split accuracy, where present, is a second table
    (Markdown, JSON) or its own columns marked ``(train)`` (CSV), and the figure's second panel.
    """
    panels = [results_table.pivot(results, metric, split) for split in SPLIT_TITLES]
    panels = [p for p in panels if p.columns]
    if not panels:
        raise EvalError("no results to report")
    sections, csv_rows = [], {}
    for table in panels:
        rows = results_table.pivot_rows(table, decimals)
        columns = ["model"] + [results_table.column_name(c) for c in table.columns]
        sections.append(f"{metric} accuracy (%), {SPLIT_TITLES[table.split]}\n\n"
                        + markdown_table(rows, columns, decimals=decimals))
        suffix = "" if table.split == "test" else f" ({table.split})"
        for row in rows:
            csv_rows.setdefault(row["model"], {"model": row["model"]}).update(
                {k + suffix: v for k, v in row.items() if k != "model"})
    markdown = "\n".join(sections)
    atomic.write_text(out / "results.md", markdown)
    csv_columns = list(dict.fromkeys(k for row in csv_rows.values() for k in row))
    atomic.write_text(out / "results.csv", csv_text(list(csv_rows.values()), csv_columns))
    write_json(out / "results.json", {
        "metric": metric, "decimals": decimals,
        "tables": {p.split: results_table.pivot_payload(p, decimals) for p in panels},
        "results": [{**dataclasses.asdict(r), "top1": results_table.rounded(r.top1, decimals),
                     "top5": results_table.rounded(r.top5, decimals)} for r in results]})
    fig = accuracy_figure(panels)
    try:
        atomic.save_figure(out / "results.png", fig, dpi=150)
    finally:
        _pyplot().close(fig)
    return markdown


def _label_overrides(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise EvalError(f"--label: expected OLD=NEW, got {pair!r}")
        out[old] = new
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m eval.report RESULT.json... --out DIR``: a pivot table (model x dataset /
    probe) as results.md, results.csv, results.json, and a grouped-bar figure results.png."""
    parser = command_line.new_parser("python -m eval.report", main.__doc__)
    parser.add_argument("results", nargs="+", help="knn.json / linear.json files of eval.knn / "
                        "eval.linear, or folders holding them (searched recursively)")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--label", action="append", default=[], metavar="OLD=NEW",
                        help="rename a model: OLD is its derived label (the run folder) or its "
                             "checkpoint path; repeatable")
    parser.add_argument("--metric", default="top1", choices=results_table.METRICS,
                        help="which accuracy the tables show")
    parser.add_argument("--decimals", type=int, default=2, help="rounding of every number")
    command_line.add_verbosity_arguments(parser)
    args = parser.parse_args(argv)
    configure_logging(command_line.log_level(args))

    def body() -> int:
        results = results_table.collect_results(read_payloads(args.results),
                                                _label_overrides(args.label))
        print(write_report(Path(args.out), results, metric=args.metric,
                           decimals=args.decimals), end="")
        return 0

    return command_line.guarded(body, usage_errors=(EvalError,))


if __name__ == "__main__":
    raise SystemExit(main())
