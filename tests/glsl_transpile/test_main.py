"""python -m glsl_transpile: exit codes, output paths through the sanitiser, one status vocabulary."""
import json

from glsl_transpile.__main__ import main
from glsl_transpile.sources import missing_inputs

GOOD = "void mainImage(out vec4 c, in vec2 f) { c = vec4(1.0); }"


def test_a_missing_input_path_exits_2_with_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "nope.glsl"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "nope.glsl" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_generated_program_specs_are_not_taken_for_missing_paths(tmp_path):
    assert missing_inputs(["synth:100@7", str(tmp_path), str(tmp_path / "gone")]) == \
        [str(tmp_path / "gone")]


def test_hostile_names_write_inside_out_and_keep_their_original_name(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i, shader_id in enumerate(["../escaped", "/tmp/abs", "report.json"]):
        (src / f"{i}.json").write_text(json.dumps({"Shader": {
            "info": {"id": shader_id}, "renderpass": [{"type": "image", "code": GOOD}]}}))
    (src / "...glsl").write_text(GOOD)  # hidden in a folder walk: named on its own
    out = tmp_path / "out"
    assert main([str(src), str(src / "...glsl"), "--out", str(out), "--no-cache"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert sorted(e["original_name"] for e in report.values()) == \
        ["..", "../escaped", "/tmp/abs", "report.json"]
    written = sorted(p.name for p in tmp_path.rglob("*.spv"))
    assert len(written) == 4 and all((out / name).is_file() for name in written)
    assert not (tmp_path / "escaped.spv").exists() and not (out / "report.json.spv").exists()


def test_report_statuses_come_from_the_vocabulary(tmp_path):
    (tmp_path / "typo.glsl").write_text(GOOD.replace("1.0", "nope"))
    (tmp_path / "cube.json").write_text(json.dumps({"Shader": {"renderpass": [
        {"type": "cubemap", "code": GOOD}, {"type": "image", "code": GOOD}]}}))
    (tmp_path / "empty.glsl").write_text("")
    out = tmp_path / "out"
    assert main([str(tmp_path), "--out", str(out), "--no-cache", "--strict"]) == 1
    statuses = {k.rsplit("/", 1)[-1]: v["status"]
                for k, v in json.loads((out / "report.json").read_text()).items()}
    assert statuses == {"typo": "compile_error", "cube.json": "unsupported",
                        "empty.glsl": "load_error"}


def test_a_multipass_program_writes_one_kernel_per_pass(tmp_path):
    (tmp_path / "mp.json").write_text(json.dumps({"Shader": {"info": {"id": "mp"}, "renderpass": [
        {"type": "buffer", "name": "Buffer A", "code": GOOD, "outputs": [{"id": 257}]},
        {"type": "buffer", "name": "Buffer C", "code": GOOD, "outputs": [{"id": 259}]},
        {"type": "image", "code": GOOD}]}}))
    out = tmp_path / "out"
    assert main([str(tmp_path / "mp.json"), "--out", str(out), "--no-cache", "--strict"]) == 0
    assert sorted(p.name for p in out.glob("*.spv")) == ["mp-pass0.spv", "mp-pass1.spv",
                                                        "mp.spv"]
