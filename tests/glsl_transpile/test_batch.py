"""compile_programs: one status per program, whatever the others do; the cache spares workers."""
import pytest

import glsl_transpile.sandbox as sandbox
from glsl_transpile import SpirvCache, compile_programs, from_code
from glsl_transpile.limits import CompileLimits
from glsl_transpile.status import STATUSES

GOOD = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f, 0.0, 1.0); }"
HUGE_ARRAY = "float a[100000000];\nvoid mainImage(out vec4 c, in vec2 f) { c = vec4(a[int(f.x)]); }"


def long_expression(terms: int) -> str:
    return ("void mainImage(out vec4 c, in vec2 f) { float x = f.x" + " + 1.0" * terms
            + "; c = vec4(x); }")


def test_each_program_gets_its_own_status_in_input_order(tmp_path):
    sources = [from_code(GOOD, "good"), from_code(GOOD.replace("f, 0.0", "nope"), "typo"),
               from_code(HUGE_ARRAY, "huge"), from_code(long_expression(12_000), "deep"),
               from_code(GOOD.replace("1.0", "0.5"), "good2")]
    seen = []
    results = compile_programs(sources, cache=SpirvCache(tmp_path), jobs=2,
                               limits=CompileLimits(stack_bytes=1 << 20),
                               progress=lambda r: seen.append(r.source.name))
    assert [r.source.name for r in results] == ["good", "typo", "huge", "deep", "good2"]
    assert [r.status for r in results] == ["ok", "compile_error", "unsupported", "crash", "ok"]
    assert sorted(seen) == sorted(r.source.name for r in results)
    crash = results[3].error
    assert "SIGSEGV" in str(crash) and str(crash).startswith("deep: compiler crashed")
    assert all(r.status in STATUSES for r in results)


def test_a_compile_past_the_deadline_is_a_timeout_and_the_rest_compile():
    chain = "\n".join(["float f0(float x) { return x; }"] + [
        f"float f{i}(float x) {{ return f{i - 1}(x) + 1.0; }}" for i in range(1, 3000)]
        + ["void mainImage(out vec4 c, in vec2 q) { c = vec4(f2999(q.x)); }"])
    results = compile_programs([from_code(chain, "slow"), from_code(GOOD, "good")], jobs=1,
                               limits=CompileLimits(deadline_s=1.0))
    assert [r.status for r in results] == ["timeout", "ok"]
    assert "within 1 s" in str(results[0].error) and results[0].seconds >= 1.0


def test_a_warm_cache_starts_no_compile_worker(tmp_path, monkeypatch):
    sources = [from_code(GOOD, "a"), from_code(GOOD.replace("1.0", "0.5"), "b")]
    cache = SpirvCache(tmp_path)
    assert all(r.ok for r in compile_programs(sources, cache=cache))

    def no_worker(*args, **kwargs):
        raise AssertionError("a worker was started on a warm cache")

    monkeypatch.setattr(sandbox, "_Worker", no_worker)
    again = compile_programs(sources, cache=cache)
    assert all(r.ok and r.cached for r in again)


def test_cached_modules_are_checked_against_the_current_limits(tmp_path):
    src = from_code("float a[100];\nvoid mainImage(out vec4 c, in vec2 f) { c = vec4(a[int(f.x)]); }",
                    "hundred")
    cache = SpirvCache(tmp_path)
    assert compile_programs([src], cache=cache)[0].ok
    (strict,) = compile_programs([src], cache=cache, limits=CompileLimits(max_array_elements=50))
    assert strict.status == "unsupported" and strict.error.line == 1


@pytest.mark.parametrize("error_class", ["ShaderSourceError", "UnsupportedShaderError",
                                         "ShaderCompileError", "CompileTimeoutError",
                                         "CompilerCrashError"])
def test_every_error_class_names_a_status_of_the_vocabulary(error_class):
    import glsl_transpile.errors as errors
    assert getattr(errors, error_class).status in STATUSES


def test_a_callers_pool_is_reused_across_calls_and_left_open():
    from glsl_transpile import CompilePool
    with CompilePool(CompileLimits(), workers=1) as pool:
        first = compile_programs([from_code(GOOD.replace("1.0", "0.25"), "a")], pool=pool)
        second = compile_programs([from_code(GOOD.replace("1.0", "0.75"), "b")], pool=pool)
        assert first[0].ok and second[0].ok and pool.started == 1
        with pytest.raises(ValueError, match="limits differ"):
            compile_programs([], pool=pool, limits=CompileLimits(deadline_s=1.0))
