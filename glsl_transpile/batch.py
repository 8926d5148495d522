"""Compiling many programs: static limits, cache, and glslang sandboxed in worker processes.

For each program, in this process: the outcome index (``outcomes.py``: a program compiled before
by the same tool needs nothing more), else the source-size limit, the transpile (``to_compute``)
and the SPIR-V cache lookup (no worker is started when every kernel is cached). Cache misses go to a
``sandbox.CompilePool`` (deadline, memory and stack limits per worker), and every module,
cached or fresh, is checked against the static resource limits (``limits``).

``compile_programs`` never raises for one bad program: each result carries either the SPIR-V or
the ``TranspileError`` that explains the failure (with the program name and the user's line,
or the crash or deadline), and ``status`` says which (``status.py``).

A multi-pass program is compiled as its units (``multipass.compile_units``: one kernel per pass,
each cached and remembered on its own); its result holds the Image pass's kernel as ``spirv``
and the buffer passes' as ``pass_spirv``, and fails if any pass fails (the error names the
pass).
"""
from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Sequence

from .cache import SpirvCache
from .compiler import CompileFailed, compile_error
from .errors import (CompilerCrashError, CompilerUnavailableError, CompileTimeoutError,
                     ShaderCompileError, TranspileError, UnsupportedShaderError)
from .kernel import ComputeKernel, to_compute
from .limits import CompileLimits, check_kernel_resources, check_source
from .multipass import compile_units, plan
from .outcomes import Outcome, OutcomeIndex
from .sandbox import CompilePool, CompileReply, CompileRequest
from .sources import SHADERTOY, ShaderSource
from .status import status_of

log = logging.getLogger(__name__)

_CONST_FOLD = "global const initializers must be constant"


@dataclass(frozen=True)
class CompiledProgram:
    """One program's outcome: ``spirv`` on success, else ``error``."""

    source: ShaderSource
    kernel: ComputeKernel | None
    spirv: bytes | None
    error: TranspileError | None
    seconds: float
    cached: bool
    spirv_key: str | None = None  # the kernel's key in the SPIR-V cache (when one is used)
    pass_spirv: tuple[bytes, ...] = ()  # a multi-pass program's buffer-pass kernels, in order
    pass_keys: tuple[str | None, ...] = ()  # their SPIR-V cache keys

    @property
    def ok(self) -> bool:
        return self.spirv is not None

    @property
    def status(self) -> str:
        """``ok``, or the status word of ``error`` (``status.status_of``)."""
        return status_of(self.error)


@dataclass(frozen=True)
class _Attempt:
    """A program whose kernel is not in the cache: what to compile, and how it was made."""

    index: int
    source: ShaderSource
    kernel: ComputeKernel
    unconst: frozenset[int]
    seconds: float  # spent on it so far (transpiling)


def compile_program(src: ShaderSource, cache: SpirvCache | None = None, *,
                    limits: CompileLimits | None = None) -> CompiledProgram:
    """Transpile and compile one program (cache first, glslang in a worker process)."""
    return compile_programs([src], cache=cache, jobs=1, limits=limits)[0]


def compile_programs(sources: Sequence[ShaderSource], *, cache: SpirvCache | None = None,
                     jobs: int | None = None,
                     progress: Callable[[CompiledProgram], None] | None = None,
                     limits: CompileLimits | None = None,
                     pool: CompilePool | None = None) -> list[CompiledProgram]:
    """Compile every program, results in input order. ``progress`` is called per program.

    Args:
        jobs: compile worker processes at most (default: cores, up to 8).
        limits: deadline, memory, stack and static limits (default ``CompileLimits()``).
        pool: a caller's ``CompilePool`` (its limits and size apply), left open so that later
            calls reuse its workers; by default a pool lives for this call only.
    Raises:
        ValueError: ``limits`` differ from those of ``pool``.
    """
    if pool is not None and limits is not None and limits != pool.limits:
        raise ValueError("compile_programs: limits differ from the pool's limits")
    limits = pool.limits if pool is not None else (limits or CompileLimits())
    own = None if pool is not None else CompilePool(
        limits, min(jobs or min(8, os.cpu_count() or 1), max(1, len(sources))))
    try:
        units = [(i, unit) for i, src in enumerate(sources) for unit in compile_units(src)]
        group = _Programs(sources, [i for i, _ in units], progress)
        _compile_all([u for _, u in units], cache, limits, pool or own, group.unit_done)
        return group.results()
    finally:
        if own is not None:
            own.close()


