"""eval.programs: the CLI measures rendered program folders and writes CSV, JSON and plots."""
from __future__ import annotations

import csv
import json

import numpy as np
from PIL import Image

from eval.programs import main


def _programs(root, write_program):
    rng = np.random.default_rng(0)
    gradient = np.zeros((32, 32, 3), np.uint8)
    gradient[..., 0] = np.arange(32) * 8
    write_program(root, "flat", [np.full((32, 32, 3), 90, np.uint8)] * 4)
    write_program(root, "still", [gradient] * 4)
    write_program(root, "noise", [rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
                                  for _ in range(4)])
    (root / "report.json").write_text(json.dumps({"flat": {"status": "ok"}}))


def test_programs_cli_writes_metrics_and_scatter_plots(tmp_path, program_writer):
    out_root, res = tmp_path / "render", tmp_path / "res"
    _programs(out_root, program_writer)
    ref = tmp_path / "ref"
    ref.mkdir()
    for i in range(4):
        Image.fromarray(np.full((20, 30, 3), 40 * i, np.uint8)).save(ref / f"{i}.png")
    scores = tmp_path / "scores.csv"
    scores.write_text("program,acc\nflat,10\nstill,20\nnoise,30\n")
    code = main([str(out_root), "--out", str(res), "--samples", "4", "--resolution", "32",
                 "--reference", str(ref), "--scores", str(scores), "--score-column", "acc",
                 "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    rows = {r["program"]: r for r in csv.DictReader(open(res / "programs.csv"))}
    assert rows["flat"]["constant"] == "True" and rows["still"]["static"] == "True"
    assert rows["noise"]["static"] == "False" and rows["flat"]["render_status"] == "ok"
    assert float(rows["flat"]["gzip_bytes"]) < float(rows["noise"]["gzip_bytes"]) / 20
    assert float(rows["flat"]["self_distance"]) < 1e-5
    assert float(rows["noise"]["frechet"]) >= 0.0
    payload = json.loads((res / "programs.json").read_text())
    assert "random-init resnet18" in payload["spaces"]["similarity"]
    assert payload["spearman"]["gzip_bytes"] > 0.99
    with Image.open(res / "scatter_gzip_bytes.png") as plot:
        assert plot.size[0] > 100


def test_programs_cli_reports_missing_root_as_error(tmp_path):
    assert main([str(tmp_path / "missing"), "--out", str(tmp_path / "res")]) == 2


def test_lpips_without_weights_is_a_clear_error(tmp_path, program_writer):
    _programs(tmp_path / "render", program_writer)
    code = main([str(tmp_path / "render"), "--out", str(tmp_path / "res"),
                 "--similarity", "lpips"])
    assert code == 2


def test_programs_cli_renders_a_spec_of_generated_programs_first(tmp_path):
    res = tmp_path / "res"
    assert main(["synth:2@3", "--out", str(res), "--n-images", "2", "--size", "32",
                 "--render-resolution", "16"]) == 0
    rows = json.loads((res / "programs.json").read_text())["rows"]
    assert [r["program"] for r in rows] == ["synth1_00000003", "synth1_00000004"]
    assert all(r["render_status"] == "ok" and r["n_images"] == 2 for r in rows)


def test_program_metrics_show_progress(tmp_path, capsys):
    root = tmp_path / "render"
    for name in ("a", "b"):
        (root / name).mkdir(parents=True)
        for k in range(2):
            Image.new("RGB", (16, 16), (40 * k, 80, 120)).save(root / name / f"{k:06d}.png")
    assert main([str(root), "--out", str(tmp_path / "res"), "--samples", "2", "--resolution",
                 "32", "--cache-dir", str(tmp_path / "cache")]) == 0
    err = capsys.readouterr().err
    assert "program metrics: 100%" in err and "2/2" in err and "prog/s" in err
