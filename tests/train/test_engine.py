"""The shared loop: exact resume, run-dir rules, checkpoint errors, live sources."""

import pytest
import torch

from tests.train.conftest import tiny_run_overrides
from tests.train.fakes import FakeRenderer
from train import ce, moco, supcon
from train.checkpoint import load_checkpoint
from train.config import load_config
from train.data.render_protocol import ProgramRenderer
from train.engine import run_training
from train.errors import CheckpointError, TrainError
from train.rundir import read_metrics


def _losses(run_dir):
    return [(r["step"], r["loss"], r["top1"], r["lr"]) for r in read_metrics(run_dir)]


def test_resumed_moco_run_repeats_the_uninterrupted_losses_exactly(tiny_folder, tmp_path):
    # 2 epochs of 2 steps; stop mid-epoch (1), again mid-way through the next epoch (3), finish.
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    common = {"data.batch_size": 16, "run.checkpoint_every_epochs": 5}
    assert moco.main(tiny_run_overrides(tiny_folder, whole, **common)) == 0
    assert moco.main(tiny_run_overrides(tiny_folder, parts, **common, **{"run.max_steps": 1})) == 0
    assert [s for s, *_ in _losses(parts)] == [1]
    assert (parts / "backbone_torchvision.pt").is_file()  # exported at run.max_steps too
    assert moco.main(tiny_run_overrides(tiny_folder, parts, **common, **{"run.max_steps": 3})
                     + ["--resume"]) == 0
    assert moco.main(tiny_run_overrides(tiny_folder, parts, **common) + ["--resume"]) == 0
    assert _losses(parts) == _losses(whole) and len(_losses(whole)) == 4
    a = load_checkpoint(whole / "checkpoint.pt")
    b = load_checkpoint(parts / "checkpoint.pt")
    assert torch.equal(a["model"]["queue.items"], b["model"]["queue.items"])
    assert int(b["model"]["queue.pointer"]) == (4 * 16) % 32
    assert torch.equal(a["backbone_torchvision"]["layer4.1.bn2.running_var"],
                       b["backbone_torchvision"]["layer4.1.bn2.running_var"])
    assert (parts / "command.txt").read_text().count("--resume") == 2


def test_step_checkpoints_and_a_resume_with_more_epochs_follow_the_longer_schedule(
        tiny_folder, tmp_path, monkeypatch):
    import train.engine as engine
    from train.optimization import cosine_with_warmup

    saved = []
    real = engine.save_checkpoint
    monkeypatch.setattr(engine, "save_checkpoint",
                        lambda state, path: (saved.append(state["global_step"]), real(state, path)))
    run = tmp_path / "run"
    common = {"run.checkpoint_every_epochs": 100, "run.checkpoint_every_steps": 3}
    assert ce.main(tiny_run_overrides(tiny_folder, run, **common, **{"run.epochs": 1})) == 0
    assert saved == [3, 4]  # every 3 steps, and the last epoch's end (4 steps an epoch)
    assert ce.main(tiny_run_overrides(tiny_folder, run, **common, **{"run.epochs": 2})
                   + ["--resume"]) == 0
    assert saved == [3, 4, 6, 8]
    lr = load_config(None, ["data.batch_size=8"], defaults=ce.DEFAULTS).optim.base_lr * 8 / 256
    rows = read_metrics(run)
    assert [r["step"] for r in rows] == list(range(1, 9))
    for r in rows[4:]:  # steps 5..8 use the 8-step schedule, the first 4 the 4-step one
        assert r["lr"] == pytest.approx(lr * cosine_with_warmup(r["step"] - 1, total_steps=8,
                                                                 warmup_steps=0))
    assert rows[3]["lr"] == pytest.approx(lr * cosine_with_warmup(3, total_steps=4,
                                                                  warmup_steps=0))
    code = ce.main(tiny_run_overrides(tiny_folder, run, **common, **{"run.epochs": 1})
                   + ["--resume"])
    assert code == 1  # 2 epochs done: a 1-epoch run cannot continue it


def test_existing_checkpoint_needs_resume(tiny_folder, tmp_path, capsys):
    args = tiny_run_overrides(tiny_folder, tmp_path / "run", **{"run.max_steps": 1})
    assert supcon.main(args) == 0
    assert supcon.main(args) == 1
    assert "pass --resume" in capsys.readouterr().err


