"""eval.report and eval.results_table: the pivot table's numbers and labels, tables, figure."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path, PurePath

import pytest

from eval import report, results_table
from eval.errors import EvalError


def _payload(dataset: str, results: dict, *, checkpoint: str = "", seed: int = 0) -> dict:
    """What eval.knn / eval.linear write, reduced to the keys the report reads."""
    random_init = not checkpoint
    return {"dataset": dataset, "results": results,
            "weights": f"sha256:{abs(hash(checkpoint)):016x}" if checkpoint
            else f"random-init:resnet18:seed={seed}",
            "backbone_label": f"random-init resnet18 (seed {seed})" if random_init
            else f"resnet18 {Path(checkpoint).name}",
            "config": {"backbone": {"name": "resnet18", "checkpoint": checkpoint,
                                    "random_init": random_init, "seed": seed}}}


def _acc(top1: float, top5: float = 100.0) -> dict:
    return {"top1": top1, "top5": top5}


@pytest.fixture
def result_files(tmp_path: Path) -> list[Path]:
    """Two models (a SupCon run and the random-init baseline) x two datasets x (k-NN, linear)."""
    ckpt = str(tmp_path / "runs/supcon/backbone_torchvision.pt")
    numbers = {  # (model, dataset): (knn_k20, linear test, linear train)
        ("trained", "mnist"): (79.456, 91.1234, 99.987),
        ("trained", "fashion_mnist"): (72.5, 78.875, 88.0),
        ("random", "mnist"): (92.1, 93.149, 95.5),
        ("random", "fashion_mnist"): (80.4, 80.3, 84.25),
    }
    paths = []
    for (model, dataset), (knn, lin, lin_train) in numbers.items():
        folder = tmp_path / "eval" / f"{dataset}-{model}"
        kw = {"checkpoint": ckpt} if model == "trained" else {}
        knn_payload = _payload(dataset, {"knn_k20": _acc(knn)}, **kw)
        lin_payload = _payload(dataset, {"linear_sgd": _acc(lin),
                                         "linear_sgd_train": _acc(lin_train)}, **kw)
        paths.append(report.write_json(folder / "knn.json", knn_payload))
        paths.append(report.write_json(folder / "linear.json", lin_payload))
    return paths


def test_pivot_cells_are_the_input_numbers_rounded(tmp_path, result_files):
    assert report.main([*map(str, result_files), "--out", str(tmp_path / "table")]) == 0
    data = json.loads((tmp_path / "table/results.json").read_text())
    test = data["tables"]["test"]
    assert test["models"] == ["supcon", "random-init resnet18 (seed 0)"]
    assert [c["name"] for c in test["columns"]] == [
        "mnist / knn_k20", "mnist / linear_sgd", "fashion_mnist / knn_k20",
        "fashion_mnist / linear_sgd"]
    assert test["values"]["supcon"] == {"mnist / knn_k20": 79.46, "mnist / linear_sgd": 91.12,
                                        "fashion_mnist / knn_k20": 72.5,
                                        "fashion_mnist / linear_sgd": 78.88}
    assert test["values"]["random-init resnet18 (seed 0)"]["mnist / linear_sgd"] == 93.15
    train = data["tables"]["train"]
    assert [c["name"] for c in train["columns"]] == ["mnist / linear_sgd",
                                                     "fashion_mnist / linear_sgd"]
    assert train["values"]["supcon"] == {"mnist / linear_sgd": 99.99,
                                         "fashion_mnist / linear_sgd": 88.0}


def test_markdown_and_csv_keep_train_accuracy_apart(tmp_path, result_files):
    report.main([*map(str, result_files), "--out", str(tmp_path / "t"), "--decimals", "1"])
    markdown = (tmp_path / "t/results.md").read_text()
    held_out, train = markdown.split("train split")
    assert "| supcon | 79.5 | 91.1 | 72.5 | 78.9 |" in held_out
    assert "| supcon | 100.0 | 88.0 |" in train
    assert "99.99" not in markdown and "100.0" not in held_out
    with open(tmp_path / "t/results.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["model"] == "supcon"
    assert rows[0]["mnist / linear_sgd"] == "91.1"
    assert rows[0]["mnist / linear_sgd (train)"] == "100.0"
    assert rows[1]["fashion_mnist / knn_k20"] == "80.4"


def test_figure_has_a_test_panel_and_a_train_panel_with_the_cell_heights(result_files):
    items = report.read_payloads(result_files)
    results = results_table.collect_results(items)
    panels = [results_table.pivot(results, "top1", s) for s in ("test", "train")]
    fig = report.accuracy_figure(panels)
    try:
        test_ax, train_ax = fig.axes
        heights = [bar.get_height() for bar in test_ax.patches]
        # bars are drawn model by model: supcon's four columns, then random-init's
        assert heights[:4] == pytest.approx([79.456, 91.1234, 72.5, 78.875])
        assert [b.get_height() for b in train_ax.patches] == pytest.approx(
            [99.987, 88.0, 95.5, 84.25])
        assert "train" in train_ax.get_title() and "train" not in test_ax.get_title()
    finally:
        report._pyplot().close(fig)


def test_label_option_renames_a_model(tmp_path, result_files):
    out = tmp_path / "t"
    assert report.main([*map(str, result_files), "--out", str(out), "--label", "supcon=SupCon R18",
                        "--label", "random-init resnet18 (seed 0)=random"]) == 0
    assert json.loads((out / "results.json").read_text())["tables"]["test"]["models"] == [
        "SupCon R18", "random"]
    assert report.main([str(result_files[0]), "--out", str(out), "--label", "nonsense"]) == 2


def test_runs_with_the_same_folder_name_get_longer_labels():
    items = [(_payload("mnist", {"knn_k20": _acc(1.0)}, checkpoint=f"runs/{x}/supcon/ckpt.pt"),
              PurePath(f"e/{x}/knn.json")) for x in ("a", "b")]
    items.append((_payload("mnist", {"knn_k20": _acc(2.0)}, checkpoint="runs/moco/ckpt.pt"),
                  PurePath("e/c/knn.json")))
    labels = results_table.model_labels(items)
    assert sorted(labels.values()) == ["a/supcon", "b/supcon", "moco"]


def test_label_falls_back_to_the_folder_holding_the_json():
    payload = {"dataset": "digits", "results": {"knn_k5": _acc(90.0)}}
    assert list(results_table.model_labels([(payload, PurePath("runs/x/knn.json"))]).values()) \
        == ["x"]


def test_two_files_for_the_same_cell_are_an_error(tmp_path, result_files):
    copy = tmp_path / "copy" / "knn.json"
    copy.parent.mkdir()
    copy.write_text(result_files[0].read_text())
    results = results_table.collect_results(report.read_payloads([result_files[0], copy]))
    with pytest.raises(EvalError, match="also in"):
        results_table.pivot(results)


def test_unreadable_or_empty_result_is_reported(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert report.main([str(bad), "--out", str(tmp_path / "o")]) == 2
    bad.write_text("{}")
    with pytest.raises(EvalError, match="no 'results'"):
        results_table.collect_results(report.read_payloads([bad]))


def test_markdown_and_csv_tables():
    rows = [{"model": "r18", "top1": 91.234, "top5": 0.5}, {"model": "r50", "top1": None}]
    md = report.markdown_table(rows, ["model", "top1", "top5"])
    assert md.splitlines()[2] == "| r18 | 91.23 | 0.5000 |"
    assert md.splitlines()[3] == "| r50 |  |  |"
    assert report.markdown_table(rows, ["top5"], decimals=1).splitlines()[2] == "| 0.5 |"
    assert report.csv_text(rows, ["model", "top1"]).splitlines() == [
        "model,top1", "r18,91.234", "r50,"]


def test_spearman_matches_known_values():
    assert report.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert report.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert report.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486832980505138)
    assert math.isnan(report.spearman([1, None], [2, 3]))


def test_per_run_rows_name_the_run_folder():
    payload = _payload("mnist", {"knn_k5": _acc(50.0)}, checkpoint="runs/simclr/backbone.pt")
    assert report.accuracy_rows(payload)[0]["model"] == "simclr"


def test_columns_keep_dataset_order_and_sort_probes_naturally():
    results = [results_table.Result("m", d, probe, "test", 1.0, 2.0, "f")
               for d, probe in (("mnist", "linear_sgd"), ("mnist", "knn_k20"),
                                ("cifar", "knn_k20"), ("mnist", "knn_k5"))]
    assert results_table.pivot(results).columns == (
        ("mnist", "knn_k5"), ("mnist", "knn_k20"), ("mnist", "linear_sgd"), ("cifar", "knn_k20"))


def test_folders_are_searched_for_result_files(tmp_path, result_files):
    assert report.result_files([tmp_path / "eval"]) == sorted(result_files)
    assert report.main([str(tmp_path / "eval"), "--out", str(tmp_path / "t")]) == 0
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvalError, match="no knn.json or linear.json"):
        report.result_files([tmp_path / "empty"])
