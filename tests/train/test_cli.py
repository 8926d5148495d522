import pytest
import torch

from tests.train.conftest import tiny_run_overrides
from train import simclr
from train.cli import TqdmProgress
from train.rundir import StepMetrics


def test_progress_bar_shows_loss_top1_and_images_per_second(capsys):
    bar = TqdmProgress()
    bar.start(total_steps=4, done_steps=1)
    bar.update(StepMetrics(step=2, epoch=0, loss=1.25, top1=0.5, lr=0.1, images_per_s=321.0))
    bar.close()
    err = capsys.readouterr().err
    assert "2/4" in err and "loss=1.2500" in err and "img_s=321" in err


def test_help_lists_config_set_and_resume(capsys):
    with pytest.raises(SystemExit):
        simclr.main(["--help"])
    out = capsys.readouterr().out
    assert "--config" in out and "--set KEY=VALUE" in out and "--resume" in out


@pytest.mark.gpu
def test_cuda_run_with_bf16_autocast_and_channels_last_trains_end_to_end(tiny_folder, tmp_path):
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    args = tiny_run_overrides(tiny_folder, tmp_path / "run", **{"run.device": "cuda",
                                                                  "run.epochs": 1})
    assert simclr.main(args) == 0
    assert (tmp_path / "run" / "backbone_torchvision.pt").is_file()
