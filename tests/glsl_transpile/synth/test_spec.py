"""``synth:COUNT@SEED`` wherever a source is accepted, and the CLI that writes programs."""
import json

import pytest

from glsl_transpile import ShaderSourceError, load_path, load_sources
from glsl_transpile.synth import generate, parse_spec
from glsl_transpile.synth.__main__ import main


def test_spec_forms():
    assert parse_spec("synth:10000@7") == (10000, 7)
    assert parse_spec("synth:12") == (12, 0)
    for bad in ("synth:", "synth:ten", "synth:5@-1", "synth:5@3@4"):
        with pytest.raises(ShaderSourceError, match="synth:COUNT"):
            parse_spec(bad)


def test_loaders_take_the_spec_without_files():
    programs = load_sources(["synth:3@5"])
    assert [p.name for p in programs] == [generate(s).source.name for s in (5, 6, 7)]
    assert programs[1].code == generate(6).source.code and programs[1].theta
    assert load_path("synth:2@6")[0] == programs[1]
    overlapping = [s.name for s in load_sources(["synth:3@5", "synth:1@7"])]
    assert len(set(overlapping)) == 4  # the loaders keep names unique (program_names)


def test_cli_writes_programs_a_manifest_and_details_that_load_back(tmp_path, capsys):
    assert main(["--count", "4", "--seed", "9", "--out", str(tmp_path)]) == 0
    files = sorted(tmp_path.glob("*.glsl"))
    assert len(files) == 4
    from_manifest = load_sources([tmp_path / "programs.list"])
    from_folder = load_sources([tmp_path])
    from_spec = load_sources(["synth:4@9"])
    assert [(s.code, s.theta) for s in from_manifest] == [(s.code, s.theta) for s in from_spec]
    assert [s.name for s in from_folder] == [s.name for s in from_spec]
    rows = [json.loads(line) for line in (tmp_path / "programs.jsonl").read_text().splitlines()]
    assert [r["seed"] for r in rows] == [9, 10, 11, 12]
    assert rows[0]["theta"][0]["name"] == "l1.scale" and rows[0]["recipe"]
    before = {f.name: f.read_bytes() for f in files}
    assert main(["--count", "4", "--seed", "9", "--out", str(tmp_path)]) == 0
    assert before == {f.name: f.read_bytes() for f in files}


def test_a_manifest_line_may_be_a_spec(tmp_path):
    (tmp_path / "mixed.list").write_text("# generated and nothing else\nsynth:2@1\n")
    assert [s.name for s in load_sources([tmp_path / "mixed.list"])] == [
        generate(1).source.name, generate(2).source.name]
