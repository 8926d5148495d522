"""Render-to-disk: layout and report.json as DESIGN.md says, resumable after SIGKILL with the
same final images, clear errors for unwritable output, bad programs reported not fatal."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glsl_transpile import builtin_pack_dir
from render_vk.render import main
from render_vk.writer import OutputError, atomic_write_bytes

PACK = builtin_pack_dir() / "shadertoy"


def _programs(tmp_path, n=3, bad=True):
    src = tmp_path / "programs"
    src.mkdir()
    for f in sorted(PACK.glob("*.glsl"))[:n]:
        (src / f.name).write_text(f.read_text())
    if bad:
        (src / "broken.glsl").write_text(
            "void mainImage(out vec4 c, in vec2 f) {\n  c = vec4(1.0) * undefinedName;\n}\n")
    return src


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.png"))}


def test_layout_and_report(tmp_path):
    src = _programs(tmp_path)
    out = tmp_path / "out"
    assert main([str(src), "--out", str(out), "--resolution", "32", "--samples", "3",
                 "--quiet"]) == 0
    names = sorted(p.stem for p in src.glob("*.glsl") if p.stem != "broken")
    for n in names:
        assert sorted(f.name for f in (out / n).iterdir()) == [f"{k:06d}.png" for k in range(3)]
    report = json.loads((out / "report.json").read_text())
    assert set(report) == set(names) | {"broken"}
    assert report["broken"]["status"] == "compile_error"
    assert "undefinedName" in report["broken"]["log"]
    for n in names:
        entry = report[n]
        assert entry["status"] == "ok" and entry["constant"] is False and entry["static"] is False
        assert set(entry) >= {"status", "log", "seconds", "constant", "static"}
    assert not list(out.rglob(".tmp-*"))


def test_explicit_times_jpeg_and_flat_layout(tmp_path):
    src = _programs(tmp_path, n=2, bad=False)
    out = tmp_path / "flat"
    assert main([str(src), "--out", str(out), "--resolution", "16", "--times", "0.5,1,2",
                 "--layout", "flat", "--format", "jpg", "--quiet"]) == 0
    assert sorted(p.name for p in out.glob("*.jpg")) == [f"{k:06d}.jpg" for k in range(6)]


def test_mixup_writes_mixed_images(tmp_path):
    src = _programs(tmp_path, n=4, bad=False)
    out = tmp_path / "mix"
    assert main([str(src), "--out", str(out), "--resolution", "16", "--mixup", "3",
                 "--total", "5", "--quiet"]) == 0
    assert len(list(out.glob("*.png"))) == 5


def test_killed_run_resumes_to_the_same_images(tmp_path):
    src = _programs(tmp_path, n=3, bad=False)
    args = [str(src), "--resolution", "64", "--samples", "150", "--batch-size", "4",
            "--time-sampling", "random", "--seed", "5", "--quiet"]
    ref = tmp_path / "ref"
    assert main(args + ["--out", str(ref)]) == 0
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "render_vk.render"] + args + ["--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.rglob("*.png"))) < 20:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = len(list(out.rglob("*.png")))
    assert 0 < partial < 450, partial
    assert main(args + ["--out", str(out)]) == 0
    assert _files(out) == _files(ref)
    assert not list(out.rglob(".tmp-*"))


def test_unwritable_output_folder_gives_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main([str(_programs(tmp_path, n=1, bad=False)), "--out", str(blocker / "sub"),
                 "--resolution", "8", "--quiet"])
    assert code == 2
    assert "not writable" in capsys.readouterr().err


def test_full_disk_during_write_leaves_no_partial_file(tmp_path, monkeypatch):
    def no_space(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write_bytes(tmp_path / "a.png", b"x" * 100)
    assert list(tmp_path.iterdir()) == []


def test_torchrun_shards_programs_and_merges_reports(tmp_path):
    src = _programs(tmp_path, n=3)
    out = tmp_path / "shard"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--standalone",
           "-m", "render_vk.render", str(src), "--out", str(out), "--resolution", "16",
           "--samples", "2", "--quiet"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=300)
    report = json.loads((out / "report.json").read_text())
    assert report["broken"]["status"] == "compile_error"
    assert sum(e["images"] for e in report.values()) == 6
    assert len(list(out.rglob("*.png"))) == 6


def test_mixup_resume_gives_the_same_images(tmp_path):
    src = _programs(tmp_path, n=4, bad=False)
    args = [str(src), "--resolution", "16", "--mixup", "3", "--total", "12", "--batch-size", "6",
            "--quiet"]
    ref = tmp_path / "ref"
    assert main(args + ["--out", str(ref)]) == 0
    out = tmp_path / "resumed"
    assert main(args + ["--out", str(out)]) == 0
    for p in sorted(out.glob("*.png"))[3:8]:  # as if killed: some images missing
        p.unlink()
    assert main(args + ["--batch-size", "9", "--out", str(out)]) == 0
    assert _files(out) == _files(ref)


def test_resume_reuses_the_report_instead_of_decoding(tmp_path, monkeypatch):
    from render_vk.report import ProgramReport

    src = _programs(tmp_path, n=2, bad=False)
    out = tmp_path / "out"
    args = [str(src), "--out", str(out), "--resolution", "16", "--samples", "3", "--quiet"]
    assert main(args) == 0
    first = json.loads((out / "report.json").read_text())

    def no_decoding(self, path):
        raise AssertionError("decoded an image although the report accounted for it")

    monkeypatch.setattr(ProgramReport, "observe_file", no_decoding)
    assert main(args) == 0
    again = json.loads((out / "report.json").read_text())
    for name, entry in first.items():
        assert again[name]["images"] == entry["images"] == 3
        assert again[name]["static"] == entry["static"]


def test_a_spec_of_generated_programs_renders_without_files(tmp_path):
    out = tmp_path / "out"
    assert main(["synth:2@11", "--out", str(out), "--resolution", "16", "--samples", "2",
                 "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert sorted(report) == ["synth1_00000011", "synth1_00000012"]
    assert all(entry["status"] == "ok" and not entry["static"] for entry in report.values())
    assert len(list((out / "synth1_00000011").glob("*.png"))) == 2
