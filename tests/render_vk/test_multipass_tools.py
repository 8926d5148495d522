"""Multi-pass and textured programs through the tools like any program: the render CLI (report
with inputs and frames simulated, --noise-channels, --max-frames), the bench, live rendering
and program metrics."""
import csv
import json

import torch

from eval.programs import main as programs_main  # torchvision before any EGL context: imported
from render_vk import bench                     # after one was released, it crashes (Mesa)
from render_vk.render import main as render_main

from .multipass_programs import buffer_input, export, texture_input

COUNTER = export("counter", [("A", "void mainImage(out vec4 o, in vec2 f) {\n"
                                   "  o = texelFetch(iChannel0, ivec2(f), 0) + 1.0 / 255.0; }",
                              [buffer_input(0, "A")])],
                 "void mainImage(out vec4 o, in vec2 f) {\n"
                 "  o = texelFetch(iChannel0, ivec2(f), 0) + texture(iChannel1, f / 64.0) * 0.1; }",
                 [buffer_input(0, "A"),
                  texture_input(1, "f735bee5b64ef98879dc618b016ecf7939a5756040c2cde21ccb15e69a6e1cfb"),
                  {"channel": 2, "ctype": "music", "src": "/media/a/song.mp3"}])
GRAY_NOISE_MEDIUM = "0c7bf5fe9462d5bffbd11126e82908e39be3ce56220d900f633d58fb432e56f5"
RAW = "void mainImage(out vec4 o, in vec2 f) { o = texture(iChannel0, f / 32.0); }"


def _sources(tmp_path):
    folder = tmp_path / "programs"
    folder.mkdir()
    (folder / "counter.json").write_text(json.dumps(COUNTER))
    (folder / "raw.glsl").write_text(RAW)
    return folder


def test_render_cli_reports_inputs_and_frames_and_binds_noise_on_request(tmp_path):
    src = _sources(tmp_path)
    out = tmp_path / "out"
    assert render_main([str(src), "--out", str(out), "--resolution", "16", "--times",
                        "0.5,1.0", "--noise-channels", "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    counter, raw = report["counter"], report["raw"]
    assert counter["status"] == "ok" and counter["frames_simulated"] == 61
    assert "Image iChannel2: unbound: music is not rendered here" in counter["inputs"]
    assert any("RGBA Noise Medium" in line for line in counter["inputs"])
    assert raw["constant"] is False and len(raw["inputs"]) == 4  # --noise-channels
    assert sorted(p.name for p in (out / "counter").iterdir()) == ["000000.png", "000001.png"]


def test_render_cli_marks_a_time_beyond_the_frame_cap(tmp_path):
    src = _sources(tmp_path)
    out = tmp_path / "out"
    assert render_main([str(src), "--out", str(out), "--resolution", "8", "--times", "2.0",
                        "--max-frames", "60", "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["counter"]["status"] == "beyond_frame_cap"
    assert report["raw"]["status"] == "ok" and report["raw"]["constant"] is True  # unbound


def test_render_cli_goes_on_past_a_program_refused_in_an_earlier_batch(tmp_path):
    src = _sources(tmp_path)
    out = tmp_path / "out"
    # one image a batch: the first asks frame 120 (refused), the next one frame 30 of the
    # same program, which must be skipped, not end the run
    assert render_main([str(src), "--out", str(out), "--resolution", "8", "--times", "2.0,0.5",
                        "--max-frames", "60", "--batch-size", "1", "--keep-constant",
                        "--keep-static", "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["counter"]["status"] == "beyond_frame_cap"
    assert report["raw"]["status"] == "ok" and report["raw"]["images"] == 2


def test_bench_takes_multipass_programs(tmp_path):
    out = tmp_path / "bench.json"
    src = _sources(tmp_path)
    assert bench.main([str(src / "counter.json"), "--resolution", "16", "--per-program", "2",
                       "--batch-size", "3", "--batches", "1", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["total"]["images_per_s"] > 0 and result["total"]["baseline_images_per_s"] > 0
    assert result["programs"][0]["program"] == "counter"


def test_live_rendering_takes_multipass_programs(tmp_path):
    from render_vk.live import open_live_renderer

    live = open_live_renderer([str(_sources(tmp_path) / "counter.json")], 16)
    try:
        images = live(torch.tensor([0, 0]), torch.tensor([0.0, 1.0]))
        assert images.shape == (2, 3, 16, 16)
        assert int(images[0, 2, 0, 0]) < int(images[1, 2, 0, 0])  # frame 0, then frame 60
    finally:
        live.close()


def test_program_metrics_take_a_render_of_them(tmp_path):
    out = tmp_path / "render"
    assert render_main([str(_sources(tmp_path)), "--out", str(out), "--resolution", "16",
                        "--samples", "2", "--keep-constant", "--keep-static",
                        "--quiet"]) == 0  # raw is constant
    assert programs_main([str(out), "--out", str(tmp_path / "metrics"), "--n-images", "2",
                          "--size", "32", "--cache-dir", str(tmp_path / "cache")]) == 0
    rows = {r["program"]: r for r in csv.DictReader(open(tmp_path / "metrics" / "programs.csv"))}
    assert set(rows) == {"counter", "raw"} and rows["counter"]["render_status"] == "ok"


def test_bench_multipass_measures_and_goes_on_without_a_hanging_program(tmp_path, capsys):
    from render_vk import bench_multipass

    body = "".join(f"x += sin(x * {k}.1 + float(i));" for k in range(12))
    hang = export("hang", [("A", "void mainImage(out vec4 o, in vec2 f) { float x = 0.0;\n"
                                 f"  for (int i = 0; i >= 0; i++) {{ {body} }}\n"
                                 "  o = vec4(x); }", [])],
                  "void mainImage(out vec4 o, in vec2 f) { o = texelFetch(iChannel0, ivec2(f), "
                  "0); }", [buffer_input(0, "A")])
    textured = export("textured", [], "void mainImage(out vec4 o, in vec2 f) {\n"
                      "  o = texture(iChannel0, f / 16.0); }",
                      [texture_input(0, GRAY_NOISE_MEDIUM)])
    src = _sources(tmp_path)
    (src / "hang.json").write_text(json.dumps(hang))
    (src / "textured.json").write_text(json.dumps(textured))
    out = tmp_path / "mp.json"
    assert bench_multipass.main([str(src), "--resolution", "32", "--times", "0.1",
                                 "--timeout", "0.5", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    mp = result["multipass"]
    assert (mp["programs"], mp["compiled"]) == (2, 2)
    assert mp["stopped"] == {"hang": "timeout"}
    assert mp["speed"]["programs"] == 1 and mp["speed"]["frames_simulated"] == 7
    assert mp["reference"]["compared"] == 1 and mp["reference"]["matching"] == 1
    assert result["textured"]["compiled"] == 1
    assert (result["textured"]["constant_unbound"], result["textured"]["constant_now"]) == (1, 0)
    assert "1 stopped while rendering" in capsys.readouterr().out
