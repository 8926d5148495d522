"""Each method's main() end to end, in process, on the tiny image folder."""

import pytest
import torch
import torchvision
import yaml

from tests.train.conftest import tiny_run_overrides
from train import ce, moco, simclr, supcon
from train.checkpoint import load_checkpoint
from train.config import config_to_dict, load_config
from train.rundir import read_metrics

METHODS = {"moco": moco, "simclr": simclr, "supcon": supcon, "ce": ce}


@pytest.mark.parametrize("name", list(METHODS))
def test_main_trains_records_checkpoints_and_exports(name, tiny_folder, tmp_path):
    run_dir = tmp_path / "run"
    args = tiny_run_overrides(tiny_folder, run_dir, **{"data.batch_size": 16, "run.epochs": 1})
    assert METHODS[name].main(args) == 0
    for file in ("config.yaml", "git_revision.txt", "command.txt", "metrics.jsonl",
                 "checkpoint.pt", "backbone_torchvision.pt"):
        assert (run_dir / file).is_file(), file
    assert f"-m train.{name} --set" in (run_dir / "command.txt").read_text()
    saved = yaml.safe_load((run_dir / "config.yaml").read_text())
    expected = load_config(None, args[1::2], defaults=METHODS[name].DEFAULTS)
    assert saved == config_to_dict(expected)
    rows = read_metrics(run_dir)
    assert [r["step"] for r in rows] == [1, 2]
    assert all(r["loss"] > 0 and 0 <= r["top1"] <= 1 and r["images_per_s"] > 0 for r in rows)
    state = load_checkpoint(run_dir / "checkpoint.pt")
    assert state["method"] == name and state["global_step"] == 2 and state["epoch"] == 1
    exported = torch.load(run_dir / "backbone_torchvision.pt", weights_only=True)
    result = torchvision.models.resnet18().load_state_dict(exported, strict=False)
    assert set(result.missing_keys) == {"fc.weight", "fc.bias"} and not result.unexpected_keys


def test_method_defaults_differ_only_where_the_method_needs():
    assert moco.DEFAULTS.loss.temperature == 0.2 and moco.DEFAULTS.loss.queue_size == 65536
    assert simclr.DEFAULTS.loss.temperature == 0.5
    assert supcon.DEFAULTS.loss.temperature == 0.1
    assert ce.DEFAULTS.model.head == "linear"


def test_config_errors_exit_with_status_2_and_a_named_key(tiny_folder, tmp_path, capsys):
    args = tiny_run_overrides(tiny_folder, tmp_path / "run") + ["--set", "model.backbone=vgg"]
    assert simclr.main(args) == 2
    expected = "model.backbone='vgg' is not one of: alexnet, resnet18, resnet50"
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "run" / "checkpoint.pt").exists()
