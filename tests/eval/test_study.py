"""eval.study: a tiny real study (built-in programs rendered on lavapipe, ResNet-18 trained for
two steps, evaluated on scikit-learn's digits), stopped by Ctrl-C in the training of its second
cell and started again; then the command line and the pure parts (grid, program subsets,
protocol, table) on their own."""
from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import re
from pathlib import Path

import pytest
import torch
import yaml
from PIL import Image

import eval.study_cell as study_cell
import eval.study_data as study_data
from eval.backbones import load_backbone
from eval.config import BackboneConfig, as_dict
from eval.errors import StudyError
from eval.study import main
from eval.study_cells import Cell, Skipped, cells, choose_programs, dataset_plan, render_argv
from eval.study_config import StudyConfig, load_study_config
from eval.study_report import gain_table, markdown_table, study_markdown, text_chart
from glsl_transpile import load_sources
from glsl_transpile.plumbing.config import ConfigError
from train.checkpoint import seed_everything

RECORD_FIELDS = {"method", "programs", "images", "mixup_k", "seed", "eval_dataset", "probe",
                 "top1", "baseline_top1", "train_seconds", "run_dir"}
REPO = Path(__file__).resolve().parents[2]

TINY_RECIPE = """\
data: {batch_size: 8, num_workers: 0, augment: {crop_size: 16, blur_sigma: [0.1, 0.5]}}
model: {embed_dim: 16}
optim: {base_lr: 0.03}
run: {device: cpu, epochs: 1, tensorboard: false}
"""


def tiny_study(root: Path) -> Path:
    """Two SimCLR cells (1 and 2 programs, 16 images of 16 px, 2 steps each), MixUp-6 cells that
    cannot exist (skipped), MoCo cells whose recipe is missing (failed); digits at 16 px."""
    (root / "tiny.yaml").write_text(TINY_RECIPE)
    study = {
        "grid": {"programs": [1, 2], "methods": ["simclr", "moco"], "mixup": [1, 6]},
        "pretrain": {"images": 16, "resolution": 16,
                     "recipes": {"simclr": str(root / "tiny.yaml"),
                                 "moco": str(root / "missing.yaml")}},
        "eval": {"datasets": ["digits"], "resolution": 16, "limit_train": 120, "limit_val": 60,
                 "knn": {"ks": [5]}, "linear": {"epochs": 5}, "retrieval_rows": 2,
                 "cache_dir": str(root / "features")},
        "out_dir": str(root / "study"),
    }
    path = root / "study.yaml"
    path.write_text(json.dumps(study))
    return path


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The tiny study stopped (Ctrl-C) after the first step of its second cell, then run again.

    Returns the config, the exit status of the second run, the cells it trained and what the
    first cell's folder held before the restart."""
    root = tmp_path_factory.mktemp("study")
    config = tiny_study(root)
    real = study_cell.run_training
    trained: list[str] = []

    def interrupt_second(tcfg, spec, **kwargs):
        if "-p2-" in tcfg.run.dir:
            kwargs["stop"].request("SIGINT")  # what Ctrl-C does: one more step, a checkpoint
        return real(tcfg, spec, **kwargs)

    def record(tcfg, spec, **kwargs):
        trained.append(Path(tcfg.run.dir).parent.name)
        return real(tcfg, spec, **kwargs)

    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(study_cell, "run_training", interrupt_second)
        assert main(["--config", str(config)]) == 130  # Ctrl-C: the study's status
        first = root / "study" / "cells" / "simclr-p1-raw-disk-s0"
        before = {name: (first / name).read_bytes() for name in ("cell.json", "train.json")}
        before["command"] = (first / "train" / "command.txt").read_text()
        mp.setattr(study_cell, "run_training", record)
        code = main(["--config", str(config)])
    cfg = load_study_config(config)
    payload = json.loads((root / "study" / "study.json").read_text())
    return dataclasses.make_dataclass("Study", ["cfg", "code", "trained", "before", "payload"])(
        cfg, code, trained, before, payload)