def test_resume_without_checkpoint_names_the_file(tiny_folder, tmp_path, capsys):
    assert supcon.main(tiny_run_overrides(tiny_folder, tmp_path / "run") + ["--resume"]) == 1
    expected = f"checkpoint {tmp_path / 'run' / 'checkpoint.pt'}: no such file"
    assert expected in capsys.readouterr().err


def test_corrupt_or_mismatched_checkpoint_names_the_file(tiny_folder, tmp_path):
    run_dir = tmp_path / "run"
    cfg = load_config(None, tiny_run_overrides(tiny_folder, run_dir, **{"run.max_steps": 1})[1::2],
                      defaults=supcon.DEFAULTS)
    run_training(cfg, supcon.SPEC, argv=[], resume=False)
    changed = load_config(None, ["optim.base_lr=0.5"], defaults=cfg)
    with pytest.raises(CheckpointError, match=r"checkpoint .*\.pt: config differs.*base_lr"):
        run_training(changed, supcon.SPEC, argv=[], resume=True)
    with pytest.raises(CheckpointError, match="written by method 'supcon', not 'ce'"):
        run_training(load_config(None, [], defaults=cfg), ce.SPEC, argv=[], resume=True)
    (run_dir / "checkpoint.pt").write_bytes(b"\x00garbage")
    with pytest.raises(CheckpointError, match=rf"{run_dir / 'checkpoint.pt'}: corrupt"):
        run_training(cfg, supcon.SPEC, argv=[], resume=True)


def _live_cfg(tmp_path, source: str, **extra):
    values = {"data.source": source, "data.images_per_epoch": 16, "data.batch_size": 8,
              "data.augment.crop_size": 32, "run.epochs": 1, "run.dir": str(tmp_path / source),
              "run.device": "cpu", "run.progress": False, "run.tensorboard": False,
              "model.embed_dim": 16}
    values.update(extra)
    return load_config(None, [f"{k}={v}" for k, v in values.items()])


def test_live_mixup_source_trains_cross_entropy_with_a_fake_renderer(tmp_path):
    fake = FakeRenderer(num_programs=5, size=48)
    cfg = load_config(None, [], defaults=_live_cfg(tmp_path, "live", **{"data.live.mixup_k": 3}))
    result = run_training(load_config(None, ["model.head=linear"], defaults=cfg), ce.SPEC,
                          argv=[], resume=False, renderer=ProgramRenderer(fake, 5))
    assert result.finished and result.global_step == 2
    assert [ids.numel() for ids, _ in fake.calls] == [24, 24]  # 8 images x 3 programs a step


def test_program_time_views_train_supcon_with_a_fake_renderer(tmp_path):
    fake = FakeRenderer(num_programs=4, size=40)
    result = run_training(_live_cfg(tmp_path, "program_time"), supcon.SPEC, argv=[],
                          resume=False, renderer=ProgramRenderer(fake, 4))
    assert result.finished and len(fake.calls) == 4  # two renders (t, t + dt) per step


def test_non_finite_loss_stops_the_run(tiny_folder, tmp_path):
    cfg = load_config(None, tiny_run_overrides(tiny_folder, tmp_path / "run")[1::2]
                      + ["optim.base_lr=1.0e30"], defaults=ce.DEFAULTS)
    with pytest.raises(TrainError, match="loss is (nan|inf)"):
        run_training(cfg, ce.SPEC, argv=[], resume=False)


def test_a_renderer_opened_for_a_live_run_is_closed_when_training_ends(tmp_path, monkeypatch,
                                                                        tiny_folder):
    from render_vk.live import LiveRenderer

    closed = []
    monkeypatch.setattr(LiveRenderer, "close",
                        lambda self, real=LiveRenderer.close: (closed.append(self), real(self)))
    args = tiny_run_overrides(tiny_folder, tmp_path / "live", **{
        "data.source": "live", "data.live.programs": "[builtin]", "data.resolution": 32,
        "data.images_per_epoch": 16, "run.epochs": 1})
    assert moco.main(args) == 0
    assert len(closed) == 1
