"""Fixtures of the train tests: a tiny image folder and the overrides of a tiny CPU run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.train.fakes import write_image_folder


@pytest.fixture(scope="session")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 classes x 8 images of 32 x 32 px."""
    return write_image_folder(tmp_path_factory.mktemp("tiny_folder"), classes=4, per_class=8,
                              size=32)


def tiny_run_overrides(folder: Path, run_dir: Path, **extra: object) -> list[str]:
    """--set arguments of a tiny CPU run: batch 8 of 32 px, 2 epochs of 4 steps."""
    values = {
        "data.path": str(folder), "data.batch_size": 8, "data.num_workers": 0,
        "data.augment.crop_size": 32, "loss.queue_size": 32, "run.epochs": 2,
        "run.dir": str(run_dir), "run.device": "cpu", "run.progress": False,
        "run.tensorboard": False, "run.checkpoint_every_epochs": 1, "model.embed_dim": 32,
        "model.head_hidden_dim": 64,
    }
    values.update(extra)
    args = []
    for key, value in values.items():
        args += ["--set", f"{key}={str(value).lower() if isinstance(value, bool) else value}"]
    return args
