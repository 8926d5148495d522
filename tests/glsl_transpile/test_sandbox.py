"""Compile workers: a crash or a runaway compile costs one request, and the pool goes on."""
from collections import deque

import pytest

from glsl_transpile import from_code, to_compute
from glsl_transpile.limits import CompileLimits
from glsl_transpile.sandbox import CompilePool, CompileRequest

GOOD = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f, 0.0, 1.0); }"


def kernel(code: str, name: str = "p") -> str:
    return to_compute(from_code(code, name)).glsl


def run(pool: CompilePool, kernels: list[str]) -> list:
    """Replies in request order."""
    replies = dict((req.key, rep) for req, rep in pool.run(
        deque(CompileRequest(i, f"k{i}", k) for i, k in enumerate(kernels))))
    return [replies[i] for i in range(len(kernels))]


def long_expression(terms: int) -> str:
    return ("void mainImage(out vec4 c, in vec2 f) { float x = f.x" + " + 1.0" * terms
            + "; c = vec4(x); }")


def chained_functions(n: int) -> str:
    body = ["float f0(float x) { return x + 1.0; }"]
    body += [f"float f{i}(float x) {{ return f{i - 1}(x) * 0.5 + 1.0; }}" for i in range(1, n)]
    return "\n".join(body + [f"void mainImage(out vec4 c, in vec2 q) {{ c = vec4(f{n - 1}(q.x)); }}"])


@pytest.fixture(scope="module")
def thirty_thousand_terms() -> str:
    return kernel(long_expression(30_000), "terms")


def test_a_30k_term_expression_crashes_only_its_worker_on_a_small_stack(thirty_thousand_terms):
    with CompilePool(CompileLimits(stack_bytes=4 << 20), workers=1) as pool:
        good, crashed, after = run(pool, [kernel(GOOD), thirty_thousand_terms, kernel(GOOD)])
    assert good.spirv and after.spirv
    assert crashed.spirv is None and crashed.crash.startswith("SIGSEGV")
    assert "stack" in crashed.crash and pool.started == 2


def test_a_30k_term_expression_compiles_on_the_default_stack(thirty_thousand_terms):
    with CompilePool(CompileLimits(), workers=1) as pool:
        (reply,) = run(pool, [thirty_thousand_terms])
    assert reply.spirv and reply.spirv[:4] == b"\x03\x02\x23\x07"


def test_a_compile_past_its_deadline_is_stopped_and_the_next_one_runs():
    with CompilePool(CompileLimits(deadline_s=1.0), workers=1) as pool:
        slow, good = run(pool, [kernel(chained_functions(3000)), kernel(GOOD)])
    assert slow.timeout and slow.spirv is None and slow.seconds >= 1.0
    assert good.spirv and pool.started == 2


def test_workers_are_reused_and_glslang_errors_come_back_with_their_log():
    with CompilePool(CompileLimits(), workers=1) as pool:
        a, bad, b = run(pool, [kernel(GOOD), kernel(GOOD.replace("f, 0.0", "nope")), kernel(GOOD)])
    assert a.spirv and b.spirv and pool.started == 1
    assert bad.failed == "parse" and "nope" in bad.log


def test_workers_that_cannot_start_end_the_run_with_the_reason():
    with CompilePool(CompileLimits(memory_bytes=64 << 20), workers=2) as pool:
        replies = run(pool, [kernel(GOOD), kernel(GOOD)])
    assert all(r.spirv is None and "failed to start" in r.unavailable for r in replies)
    assert "thread" in replies[0].unavailable  # the worker's own last words