class _Programs:
    """Unit results gathered back into one result per program (``progress`` per program)."""

    def __init__(self, sources: Sequence[ShaderSource], owners: list[int], progress):
        self.sources, self.owners, self.progress = sources, owners, progress
        self.parts: dict[int, dict[int, CompiledProgram]] = {}
        self.done: dict[int, CompiledProgram] = {}
        self.count = [owners.count(i) for i in range(len(sources))]
        self.first = {}
        for position, owner in enumerate(owners):
            self.first.setdefault(owner, position)

    def unit_done(self, position: int, result: CompiledProgram) -> None:
        owner = self.owners[position]
        parts = self.parts.setdefault(owner, {})
        parts[position - self.first[owner]] = result
        if len(parts) == self.count[owner]:
            self.done[owner] = _assemble(self.sources[owner], [parts[k] for k in sorted(parts)])
            if self.progress:
                self.progress(self.done[owner])

    def results(self) -> list[CompiledProgram]:
        return [self.done[i] for i in range(len(self.sources)) if i in self.done]


def _assemble(src: ShaderSource, parts: list[CompiledProgram]) -> CompiledProgram:
    """The program's result from its units' (the last is the Image pass)."""
    if len(parts) == 1 and not src.passes and parts[0].source == src:
        return dataclasses.replace(parts[0], source=src)
    image, buffers = parts[-1], parts[:-1]
    labels = [u.label for u in plan(src).units]
    failed = next(((p, label) for p, label in zip(parts, labels) if not p.ok), None)
    error = None if failed is None else _in_pass(failed[0].error, failed[1], src)
    return CompiledProgram(
        src, image.kernel, image.spirv if error is None else None, error,
        sum(p.seconds for p in parts), all(p.cached for p in parts), image.spirv_key,
        tuple(p.spirv for p in buffers) if error is None else (),
        tuple(p.spirv_key for p in buffers))


def _in_pass(err: TranspileError, label: str, src: ShaderSource) -> TranspileError:
    """``err`` of one pass of a Shadertoy multi-pass program, saying which pass (the line is
    that pass's own)."""
    if label == "Image" or not src.passes:
        return err
    if type(err) is ShaderCompileError:
        return ShaderCompileError(err.shader, err.line, f"{label}: {err.message}", err.log)
    if type(err) is UnsupportedShaderError:
        return UnsupportedShaderError(err.shader, f"{label}: {err.message}", line=err.line)
    return err


def _compile_all(sources, cache, limits, pool, unit_done) -> None:
    """Compile every source; ``unit_done(i, result)`` as each finishes."""
    index = OutcomeIndex(cache.directory, cache.version) if cache else None
    keys = [index.key(src, limits) for src in sources] if index else []

    def finish(i: int, result: CompiledProgram) -> None:
        if index is not None and result.spirv_key is None and result.kernel is not None \
                and result.ok:
            result = dataclasses.replace(result, spirv_key=cache.key(result.kernel.glsl))
        if index is not None and not (result.cached and result.kernel is None):
            _remember(index, keys[i], result)
        if not result.ok:
            log.warning("%s", result.error)
        unit_done(i, result)

    queue: deque[CompileRequest] = deque()
    for i, src in enumerate(sources):
        known = _known(src, cache, index.get(keys[i])) if index else None
        if known is not None:
            finish(i, known)
            continue
        step = _prepare(i, src, cache, limits, frozenset(), 0.0)
        if isinstance(step, CompiledProgram):
            finish(i, step)
        else:  # workers start now and get ready while the rest is transpiled
            queue.append(CompileRequest(step, step.source.name, step.kernel.glsl))
            pool.start(len(queue))
    for request, reply in pool.run(queue):
        step = _after_compile(request.key, reply, cache, limits)
        if isinstance(step, CompiledProgram):
            finish(request.key.index, step)
        else:
            queue.append(CompileRequest(step, step.source.name, step.kernel.glsl))


