import json
import logging
import sys

import pytest

from train.config import TrainConfig
from glsl_transpile.plumbing.run_record import git_revision
from train.rundir import MetricsLog, StepMetrics, read_metrics, record_run


def _metrics(step: int) -> StepMetrics:
    return StepMetrics(step=step, epoch=0, loss=1.0 / step, top1=0.5, lr=0.1, images_per_s=10.0)


def test_record_run_writes_config_revision_and_appends_commands(tmp_path):
    record_run(tmp_path, TrainConfig(), ["-m", "train.moco", "--config", "a.yaml"])
    record_run(tmp_path, TrainConfig(), ["-m", "train.moco", "--resume"])
    assert "batch_size: 256" in (tmp_path / "config.yaml").read_text()
    assert (tmp_path / "git_revision.txt").read_text().strip() == git_revision()
    lines = (tmp_path / "command.txt").read_text().splitlines()
    assert len(lines) == 2 and lines[1].endswith("-m train.moco --resume")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_metrics_after_the_checkpoint_step_are_dropped_on_resume(tmp_path):
    log = MetricsLog(tmp_path, tensorboard=False, keep_until_step=0)
    for step in (1, 2, 3):
        log.log(_metrics(step))
    log.close()
    with open(tmp_path / "metrics.jsonl", "a") as f:
        f.write('{"step": 4, "lo')  # torn line of a killed run
    MetricsLog(tmp_path, tensorboard=False, keep_until_step=2).close()
    assert [r["step"] for r in read_metrics(tmp_path)] == [1, 2]
    assert json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[0])["loss"] == 1.0


def test_tensorboard_scalars_when_installed(tmp_path):
    pytest.importorskip("tensorboard")
    log = MetricsLog(tmp_path, tensorboard=True, keep_until_step=0)
    log.log(_metrics(1))
    log.close()
    assert list((tmp_path / "tensorboard").glob("events.out.tfevents.*"))


def test_missing_tensorboard_is_logged_as_off(tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)  # import now fails
    with caplog.at_level(logging.INFO, logger="train"):
        log = MetricsLog(tmp_path, tensorboard=True, keep_until_step=0)
    assert log.writer is None and "tensorboard is not installed" in caplog.text
    log.log(_metrics(1))
    log.close()
    assert len(read_metrics(tmp_path)) == 1
