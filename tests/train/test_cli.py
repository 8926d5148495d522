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


def test_print_config_shows_the_resolved_tree_and_trains_nothing(tmp_path, capsys):
    run = tmp_path / "run"
    assert simclr.main(["--config", "configs/simclr_tiny_cpu.yaml", "--batch-size", "16",
                        "--out", str(run), "--set", "optim.base_lr=0.5", "--print-config"]) == 0
    import yaml

    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["data"]["batch_size"] == 16 and printed["run"]["dir"] == str(run)
    assert printed["optim"]["base_lr"] == 0.5 and printed["loss"]["temperature"] == 0.2  # file
    assert not run.exists()


def test_version_names_the_package_and_the_revision(capsys):
    with pytest.raises(SystemExit) as info:
        simclr.main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("python -m train.simclr (procedural-vk ") and "git " in out


@pytest.mark.parametrize("args, message", [
    (["--set", "data.batch_size=x"], "config key 'data.batch_size' must be int"),
    (["--epochs", "0"], "config key 'run.epochs' is out of range"),
    (["--data-root", "/no/such/folder"], "data.path='/no/such/folder' is not a folder"),
    (["--set", "data.source=live", "--set", "data.live.programs=[/no/such.glsl]",
      "--resolution", "32"], "data.live.programs: no such file or folder: /no/such.glsl"),
])
def test_user_errors_exit_2_with_one_line_and_no_traceback(args, message, tmp_path, capsys):
    assert simclr.main(args + ["--out", str(tmp_path / "run"), "--set", "run.device=cpu"]) == 2
    err = capsys.readouterr().err
    assert f"error: {message}" in err and "Traceback" not in err


def test_moco_trains_on_the_render_clis_own_mixup_output_and_supcon_says_why_not(tmp_path,
                                                                                  capsys):
    from glsl_transpile import builtin_pack_dir
    from render_vk.render import main as render_main
    from train import moco, supcon

    src = tmp_path / "programs"
    src.mkdir()
    for f in sorted((builtin_pack_dir() / "shadertoy").glob("*.glsl"))[:3]:
        (src / f.name).write_text(f.read_text())
    mixed = tmp_path / "mix6"
    assert render_main([str(src), "--out", str(mixed), "--mixup", "2", "--total", "16",
                        "--resolution", "32", "--quiet"]) == 0
    args = tiny_run_overrides(mixed, tmp_path / "run", **{"run.max_steps": 1})
    assert moco.main(args) == 0
    assert (tmp_path / "run" / "backbone_torchvision.pt").is_file()
    assert supcon.main(tiny_run_overrides(mixed, tmp_path / "sup")) == 2
    assert "no <class>/ folders (a flat layout): this method needs class labels" in \
        capsys.readouterr().err
