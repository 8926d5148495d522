"""Curation: each reason on a crafted program, survivors written as a loadable manifest."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from eval.curate import main
from eval.curation import (KEPT, CurationConfig, ProgramOutcome, count_reasons, curate,
                           mark_duplicates, verdict)
from glsl_transpile import SpirvCache, from_code, load_sources
from glsl_transpile.synth import generate_many

CFG = CurationConfig(resolution=32, times_s=(0.5, 1.5, 3.0))
MOVING = """void mainImage(out vec4 c, in vec2 f) {
    vec2 u = f / iResolution.xy;
    c = vec4(0.5 + 0.5 * sin(9.0 * u.x + iTime), u.y, 0.5 + 0.5 * cos(7.0 * u.y - iTime), 1.0);
}"""
CRAFTED = {
    "flat": "void mainImage(out vec4 c, in vec2 f) { c = vec4(0.2, 0.4, 0.6, 1.0); }",
    "still": "void mainImage(out vec4 c, in vec2 f) { vec2 u = f / iResolution.xy;\n"
             "  c = vec4(u, 0.5 + 0.5 * sin(20.0 * u.x * u.y), 1.0); }",
    "broken": "void mainImage(out vec4 c, in vec2 f) { c = vec4(undefinedName); }",
    "speck": "void mainImage(out vec4 c, in vec2 f) {\n"  # a fading flat grey and one dot
             "  float spot = length(f - 0.5 * iResolution.xy) < 1.5 ? 1.0 : 0.0;\n"
             "  c = vec4(vec3(max(spot, 0.3 + 0.2 * sin(iTime))), 1.0); }",
    "moving": MOVING,
    "moving_again": MOVING.replace("c = vec4", "c = 1.0 * vec4"),  # same pixels
}
EXPECTED = {"flat": "constant", "still": "static", "broken": "compile_error",
            "speck": "low_diversity", "moving": KEPT, "moving_again": "duplicate"}


@pytest.fixture(scope="module")
def crafted_run(tmp_path_factory):
    sources = [from_code(code, name) for name, code in CRAFTED.items()]
    sources += [p.source for p in generate_many(4, 900)]
    cache = SpirvCache(tmp_path_factory.mktemp("cache"))
    return sources, curate(sources, CFG, cache=cache)


def test_each_crafted_program_gets_its_reason(crafted_run):
    _, run = crafted_run
    got = {o.name: o.status for o in run.outcomes}
    assert {name: got[name] for name in EXPECTED} == EXPECTED
    assert {o.name: o.duplicate_of for o in run.outcomes}["moving_again"] == "moving"


def test_survivors_keep_their_metrics_and_counts_add_up(crafted_run):
    sources, run = crafted_run
    counts = count_reasons(run.outcomes)
    assert sum(counts.values()) == len(sources)
    assert counts["constant"] == counts["static"] == counts["duplicate"] == 1
    for o in run.outcomes:
        if o.status == KEPT:
            assert {"fill", "image_colour_spread", "self_distance", "colourfulness", "jpeg_bytes",
                    "seconds_per_image"} <= set(o.metrics)


def test_generated_programs_survive(crafted_run):
    _, run = crafted_run
    assert [o.status for o in run.outcomes if o.name.startswith("synth")] == [KEPT] * 4


def test_a_program_far_slower_than_its_peers_is_dropped():
    outcomes = [ProgramOutcome(f"p{i}", KEPT, metrics={"seconds_per_image": 0.001})
                for i in range(5)]
    outcomes[2].metrics["seconds_per_image"] = 0.05
    from eval.curation import mark_slow
    mark_slow(outcomes, CFG)
    assert [o.status for o in outcomes] == [KEPT, KEPT, "slow", KEPT, KEPT]


def test_duplicates_are_judged_against_earlier_survivors_only():
    rng = np.random.default_rng(0)
    a, b = rng.random((3, 64)) > 0.5, rng.random((3, 64)) > 0.5
    near_a = a.copy()
    near_a[:, :3] ^= True
    outcomes = [ProgramOutcome("a", KEPT, hash_bits=a), ProgramOutcome("b", "static",
                                                                      hash_bits=b),
                ProgramOutcome("b2", KEPT, hash_bits=b), ProgramOutcome("a2", KEPT,
                                                                       hash_bits=near_a)]
    mark_duplicates(outcomes, CFG)
    assert [(o.status, o.duplicate_of) for o in outcomes] == [
        (KEPT, ""), ("static", ""), (KEPT, ""), ("duplicate", "a")]


def test_thresholds_decide_in_order():
    good = {"constant": False, "motion": 0.1, "image_colour_spread": 0.2, "fill": 0.5,
            "self_distance": 0.1}
    assert verdict(good, CFG) == KEPT
    assert verdict({**good, "constant": True, "motion": 0.0}, CFG) == "constant"
    assert verdict({**good, "motion": 0.001}, CFG) == "static"
    assert verdict({**good, "fill": 0.01}, CFG) == "low_diversity"


def test_cli_writes_survivors_that_load_back(tmp_path):
    (tmp_path / "flat.glsl").write_text(CRAFTED["flat"])
    (tmp_path / "moving.glsl").write_text(MOVING)
    out = tmp_path / "out"
    argv = [str(tmp_path / "flat.glsl"), str(tmp_path / "moving.glsl"), "synth:2@40",
            "--out", str(out), "--resolution", "32", "--times", "0.5,1.5,3.0",
            "--cache", str(tmp_path / "cache"), "--quiet"]
    assert main(argv) == 0
    summary = json.loads((out / "curation.json").read_text())
    assert summary["counts"]["constant"] == 1 and summary["survivors"] == 3
    assert summary["outcomes"]["moving"]["metrics"]["fill"] > 0.5
    kept = load_sources([out / "survivors.list"])
    assert [s.name for s in kept] == ["moving", "synth1_00000040", "synth1_00000041"]
    assert kept[1].theta == load_sources(["synth:1@40"])[0].theta
    assert main(argv) == 0  # again: every kernel from the cache
    assert json.loads((out / "curation.json").read_text())["compile_cache_hit_rate"] == 1.0


def test_cli_settings_reach_the_config_and_bad_ones_are_named(tmp_path, capsys):
    from eval.curate import _parser, curation_config
    args = _parser().parse_args(["x", "--out", str(tmp_path), "--set", "slow_factor=20",
                                 "--set", "min_fill=0.1"])
    cfg = curation_config(args)
    assert cfg.slow_factor == 20.0 and cfg.min_fill == 0.1
    assert main(["x", "--out", str(tmp_path), "--set", "speed=3"]) == 2
    assert "settable fields are resolution" in capsys.readouterr().err