def _known(src: ShaderSource, cache: SpirvCache, outcome: Outcome | None
           ) -> CompiledProgram | None:
    """The result an earlier run recorded for ``src``, or None (then it is compiled)."""
    if outcome is None:
        return None
    if outcome.spirv_key is None:
        error = outcome.error(src.name)
        return None if error is None else CompiledProgram(src, None, None, error, 0.0, True)
    spirv = cache.get_by_key(outcome.spirv_key)
    if spirv is None:
        return None  # the kernel left the cache: compile it again
    return CompiledProgram(src, None, spirv, None, 0.0, True, outcome.spirv_key)


def _remember(index: OutcomeIndex, key: str, result: CompiledProgram) -> None:
    if result.ok:
        index.put(key, Outcome(status_of(None), spirv_key=result.spirv_key))
    else:
        outcome = Outcome.of_error(result.error)
        if outcome is not None:
            index.put(key, outcome)


def _prepare(index: int, src: ShaderSource, cache: SpirvCache | None, limits: CompileLimits,
             unconst: frozenset[int], seconds: float) -> CompiledProgram | _Attempt:
    """Limits, transpile and cache lookup: the result if known now, else what to compile."""
    start = time.perf_counter()
    kernel = None
    try:
        check_source(src, limits)
        kernel = to_compute(src, unconst_lines=unconst)
        spirv = cache.get(kernel.glsl) if cache else None
        if spirv is None:
            return _Attempt(index, src, kernel, unconst, seconds + time.perf_counter() - start)
        check_kernel_resources(src, kernel.glsl, spirv, limits)
        return CompiledProgram(src, kernel, spirv, None, seconds + time.perf_counter() - start,
                               True)
    except TranspileError as err:
        return CompiledProgram(src, kernel, None, err, seconds + time.perf_counter() - start,
                               False)


def _after_compile(attempt: _Attempt, reply: CompileReply, cache: SpirvCache | None,
                   limits: CompileLimits) -> CompiledProgram | _Attempt:
    """The result of a worker's reply, or a new attempt (see ``_retry_line``)."""
    src, kernel = attempt.source, attempt.kernel
    seconds = attempt.seconds + reply.seconds
    if reply.spirv is not None:
        if cache:
            cache.put(kernel.glsl, reply.spirv)
        try:
            check_kernel_resources(src, kernel.glsl, reply.spirv, limits)
        except TranspileError as err:
            return CompiledProgram(src, kernel, None, err, seconds, False)
        return CompiledProgram(src, kernel, reply.spirv, None, seconds, False)
    if reply.failed:
        err = compile_error(src.name, CompileFailed(reply.failed, reply.log),
                            user_string=kernel.user_string)
        line = _retry_line(err, attempt.unconst)
        if line is not None:
            return _prepare(attempt.index, src, cache, limits, attempt.unconst | {line}, seconds)
        return CompiledProgram(src, kernel, None, _explain(src, err), seconds, False)
    return CompiledProgram(src, kernel, None, _sandbox_error(src, reply, limits), seconds, False)


def _retry_line(err: ShaderCompileError, unconst: frozenset[int]) -> int | None:
    """A user line whose ``const`` glslang cannot fold but WebGL accepts (e.g.
    ``const mat2 B = transpose(A);``): compiled again without that ``const``."""
    if err.line and _CONST_FOLD in err.message and err.line not in unconst:
        return err.line
    return None


def _sandbox_error(src: ShaderSource, reply: CompileReply,
                   limits: CompileLimits) -> TranspileError:
    if reply.timeout:
        return CompileTimeoutError(src.name, limits.deadline_s, reply.log)
    if reply.crash:
        return CompilerCrashError(src.name, reply.crash, reply.log)
    return CompilerUnavailableError(reply.unavailable)


def _explain(src: ShaderSource, err: ShaderCompileError) -> TranspileError:
    """Errors in generated code caused by the program's shape, said in the user's terms."""
    if err.line is not None or src.kind != SHADERTOY:
        return err
    if "'main'" in err.message:
        return UnsupportedShaderError(src.name, "defines its own main(); Shadertoy programs "
                                                "define mainImage(out vec4, in vec2) instead")
    if "mainImage" in err.message:
        return UnsupportedShaderError(src.name, "does not define mainImage(out vec4, in vec2)")
    return err
