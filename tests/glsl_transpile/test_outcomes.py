"""The outcome index: a second run over the same programs transpiles and compiles nothing."""
from __future__ import annotations

import dataclasses

import pytest

from glsl_transpile import CompileLimits, SpirvCache, compile_programs, from_code
from glsl_transpile import batch as batch_module
from glsl_transpile.status import COMPILE_ERROR, OK

GOOD = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f.x / iResolution.x); }"
BAD = "void mainImage(out vec4 c, in vec2 f) {\n  c = vec4(undefinedThing);\n}"


def _sources():
    return [from_code(GOOD, "good"), from_code(BAD, "bad")]


def _no_transpiling(*args, **kwargs):
    raise AssertionError("transpiled a program the outcome index knew")


def test_a_second_run_needs_no_transpile_and_keeps_statuses(tmp_path, monkeypatch):
    cache = SpirvCache(tmp_path)
    first = compile_programs(_sources(), cache=cache)
    assert [r.status for r in first] == [OK, COMPILE_ERROR]
    monkeypatch.setattr(batch_module, "to_compute", _no_transpiling)
    again = compile_programs(_sources(), cache=cache)
    assert [r.status for r in again] == [OK, COMPILE_ERROR]
    assert again[0].spirv == first[0].spirv and again[0].spirv_key == first[0].spirv_key
    assert again[1].error.line == 2 and "undefinedThing" in str(again[1].error)


def test_other_code_limits_or_a_lost_kernel_compile_again(tmp_path, monkeypatch):
    cache = SpirvCache(tmp_path)
    compile_programs(_sources(), cache=cache)
    calls = []
    real = batch_module.to_compute
    monkeypatch.setattr(batch_module, "to_compute",
                        lambda src, **kw: (calls.append(src.name), real(src, **kw))[1])
    changed = [dataclasses.replace(_sources()[0], code=GOOD + "\n// edited")]
    compile_programs(changed, cache=cache)
    compile_programs(_sources()[:1], cache=cache, limits=CompileLimits(deadline_s=7.0))
    assert calls == ["good", "good"]
    for entry in (tmp_path).rglob("*.spv"):
        entry.unlink()  # the kernels are gone: the index alone must not claim success
    result = compile_programs(_sources()[:1], cache=cache)[0]
    assert result.ok and calls == ["good", "good", "good"]


def test_a_damaged_entry_is_a_miss(tmp_path):
    cache = SpirvCache(tmp_path)
    compile_programs(_sources()[:1], cache=cache)
    for entry in (tmp_path / "outcomes").rglob("*.json"):
        entry.write_text("{not json")
    assert compile_programs(_sources()[:1], cache=cache)[0].ok


@pytest.mark.parametrize("field, value", [("mode", "geek"), ("common", "float k;")])
def test_every_field_that_changes_the_kernel_is_in_the_key(tmp_path, field, value):
    from glsl_transpile.outcomes import OutcomeIndex

    index = OutcomeIndex(tmp_path, "v")
    src = _sources()[0]
    assert index.key(src, CompileLimits()) != index.key(dataclasses.replace(src, **{field: value}),
                                                        CompileLimits())
