"""Evaluation results as a pivot table: one row per model, one column per (dataset, probe).

Pure functions over the payloads that ``eval.knn`` / ``eval.linear`` write (``knn.json``,
``linear.json``); reading the files and writing tables and figures is ``eval.report``'s job.

A model is identified by its weights (``payload["weights"]``: the checkpoint's sha256 or the
random-init seed) and labelled by the run folder holding its checkpoint
(``runs/supcon/backbone_torchvision.pt`` -> ``supcon``), by ``backbone_label`` for a random-init
baseline, else by the folder holding the result JSON. Two models whose labels collide get more
of their checkpoint path (``a/supcon``, ``b/supcon``). A probe named ``<probe>_train`` (the
linear probe's accuracy on its own fit split) is kept apart from held-out accuracy: its split is
``"train"``, every other result's is ``"test"``.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import PurePath
from typing import Any, Iterable, Mapping, Sequence

from eval.errors import EvalError

TRAIN_SUFFIX = "_train"
METRICS = ("top1", "top5")


@dataclasses.dataclass(frozen=True)
class Result:
    """One accuracy of one model on one dataset with one probe, from file ``source``."""

    model: str
    dataset: str
    probe: str
    split: str
    top1: float | None
    top5: float | None
    source: str


@dataclasses.dataclass(frozen=True)
class Pivot:
    """``cells[(model, (dataset, probe))]``: the ``metric`` of ``split``; models in input order."""

    metric: str
    split: str
    models: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]
    cells: Mapping[tuple[str, tuple[str, str]], float | None]

    def value(self, model: str, column: tuple[str, str]) -> float | None:
        return self.cells.get((model, column))


def column_name(column: tuple[str, str]) -> str:
    """``(dataset, probe)`` -> ``"dataset / probe"``, the header used in every table."""
    return f"{column[0]} / {column[1]}"


def _model_key(payload: Mapping[str, Any], source: PurePath) -> str:
    return str(payload.get("weights") or payload.get("backbone_label") or source.parent)


def _label_path(payload: Mapping[str, Any], source: PurePath) -> tuple[str, ...]:
    """Path parts a label is cut from, nearest last (empty: use ``backbone_label``)."""
    backbone = (payload.get("config") or {}).get("backbone") or {}
    if backbone.get("random_init"):
        return ()
    checkpoint = backbone.get("checkpoint")
    if checkpoint:
        parts = PurePath(checkpoint).parts
        return parts[:-1] if len(parts) > 1 else (PurePath(checkpoint).stem,)
    return PurePath(source).parent.parts


def model_labels(items: Sequence[tuple[Mapping[str, Any], PurePath]]) -> dict[str, str]:
    """Unique label per model key (see the module docstring), for ``(payload, source)`` pairs."""
    paths: dict[str, tuple[str, ...]] = {}
    fallback: dict[str, str] = {}
    for payload, source in items:
        key = _model_key(payload, source)
        paths.setdefault(key, _label_path(payload, source))
        fallback.setdefault(key, str(payload.get("backbone_label") or key))
    depth = {key: 1 for key in paths}
    while True:
        labels = {key: "/".join(parts[-depth[key]:]) if parts else fallback[key]
                  for key, parts in paths.items()}
        clashes = [k for k in labels if list(labels.values()).count(labels[k]) > 1
                   and depth[k] < len(paths[k])]
        if not clashes:
            break
        for key in clashes:
            depth[key] += 1
    for key, label in labels.items():
        if list(labels.values()).count(label) > 1:
            labels[key] = f"{label} [{key.split(':')[-1][:8]}]"
    return labels


def payload_results(payload: Mapping[str, Any], source: str, model: str) -> list[Result]:
    """One :class:`Result` per entry of ``payload["results"]``."""
    results = payload.get("results")
    if not isinstance(results, Mapping) or not results:
        raise EvalError(f"{source}: no 'results' in this file (give the knn.json / linear.json "
                        f"of eval.knn / eval.linear, or their folder)")
    dataset = str(payload.get("dataset") or "?")
    out = []
    for method, accuracy in results.items():
        split = "train" if method.endswith(TRAIN_SUFFIX) else "test"
        probe = method[:-len(TRAIN_SUFFIX)] if split == "train" else method
        out.append(Result(model, dataset, probe, split, accuracy.get("top1"),
                          accuracy.get("top5"), source))
    return out


def collect_results(items: Sequence[tuple[Mapping[str, Any], PurePath]],
                    labels: Mapping[str, str] | None = None) -> list[Result]:
    """Results of every ``(payload, source)``; ``labels`` renames models (``old: new``, where
    ``old`` is a derived label or a checkpoint path)."""
    derived = model_labels(items)
    renames = dict(labels or {})
    out: list[Result] = []
    for payload, source in items:
        label = derived[_model_key(payload, source)]
        checkpoint = ((payload.get("config") or {}).get("backbone") or {}).get("checkpoint")
        label = renames.get(label, renames.get(str(checkpoint), label))
        out.extend(payload_results(payload, str(source), label))
    return out


def pivot(results: Iterable[Result], metric: str = "top1", split: str = "test") -> Pivot:
    """The ``metric`` of every ``split`` result, models as rows, (dataset, probe) as columns:
    datasets in the order met, probes in natural order (``knn_k5``, ``knn_k20``, ``linear_sgd``).

    Raises EvalError for an unknown metric, or when two files give the same cell.
    """
    if metric not in METRICS:
        raise EvalError(f"metric: {metric!r} is not one of {', '.join(METRICS)}")
    models: dict[str, None] = {}
    columns: dict[tuple[str, str], None] = {}
    cells: dict[tuple[str, tuple[str, str]], float | None] = {}
    origin: dict[tuple[str, tuple[str, str]], str] = {}
    for r in results:
        if r.split != split:
            continue
        cell = (r.model, (r.dataset, r.probe))
        if cell in cells:
            raise EvalError(f"{r.source}: {r.model} on {column_name(cell[1])} ({split}) is also "
                            f"in {origin[cell]}; give each run a distinct --label")
        models.setdefault(r.model)
        columns.setdefault(cell[1])
        cells[cell], origin[cell] = getattr(r, metric), r.source
    datasets = list(dict.fromkeys(d for d, _ in columns))
    order = sorted(columns, key=lambda c: (datasets.index(c[0]), _natural(c[1])))
    return Pivot(metric, split, tuple(models), tuple(order), cells)


def _natural(text: str) -> list[Any]:
    """Sort key that puts ``knn_k5`` before ``knn_k20``."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text)]


def rounded(value: float | None, decimals: int) -> float | None:
    """``value`` rounded half-to-even to ``decimals`` places (None stays None)."""
    return None if value is None else round(float(value), decimals)


def pivot_rows(table: Pivot, decimals: int) -> list[dict[str, Any]]:
    """Rows ``{"model": label, "<dataset> / <probe>": rounded value, ...}`` for tables."""
    return [{"model": model, **{column_name(c): rounded(table.value(model, c), decimals)
                                for c in table.columns}} for model in table.models]


def pivot_payload(table: Pivot, decimals: int) -> dict[str, Any]:
    """JSON form: metric, split, models, columns and ``values[model][column]`` (rounded)."""
    return {"metric": table.metric, "split": table.split, "models": list(table.models),
            "columns": [{"dataset": d, "probe": p, "name": column_name((d, p))}
                        for d, p in table.columns],
            "values": {row.pop("model"): row for row in pivot_rows(table, decimals)}}

