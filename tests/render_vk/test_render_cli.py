"""Render-to-disk: layout and report.json as docs/DESIGN.md says, resumable after SIGKILL with the
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
        assert entry["origin"] == str(src / f"{n}.glsl")
        assert entry["device_ms_per_image"] > 0
    assert report["broken"]["device_ms_per_image"] is None
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
    out.mkdir()
    (out / "report.rank1.json").write_text('{"stale": {"status": "ok", "images": 64}}')
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--standalone",
           "-m", "render_vk.render", str(src), "--out", str(out), "--resolution", "16",
           "--samples", "2", "--quiet"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=300)
    report = json.loads((out / "report.json").read_text())
    assert report["broken"]["status"] == "compile_error"
    assert sum(e["images"] for e in report.values()) == 6 and "stale" not in report
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


def test_resume_reads_the_state_instead_of_decoding_and_flags_agree(tmp_path, monkeypatch):
    import render_vk.outdir

    src = _programs(tmp_path, n=2, bad=False)
    for fmt in ("png", "jpg"):
        out = tmp_path / f"out-{fmt}"
        args = [str(src), "--out", str(out), "--resolution", "16", "--samples", "3",
                "--format", fmt, "--quiet"]
        assert main(args) == 0
        first = json.loads((out / "report.json").read_text())
        with monkeypatch.context() as patch:
            patch.setattr(render_vk.outdir.Image, "open", _no_decoding)
            assert main(args) == 0
        again = json.loads((out / "report.json").read_text())
        for name, entry in first.items():
            assert again[name]["images"] == entry["images"] == 3
            # one definition of static/constant: raw pixels, fresh or resumed, PNG or JPEG
            assert (again[name]["static"], again[name]["constant"]) == \
                (entry["static"], entry["constant"])


def _no_decoding(*args, **kwargs):
    raise AssertionError("decoded an image although the state accounted for it")


def test_a_truncated_or_foreign_image_is_rendered_again(tmp_path):
    src = _programs(tmp_path, n=1, bad=False)
    args = [str(src), "--resolution", "16", "--samples", "3", "--quiet"]
    ref = tmp_path / "ref"
    assert main(args + ["--out", str(ref)]) == 0
    out = tmp_path / "out"
    assert main(args + ["--out", str(out)]) == 0
    images = sorted(out.rglob("*.png"))
    images[0].write_bytes(images[0].read_bytes()[:40])  # truncated
    images[1].write_bytes((ref / images[2].relative_to(out)).read_bytes())  # another image
    (out / ".render_state").rename(out / "state-gone")  # and no state to trust: decode
    assert main(args + ["--out", str(out)]) == 0
    assert _files(out)[str(images[0].relative_to(out))] == \
        _files(ref)[str(images[0].relative_to(out))]
    assert main(args + ["--out", str(out)]) == 0  # sizes changed: checked again, kept


def test_a_resume_with_other_parameters_is_refused_unless_overwrite(tmp_path, capsys):
    src = _programs(tmp_path, n=1, bad=False)
    out = tmp_path / "out"
    base = [str(src), "--out", str(out), "--samples", "2", "--quiet"]
    assert main(base + ["--resolution", "16"]) == 0
    before = _files(out)
    for changed in (["--resolution", "32"], ["--resolution", "16", "--seed", "3"],
                    ["--resolution", "16", "--time-sampling", "random"]):
        assert main(base + changed) == 2
        assert "rendered with other parameters" in capsys.readouterr().err
        assert _files(out) == before  # nothing written
    assert main(base + ["--resolution", "32", "--overwrite"]) == 0
    from PIL import Image

    assert all(Image.open(p).size == (32, 32) for p in out.rglob("*.png"))


def test_two_processes_on_one_out_are_refused(tmp_path, capsys):
    from render_vk.outdir import OutputFolder

    src = _programs(tmp_path, n=1, bad=False)
    out = tmp_path / "out"
    holder = OutputFolder(out, rank=0)
    holder.open()
    try:
        assert main([str(src), "--out", str(out), "--resolution", "8", "--quiet"]) == 2
        assert "another render process" in capsys.readouterr().err
    finally:
        holder.close()
    assert main([str(src), "--out", str(out), "--resolution", "8", "--quiet"]) == 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_writes_its_report_and_resumes(tmp_path, sig):
    src = _programs(tmp_path, n=2, bad=False)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "render_vk.render", str(src), "--out", str(out),
           "--resolution", "48", "--samples", "200", "--batch-size", "4"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.rglob("*.png"))) < 12:
        time.sleep(0.02)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err and "run the same command again to resume" in err
    report = json.loads((out / "report.json").read_text())
    assert 0 < sum(e["images"] for e in report.values()) < 400


@pytest.mark.parametrize("bad, message", [
    (["--resolution", "0"], "--resolution"), (["--resolution", "-8"], "--resolution"),
    (["--fps", "0"], "--fps"), (["--samples", "0"], "--samples"), (["--samples", "-3"],
                                                                   "--samples"),
    (["--total", "0"], "--total"), (["--timeout", "0"], "--timeout"),
    (["--total", "10", "--samples", "2"], "not both"), (["--mixup", "1"], "--mixup"),
    (["--times", "1,x"], "--times"), (["--quality", "0"], "--quality"),
    (["--balanced"], "--balanced"), (["--total", "4", "--mixup", "2", "--balanced"], "--balanced"),
])
def test_bad_values_are_refused_before_any_work(tmp_path, capsys, bad, message):
    src = _programs(tmp_path, n=1, bad=False)
    with pytest.raises(SystemExit) as caught:
        main([str(src), "--out", str(tmp_path / "out")] + bad)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_inputs_and_too_few_programs_to_mix_are_errors(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main([str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert caught.value.code == 2 and "no such file" in capsys.readouterr().err
    src = _programs(tmp_path, n=1, bad=False)
    assert main([str(src), "--out", str(tmp_path / "mix"), "--mixup", "3", "--total", "2",
                 "--resolution", "8", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "needs at least 3 working programs" in err and "Traceback" not in err


def test_hostile_program_names_stay_inside_out_and_never_replace_the_report(tmp_path):
    code = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f / iResolution.xy, 0.5, 1.0); }"
    src = tmp_path / "programs"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    for i, shader_id in enumerate(["../escaped", "/tmp/absolute", "report.json"]):
        (src / f"{i}.json").write_text(json.dumps({"Shader": {
            "info": {"id": shader_id}, "renderpass": [{"type": "image", "code": code}]}}))
    (src / "a" / "good.glsl").write_text(code)
    (src / "b" / "good.glsl").write_text(code)
    out = tmp_path / "out"
    assert main([str(src), "--out", str(out), "--resolution", "8", "--samples", "1",
                 "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert len(report) == 5 and all(e["status"] == "ok" for e in report.values())
    assert {"a-good", "b-good"} <= set(report)
    images = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.png"))
    assert len(images) == 5 and all(p.parts[0] == "out" and len(p.parts) == 3 for p in images)


CONSTANT = "void mainImage(out vec4 c, in vec2 f) { c = vec4(0.2, 0.4, 0.6, 1.0); }"
STATIC = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f / iResolution.xy, 0.5, 1.0); }"


def _with_dull_programs(tmp_path, n=2):
    src = _programs(tmp_path, n=n, bad=False)
    (src / "flat.glsl").write_text(CONSTANT)
    (src / "still.glsl").write_text(STATIC)
    return src


def _manifest(out):
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]


def test_constant_and_static_programs_are_dropped_and_reported_by_default(tmp_path, capsys):
    src = _with_dull_programs(tmp_path)
    out = tmp_path / "out"
    assert main([str(src), "--out", str(out), "--resolution", "16", "--samples", "4",
                 "--quiet"]) == 0
    assert "4/4 programs ok, 2 dropped (1 constant, 1 static)" in capsys.readouterr().out
    report = json.loads((out / "report.json").read_text())
    assert report["flat"]["dropped"] == "constant" and report["flat"]["constant"] is True
    assert report["still"]["dropped"] == "static" and report["still"]["static"] is True
    assert report["flat"]["images"] == report["still"]["images"] == 0
    kept = sorted(p.stem for p in src.glob("*.glsl") if p.stem not in ("flat", "still"))
    assert all(report[k]["dropped"] is None and report[k]["images"] == 4 for k in kept)
    assert sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")) \
        == kept
    lines = _manifest(out)
    assert [e["path"] for e in lines] == [f"{k}/{i:06d}.png" for k in kept for i in range(4)]
    assert all(e["programs"] == [e["path"].split("/")[0]] and e["weights"] == [1.0]
               for e in lines)
    kept_all = tmp_path / "kept"
    assert main([str(src), "--out", str(kept_all), "--resolution", "16", "--samples", "4",
                 "--keep-constant", "--keep-static", "--quiet"]) == 0
    report = json.loads((kept_all / "report.json").read_text())
    assert report["flat"]["images"] == 4 and report["flat"]["dropped"] is None
    assert len(_manifest(kept_all)) == 16


def test_total_runs_draw_only_kept_programs_and_resume_to_the_same_manifest(tmp_path):
    src = _with_dull_programs(tmp_path, n=3)
    args = [str(src), "--resolution", "16", "--total", "24", "--batch-size", "5", "--quiet"]
    ref = tmp_path / "ref"
    assert main(args + ["--out", str(ref)]) == 0
    drawn = {p for e in _manifest(ref) for p in e["programs"]}
    assert len(_manifest(ref)) == 24 and drawn and not drawn & {"flat", "still"}
    out = tmp_path / "out"
    assert main(args + ["--out", str(out)]) == 0
    for p in sorted(out.rglob("*.png"))[::3]:  # as if killed: some images missing
        p.unlink()
    (out / "manifest.jsonl").unlink()
    assert main(args + ["--out", str(out)]) == 0
    assert _files(out) == _files(ref)
    assert (out / "manifest.jsonl").read_bytes() == (ref / "manifest.jsonl").read_bytes()


def test_balanced_total_runs_split_the_budget_evenly_among_the_kept_programs(tmp_path):
    src = _with_dull_programs(tmp_path, n=3)
    out = tmp_path / "out"
    assert main([str(src), "--out", str(out), "--resolution", "16", "--total", "25",
                 "--balanced", "--quiet"]) == 0
    counts = {d.name: len(list(d.glob("*.png"))) for d in out.iterdir()
              if d.is_dir() and not d.name.startswith(".")}
    assert sorted(counts.values()) == [8, 8, 9] and not set(counts) & {"flat", "still"}
    assert len(_manifest(out)) == 25


def test_the_manifest_gives_each_mixed_image_its_programs_times_and_weights(tmp_path):
    import numpy as np
    import torch
    from PIL import Image

    from glsl_transpile import load_sources
    from render_vk import Renderer, RenderRequest
    from render_vk.mixing import mixup

    src = _programs(tmp_path, n=3, bad=False)
    out = tmp_path / "mix"
    assert main([str(src), "--out", str(out), "--resolution", "16", "--mixup", "2",
                 "--total", "4", "--quiet"]) == 0
    lines = _manifest(out)
    assert [e["path"] for e in lines] == [f"{i:06d}.png" for i in range(4)]
    with Renderer() as renderer:
        index = {s.name: s.index for s in renderer.load(load_sources([src]))}
        for e in lines:
            assert len(set(e["programs"])) == 2 and sum(e["weights"]) == pytest.approx(1.0)
            parts = renderer.render(RenderRequest([index[p] for p in e["programs"]],
                                                  e["times_s"], 16, 16, e["frames"]))
            mixed = mixup(parts, torch.tensor([e["weights"]]))[0].permute(1, 2, 0).numpy()
            assert np.array_equal(mixed, np.asarray(Image.open(out / e["path"])))


def test_a_resumed_run_skips_programs_that_failed_while_rendering(tmp_path, monkeypatch):
    from render_vk.renderer import Renderer

    src = _programs(tmp_path, n=2, bad=False)
    out = tmp_path / "out"
    args = [str(src), "--out", str(out), "--resolution", "8", "--samples", "2", "--quiet"]
    assert main(args) == 0
    report = json.loads((out / "report.json").read_text())
    slow = sorted(report)[0]
    report[slow].update(status="timeout", log="did not finish within 60 s")
    (out / "report.json").write_text(json.dumps(report))
    for p in (out / slow).glob("*.png"):
        p.unlink()
    submitted = []
    real = Renderer.render
    monkeypatch.setattr(Renderer, "render", lambda self, req: (submitted.append(req), real(
        self, req))[1])
    assert main(args) == 0
    assert submitted == []  # nothing to render: the failed program is skipped, not retried
    again = json.loads((out / "report.json").read_text())
    assert again[slow]["status"] == "timeout" and "--retry-failed" in again[slow]["log"]
    assert main(args + ["--retry-failed"]) == 0
    assert json.loads((out / "report.json").read_text())[slow]["status"] == "ok"
    assert len(list((out / slow).glob("*.png"))) == 2


def test_a_spec_of_generated_programs_renders_without_files(tmp_path):
    out = tmp_path / "out"
    assert main(["synth:2@11", "--out", str(out), "--resolution", "16", "--samples", "2",
                 "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert sorted(report) == ["synth1_00000011", "synth1_00000012"]
    assert all(entry["status"] == "ok" and not entry["static"] for entry in report.values())
    assert len(list((out / "synth1_00000011").glob("*.png"))) == 2
