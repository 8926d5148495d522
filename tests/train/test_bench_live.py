from train.bench_live import main


def test_bench_live_prints_live_and_memory_step_times_and_ratio(capsys):
    code = main(["--method", "supcon", "--config", "configs/supcon_tiny_cpu.yaml",
                 "--set", "data.live.programs=[builtin]", "--set", "data.resolution=16",
                 "--set", "data.batch_size=8", "--set", "data.images_per_epoch=256",
                 "--set", "data.augment.crop_size=16", "--steps", "2", "--warmup", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "fed live:" in out and "fed from memory:" in out and "live / memory:" in out
    assert "live data alone:" in out and "live output auto" in out


def test_bench_live_unknown_method_lists_valid_names(capsys):
    assert main(["--method", "byol"]) == 2
    assert "moco" in capsys.readouterr().err
