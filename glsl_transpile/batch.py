"""Compiling many programs: cached, in parallel threads (glslang releases the GIL), with progress.

``compile_programs`` never raises for one bad program: each result carries either the SPIR-V or
the ``TranspileError`` that explains the failure (with the program name and the user's line).
"""
from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable, Sequence

from .cache import SpirvCache
from .compiler import compile_spirv
from .errors import ShaderCompileError, TranspileError, UnsupportedShaderError
from .kernel import ComputeKernel, to_compute
from .sources import SHADERTOY, ShaderSource

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
        kernel, spirv, cached = _compile(src, cache)
        return CompiledProgram(src, kernel, spirv, None, time.perf_counter() - start, cached)
    except TranspileError as err:
        return CompiledProgram(src, kernel, None, err, time.perf_counter() - start, False)


_CONST_FOLD = "global const initializers must be constant"


def _compile(src: ShaderSource, cache: SpirvCache | None):
    """(kernel, spirv, from_cache). Retries without ``const`` on lines whose initialiser
    glslang cannot fold but WebGL accepts (e.g. ``const mat2 B = transpose(A);``)."""
    unconst: frozenset[int] = frozenset()
    while True:
        kernel = to_compute(src, unconst_lines=unconst)
        spirv = cache.get(kernel.glsl) if cache else None
        if spirv is not None:
            return kernel, spirv, True
        try:
            spirv = compile_spirv(src.name, kernel.glsl, user_string=kernel.user_string)
        except ShaderCompileError as err:
            if err.line and _CONST_FOLD in err.message and err.line not in unconst:
                unconst = unconst | {err.line}
                continue
            raise _explain(src, err) from err
        if cache:
            cache.put(kernel.glsl, spirv)
        return kernel, spirv, False


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


def compile_programs(sources: Sequence[ShaderSource], *, cache: SpirvCache | None = None,
                     jobs: int | None = None,
                     progress: Callable[[CompiledProgram], None] | None = None
                     ) -> list[CompiledProgram]:
    """Compile every program, results in input order. ``progress`` is called per program."""
    jobs = jobs or min(8, os.cpu_count() or 1)
    results: list[CompiledProgram | None] = [None] * len(sources)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(compile_program, s, cache): i for i, s in enumerate(sources)}
        for fut in as_completed(futures):
            res = fut.result()
            results[futures[fut]] = res
            if not res.ok:
                log.warning("%s", res.error)
            if progress:
                progress(res)
    return [r for r in results if r is not None]
