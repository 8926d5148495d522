"""``python -m render_vk.bench``: figures against the GL baseline, with and without timestamps."""
import json

from render_vk import bench


def test_bench_writes_ratio_and_kernel_share(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["--resolution", "16", "--per-program", "1", "--batch-size", "4",
                       "--batches", "1", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    total = result["total"]
    assert total["images"] == 4 and total["images_per_s"] > 0
    assert total["ratio"] > 0 and total["baseline_images_per_s"] > 0
    assert 0.0 < total["device_share"] <= 1.0
    assert total["pipelined"]["images_per_s"] > 0
    assert 0.0 < total["pipelined"]["device_share"] <= 1.0
    assert len(result["programs"]) == 56 and result["handoff"] == "FenceHandoff"
    assert "TOTAL (random programs, batch 4)" in capsys.readouterr().out


def test_bench_without_watchdog_reports_no_kernel_share(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["--resolution", "16", "--per-program", "0", "--batch-size", "4",
                       "--batches", "1", "--no-baseline", "--no-watchdog", "--sync", "timeline",
                       "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["total"]["device_share"] is None and result["total"]["ratio"] is None
    assert result["total"]["pipelined"]["device_share"] is None
    assert result["handoff"] == "TimelineHandoff" and result["watchdog"] is False
    assert "kernel time - of wall" in capsys.readouterr().out


def test_bench_takes_a_spec_of_generated_programs(tmp_path):
    out = tmp_path / "bench.json"
    assert bench.main(["synth:3@0", "--resolution", "16", "--per-program", "1",
                       "--batch-size", "4", "--batches", "1", "--no-baseline",
                       "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert len(result["programs"]) == 3 and result["total"]["images_per_s"] > 0