def test_tiny_study_writes_every_field_for_every_cell_dataset_and_probe(study):
    records = study.payload["records"]
    assert {r["cell_id"] for r in records} == {"simclr-p1-raw-disk-s0", "simclr-p2-raw-disk-s0"}
    assert sorted(r["probe"] for r in records) == ["knn_k5", "knn_k5", "linear_lbfgs",
                                                   "linear_lbfgs"]
    for r in records:
        assert RECORD_FIELDS <= set(r), RECORD_FIELDS - set(r)
        assert r["eval_dataset"] == "digits" and r["mixup_k"] == 1 and r["seed"] == 0
        assert r["images"] == 16 and r["programs_ok"] == r["programs"]
        assert 0 <= r["top1"] <= 100 and 0 <= r["baseline_top1"] <= 100
        assert r["train_seconds"] > 0 and r["train_steps"] == 2
        assert (Path(r["run_dir"]) / "backbone_torchvision.pt").is_file()
        assert not (Path(r["run_dir"]) / "checkpoint.pt").exists()  # finished: export only


def test_restart_skips_the_finished_cell_and_finishes_the_interrupted_one(study):
    assert study.trained == ["simclr-p2-raw-disk-s0"]
    cells_dir = Path(study.cfg.out_dir) / "cells"
    first = cells_dir / "simclr-p1-raw-disk-s0"
    for name in ("cell.json", "train.json"):
        assert (first / name).read_bytes() == study.before[name]
    assert (first / "train" / "command.txt").read_text() == study.before["command"]
    assert study.before["command"].count("\n") == 1  # trained once, never resumed
    second = cells_dir / "simclr-p2-raw-disk-s0"
    assert json.loads((second / "train.json").read_text())["resumed"] is True
    assert (second / "train" / "command.txt").read_text().count("\n") == 2  # stopped, resumed


def test_options_added_since_a_cell_finished_do_not_void_it(study, tmp_path):
    """A cell.json or train.json written before an option existed still counts as finished
    (the option at its default); a changed value or an option since removed does not."""
    cfg, cell = study.cfg, Cell("simclr", 1, 1, "disk", 0, None)
    plan = dataset_plan(cfg, cell, study_data.available_programs(cfg.pretrain.programs))
    tcfg = study_cell.train_config(cfg, cell, study_cell.data_overrides(cfg, cell, plan))
    folder, key = study_cell.cell_dir(cfg, cell), study_cell.fingerprint(cfg, tcfg)
    done = json.loads((folder / "cell.json").read_text())
    assert study_cell.finished_cell(done, cell, cfg, tcfg, key)
    older = copy.deepcopy(done)
    older["fingerprint"] = "the digest an older version computed"
    del older["train_config"]["data"]["live"]["balanced"], older["eval_config"]["batch_size"]
    assert study_cell.finished_cell(older, cell, cfg, tcfg, key)
    for change in (lambda c: c["optim"].update(base_lr=c["optim"]["base_lr"] * 2),
                   lambda c: c["optim"].update(removed_option=1)):
        changed = copy.deepcopy(older)
        change(changed["train_config"])
        assert not study_cell.finished_cell(changed, cell, cfg, tcfg, key)
    info = json.loads((folder / "train.json").read_text())
    del info["config"]["data"]["live"]["balanced"]
    (tmp_path / "train.json").write_text(json.dumps(info))
    assert study_cell.finished_training(cell, tcfg, tmp_path)["weights"] == info["weights"]
    info["config"]["run"]["epochs"] = 5
    (tmp_path / "train.json").write_text(json.dumps(info))
    assert study_cell.finished_training(cell, tcfg, tmp_path) is None


def test_failed_cells_are_reported_and_impossible_ones_skipped(study):
    assert study.code == 1
    failed = {f["cell_id"]: f for f in study.payload["failed"]}
    assert set(failed) == {"moco-p1-raw-disk-s0", "moco-p2-raw-disk-s0"}
    assert all("missing.yaml" in f["error"] and Path(f["log"]).is_file()
               for f in failed.values())
    skipped = {s["cell_id"]: s["reason"] for s in study.payload["skipped"]}
    assert set(skipped) == {f"{m}-p{n}-mix6-disk-s0" for m in ("simclr", "moco") for n in (1, 2)}
    assert all("at least 6 programs" in reason for reason in skipped.values())


