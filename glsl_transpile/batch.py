"""Compiling many programs: cached, in parallel threads (glslang releases the GIL), with progress.

``compile_programs`` never raises for one bad program: each result carries either the SPIR-V or
the ``TranspileError`` that explains the failure (with the program name and the user's line).
"""
from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence

from .cache import SpirvCache
from .compiler import compile_spirv
from .errors import TranspileError
from .kernel import ComputeKernel, to_compute
from .sources import ShaderSource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompiledProgram:
    """One program's outcome: ``spirv`` on success, else ``error``."""

    source: ShaderSource
    kernel: ComputeKernel | None
    spirv: bytes | None
    error: TranspileError | None
    seconds: float
    cached: bool

    @property
    def ok(self) -> bool:
        return self.spirv is not None


def compile_program(src: ShaderSource, cache: SpirvCache | None = None) -> CompiledProgram:
    """Transpile and compile one program (cache first)."""
    start = time.perf_counter()
    kernel = None
    try:
        kernel = to_compute(src)
        spirv = cache.get(kernel.glsl) if cache else None
        cached = spirv is not None
        if spirv is None:
            spirv = compile_spirv(src.name, kernel.glsl, user_string=kernel.user_string)
            if cache:
                cache.put(kernel.glsl, spirv)
        return CompiledProgram(src, kernel, spirv, None, time.perf_counter() - start, cached)
    except TranspileError as err:
        return CompiledProgram(src, kernel, None, err, time.perf_counter() - start, False)


def compile_programs(sources: Sequence[ShaderSource], *, cache: SpirvCache | None = None,
                     jobs: int | None = None,
                     progress: Callable[[CompiledProgram], None] | None = None
                     ) -> list[CompiledProgram]:
    """Compile every program, results in input order. ``progress`` is called per program."""
    jobs = jobs or min(8, os.cpu_count() or 1)
    results: list[CompiledProgram | None] = [None] * len(sources)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(compile_program, s, cache): i for i, s in enumerate(sources)}
        for fut in _as_completed(futures):
            res = fut.result()
            results[futures[fut]] = res
            if not res.ok:
                log.warning("%s", res.error)
            if progress:
                progress(res)
    return [r for r in results if r is not None]


def _as_completed(futures):
    from concurrent.futures import as_completed
    return as_completed(futures)
