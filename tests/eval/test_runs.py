"""End to end: ``main([...])`` of eval.knn and eval.linear on a tiny ImageFolder."""
from __future__ import annotations

import json

from PIL import Image

from eval.knn import main as knn_main
from eval.linear import main as linear_main
from eval.retrieval import grid_size


def _common(image_folder, tmp_path):
    return ["--dataset", "imagefolder", "--data-root", str(image_folder), "--resolution", "32",
            "--cache-dir", str(tmp_path / "cache"), "--batch-size", "8"]


def test_knn_cli_random_init_writes_json_table_and_retrieval_grid(tmp_path, image_folder,
                                                                    capsys):
    out = tmp_path / "knn"
    code = knn_main(_common(image_folder, tmp_path) + [
        "--random-init", "--seed", "1", "--out", str(out), "--set", "knn.ks=[1,5]",
        "--set", "retrieval.rows=4", "--set", "retrieval.cell=20"])
    assert code == 0
    payload = json.loads((out / "knn.json").read_text())
    assert set(payload["results"]) == {"knn_k1", "knn_k5"}
    assert payload["weights"].startswith("random-init:resnet18:seed=1")
    assert payload["n_train"] == 18 and payload["n_val"] == 9 and payload["feature_dim"] == 512
    assert payload["results"]["knn_k5"]["top5"] == 100.0   # 3 classes: top-5 always hits
    assert "| knn_k1 |" in capsys.readouterr().out
    with Image.open(out / "retrieval.png") as grid:
        assert grid.size == grid_size(rows=4, k=5, cell=20)
    assert (out / "knn.md").is_file() and (out / "knn.csv").is_file()


def test_linear_cli_on_saved_torchvision_state_dict(tmp_path, image_folder, resnet18_state_file):
    out = tmp_path / "linear"
    args = _common(image_folder, tmp_path) + ["--checkpoint", str(resnet18_state_file),
                                              "--out", str(out)]
    assert linear_main(args + ["--set", "probe.method=lbfgs"]) == 0
    payload = json.loads((out / "linear.json").read_text())
    assert payload["weights"].startswith("sha256:")
    assert payload["cache_hits"] == {"train": False, "val": False}
    assert payload["results"]["linear_lbfgs_train"]["top1"] == 100.0
    assert 0.0 <= payload["results"]["linear_lbfgs"]["top1"] <= 100.0
    assert (out / "probe.pt").is_file()
    # A second run with the paper's SGD protocol reuses the cached features.
    assert linear_main(args + ["--set", "probe.epochs=5"]) == 0
    again = json.loads((out / "linear.json").read_text())
    assert again["cache_hits"] == {"train": True, "val": True}
    assert "linear_sgd" in again["results"]


def test_knn_and_linear_cli_accept_both_backbone_sources(tmp_path, image_folder,
                                                         resnet18_state_file):
    for source in (["--random-init"], ["--checkpoint", str(resnet18_state_file)]):
        for name, main in (("knn", knn_main), ("linear", linear_main)):
            out = tmp_path / f"{name}-{len(source)}"
            args = _common(image_folder, tmp_path) + source + [
                "--out", str(out), "--set", "knn.ks=[5]" if name == "knn"
                else "probe.method=ridge"]
            assert main(args) == 0
            payload = json.loads((out / f"{name}.json").read_text())
            assert payload["weights"].split(":")[0] == ("random-init" if len(source) == 1
                                                        else "sha256")


def test_cli_rejects_unknown_config_key(tmp_path, image_folder):
    assert knn_main(_common(image_folder, tmp_path) + [
        "--random-init", "--out", str(tmp_path / "o"), "--set", "knn.kk=3"]) == 2


def test_feature_extraction_and_the_probe_fit_show_progress_unless_quiet(tmp_path, image_folder,
                                                                          capsys):
    args = _common(image_folder, tmp_path) + ["--random-init", "--set", "probe.epochs=3"]
    assert linear_main(args + ["--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "features (train): 100%" in err and "18/18" in err and "img/s" in err
    assert "features (val): 100%" in err and "9/9" in err
    assert "linear probe (sgd): 100%" in err and "3/3" in err
    assert linear_main(args + ["--out", str(tmp_path / "b"), "--no-cache", "--quiet"]) == 0
    assert "features" not in capsys.readouterr().err