def test_baseline_is_the_same_protocol_with_random_weights(study):
    for r in study.payload["records"]:
        task = "knn" if r["probe"].startswith("knn") else "linear"
        trained = json.loads((Path(r["eval_dir"]) / f"{task}.json").read_text())
        base = json.loads((Path(r["baseline_dir"]) / f"{task}.json").read_text())
        assert base["results"][r["probe"]]["top1"] == r["baseline_top1"]
        assert trained["results"][r["probe"]]["top1"] == r["top1"]
        assert base["weights"].startswith(f"random-init:resnet18:seed={r['seed']}")
        assert trained["weights"].startswith("sha256:")
        a, b = trained["config"], base["config"]
        for config in (a, b):
            del config["out_dir"], config["backbone"]
        assert a == b  # same dataset, subset, resolution, probe, features
        assert (trained["n_train"], trained["n_val"]) == (base["n_train"], base["n_val"])


def test_figures_are_non_empty_pngs(study):
    out = Path(study.cfg.out_dir)
    names = {Path(p).name for p in study.payload["figures"]}
    assert names == {"accuracy_vs_programs.png", "raw_vs_mixup.png", "retrieval_best.png"}
    for name in names:
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
        with Image.open(out / name) as image:
            assert min(image.size) > 50


def _table_numbers(text: str) -> list[list[float]]:
    """The numbers of the first Markdown table in ``text``, a list per row after the head."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| "))
    rows = [line for line in itertools.takewhile(lambda l: l.startswith("|"), lines[start:])]
    return [[float(x) for x in re.findall(r"[-+]?\d+\.\d", row)] for row in rows[2:]]


def test_table_numbers_equal_study_json(study):
    out = Path(study.cfg.out_dir)
    table = (out / "study.md").read_text()
    assert table == study_markdown(study.payload["records"])
    records = study.payload["records"]
    numbers = _table_numbers(table)
    for row, cell_id in zip(numbers, ["simclr-p1-raw-disk-s0", "simclr-p2-raw-disk-s0"]):
        mine = sorted((r for r in records if r["cell_id"] == cell_id), key=lambda r: r["probe"])
        assert row == [round(r["top1"], 1) for r in mine]
    baseline = {r["probe"]: r["baseline_top1"] for r in records}
    assert numbers[-1] == [round(baseline[p], 1) for p in sorted(baseline)]
    assert table.startswith("## Top-1") and markdown_table(records) in table


def _record(seed: int, programs: int, top1: float, baseline: float) -> dict:
    return {"cell_id": f"supcon-p{programs}-s{seed}", "method": "supcon", "mixup_k": 1,
            "data": "disk", "epochs": 2, "programs": programs, "seed": seed, "images": 64,
            "eval_dataset": "mnist", "layer": "layer3", "probe": "linear_sgd", "top1": top1,
            "baseline_top1": baseline, "train_seconds": 1.0}


def test_gains_are_paired_by_seed_and_charts_follow_the_varying_axis():
    """Trained minus random init of the same seed, mean and spread over seeds; a bar per
    program count and one for random init, longer for a higher accuracy."""
    records = [_record(0, 1, 80.0, 78.0), _record(1, 1, 70.0, 69.0),
               _record(0, 16, 84.0, 78.0), _record(1, 16, 75.0, 69.0)]
    gains = _table_numbers(gain_table(records))
    assert gains == [[1.5, 0.7], [6.0, 0.0]]  # (+2, +1) and (+6, +6)
    text = study_markdown(records)
    assert "+1.5 ± 0.7" in text and "+6.0 ± 0.0" in text
    chart = text_chart(records, ("mnist", "layer3", "linear_sgd"), 4, "programs")
    bars = {("init" if line.startswith("random init") else re.search(r"programs=\d+", line)[0]):
            line.count("\u2588") for line in chart.splitlines()[1:]}
    assert set(bars) == {"programs=1", "programs=16", "init"}
    assert bars["programs=16"] > bars["programs=1"] > bars["init"] > 0
    assert all(t in chart for t in ("75.0 ± 7.1", "79.5 ± 6.4", "73.5 ± 6.4"))  # over seeds
    assert "## Top-1 along programs" in text
    assert "## Top-1 along" not in study_markdown(records[:2])  # one program count: no axis


def test_random_init_baseline_is_the_trained_encoders_starting_point():
    for name in ("simclr", "ce"):
        seed_everything(3)
        method = study_cell.SPECS[name].build(study_cell.SPECS[name].defaults, 10)
        start = method.backbone.torchvision_state_dict()
        random = load_backbone(BackboneConfig(random_init=True, seed=3)).model.state_dict()
        assert all(torch.equal(start[k], random[k]) for k in random)


# ------------------------------------------------------------------ pure parts


def test_grid_order_and_skip_reasons():
    cfg = load_study_config(None, ["grid.programs=[1, 8]", "grid.methods=[ce, supcon]",
                                   "grid.mixup=[1, 6]", "grid.seeds=[0, 1]"])
    items = list(cells(cfg))
    assert len(items) == 16
    skipped = {i.cell.cell_id: i.reason for i in items if isinstance(i, Skipped)}
    assert "ce-p1-raw-disk-s0" in skipped and "single class" in skipped["ce-p1-raw-disk-s0"]
    assert "data: live" in skipped["supcon-p8-mix6-disk-s1"]
    assert [getattr(i, "cell", i).seed for i in items[:8]] == [0] * 8
    live = load_study_config(None, ["grid.methods=[supcon]", "grid.mixup=[6]",
                                    "grid.programs=[8]", "grid.data=[live]"])
    assert [type(i) for i in cells(live)] == [Cell]


def test_program_subsets_are_deterministic_nested_and_seeded():
    files = [f"p{i}.glsl" for i in range(20)]
    four, sixteen = choose_programs(files, 4, seed=0), choose_programs(files, 16, seed=0)
    assert four == choose_programs(files, 4, seed=0) and sixteen[:4] == four
    assert choose_programs(files, 4, seed=1) != four
    with pytest.raises(StudyError, match="pretrain.programs has only 20"):
        choose_programs(files, 21, seed=0)


def test_generated_programs_are_drawn_one_by_one_from_the_specs_programs(tmp_path):
    """A subset of synth:COUNT@SEED is any COUNT of its programs, listed in a manifest the
    render CLI and live training read; seeds draw different programs."""
    pool = study_data.available_programs("synth:1000@7")
    assert len(pool) == 1000 and pool[0] == "synth:1@7" and pool[-1] == "synth:1@1006"
    cfg = load_study_config(None, ["pretrain.programs=synth:1000@7"])
    plans = [dataset_plan(cfg, Cell("simclr", 3, 1, "disk", seed, None), pool)
             for seed in (0, 1)]
    assert set(plans[0].programs).isdisjoint(plans[1].programs)
    manifest = study_data.write_manifest(tmp_path, plans[0])
    names = [s.name for s in load_sources([str(manifest)])]
    seeds = [int(p.split("@")[1]) for p in plans[0].programs]
    assert names == [s.name for s in load_sources([f"synth:1@{n}" for n in seeds])]
    assert len(set(names)) == 3
    with pytest.raises(StudyError, match="pretrain.programs"):
        study_data.available_programs("synth:many")


def test_dataset_plans_and_render_command_lines():
    cfg = load_study_config(None, ["pretrain.images=96"])
    files = [f"p{i}.glsl" for i in range(8)]
    raw = dataset_plan(cfg, Cell("simclr", 4, 1, "disk", 0, None), files)
    mixed = dataset_plan(cfg, Cell("moco", 4, 6, "disk", 0, None), files)
    assert raw.key != mixed.key
    assert render_argv(raw, "m.txt", "out")[-3:] == ["--total", "96", "--balanced"]
    assert render_argv(mixed, "m.txt", "out")[-4:] == ["--mixup", "6", "--total", "96"]
    other_seed = dataset_plan(cfg, Cell("simclr", 4, 1, "disk", 1, None), files)
    assert other_seed.key != raw.key
    assert dataset_plan(cfg, Cell("ce", 4, 1, "disk", 0, 9), files) == raw  # shared by methods
    for cell, plan, balanced in ((Cell("supcon", 4, 1, "live", 0, None), raw, True),
                                 (Cell("moco", 4, 6, "live", 0, None), mixed, False)):
        tcfg = study_cell.train_config(cfg, cell, study_data.train_data_overrides(
            plan, "live", live=["m.list"]))
        assert tcfg.data.live.fixed_dataset and tcfg.data.live.balanced is balanced
        assert tcfg.data.images_per_epoch == 96  # the budget, split evenly as on disk


def test_trained_and_baseline_eval_configs_differ_only_in_weights_and_folder(tmp_path):
    cfg = load_study_config(None, ["eval.layers=['', layer3]"])
    for task in study_cell.eval_tasks(cfg):
        trained = study_cell.eval_config(cfg, task, BackboneConfig(checkpoint="x.pt"), tmp_path)
        base = study_cell.eval_config(cfg, task, BackboneConfig(random_init=True), tmp_path / "b")
        a, b = as_dict(trained), as_dict(base)
        assert a["backbone"]["layer"] == b["backbone"]["layer"] == task.layer
        for d in (a, b):
            del d["backbone"], d["out_dir"]
        assert a == b


def test_config_errors_name_the_key():
    with pytest.raises(ConfigError, match="grid.methods"):
        load_study_config(None, ["grid.methods=[byol]"])
    with pytest.raises(ConfigError, match="eval.datasets"):
        load_study_config(None, ["eval.datasets=[cifar10]"])
    with pytest.raises(ConfigError, match="unknown config key 'grid.program'"):
        load_study_config(None, ["grid.program=[1]"])


@pytest.mark.parametrize("recipe", sorted((REPO / "configs").glob("study_*.yaml")),
                         ids=lambda p: p.stem)
def test_study_recipes_load_and_their_training_recipes_exist(recipe):
    cfg = load_study_config(recipe)
    assert isinstance(cfg, StudyConfig)
    for method in cfg.grid.methods:
        assert (REPO / getattr(cfg.pretrain.recipes, method)).is_file()


def test_command_line_prints_the_config_and_reports_config_errors_in_one_line(tmp_path, capsys):
    out = tmp_path / "study"
    assert main(["--out", str(out), "--set", "grid.seeds=[0, 1]", "--print-config"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["out_dir"] == str(out) and printed["grid"]["seeds"] == [0, 1]
    assert not out.exists()  # --print-config does no work
    assert main(["--set", "grid.methods=[byol]", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error: config key 'grid.methods'" in err
    assert not out.exists()


@pytest.mark.parametrize("name, runnable, skipped", [("study_smoke", 3, 0), ("study_cpu", 10, 6),
                                                     ("study_synth_cpu", 12, 0)])
def test_cpu_recipes_build_every_cells_configs_without_training(name, runnable, skipped,
                                                                 tmp_path, monkeypatch):
    """Every cell of the CPU recipes gets a valid training config and valid evaluation configs,
    and draws its programs from the built-in pack or generated ones; nothing is rendered or
    trained."""
    monkeypatch.chdir(REPO)  # the recipes name their training recipes from the repository
    cfg = load_study_config(REPO / "configs" / f"{name}.yaml")
    items = list(cells(cfg))
    todo = [item for item in items if isinstance(item, Cell)]
    assert (len(todo), len(items) - len(todo)) == (runnable, skipped)
    available = study_data.available_programs(cfg.pretrain.programs)
    for cell in todo:
        plan = dataset_plan(cfg, cell, available)
        tcfg = study_cell.train_config(cfg, cell, study_cell.data_overrides(cfg, cell, plan))
        assert (tcfg.run.device, tcfg.data.resolution, tcfg.run.epochs) == ("cpu", 32,
                                                                           cell.epochs)
        for task in study_cell.eval_tasks(cfg):
            study_cell.eval_config(cfg, task, BackboneConfig(checkpoint="x.pt"), tmp_path)
