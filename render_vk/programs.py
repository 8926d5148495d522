"""The renderer's table of loaded programs: status, log, timings, and how to get each kernel back.

A loaded program keeps what is needed to build its pipeline later, not the pipeline itself: the
key of its SPIR-V in the on-disk cache (or, without a cache, the SPIR-V bytes), so the memory of
a loaded corpus grows with the source text, not with kernels and pipelines. A multi-pass
program has one kernel per pass: kernel keys are a program index (its Image pass) or
``(index, unit)`` for unit ``unit`` of ``glsl_transpile.multipass.plan`` (the last unit is the
Image pass). Callers outside ``render_vk`` see ``ProgramStatus`` snapshots only.
"""
from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass
from typing import Sequence

from glsl_transpile import CompiledProgram, ShaderSource, SpirvCache, compile_program
from glsl_transpile.multipass import PassPlan, plan

from .errors import RenderError

OK = "ok"
_TIMINGS_KEPT = 32  # recent seconds-per-image figures per program


@dataclass(frozen=True)
class ProgramStatus:
    """A loaded program as callers see it (a snapshot).

    ``status``: ok, compile_error, unsupported, timeout, crash, loop_capped or
    beyond_frame_cap; ``log`` says why when it is not ok. ``seconds_per_image``: median device
    seconds per image so far (None until timed). ``frames_simulated``: frames a multi-pass
    program has run so far, over all its simulations (its cost; 0 for a single pass).
    """

    index: int
    name: str
    status: str
    log: str
    origin: str
    compile_seconds: float
    seconds_per_image: float | None
    source: ShaderSource
    frames_simulated: int = 0

    @property
    def ok(self) -> bool:
        return self.status == OK


class _Program:
    __slots__ = ("source", "status", "log", "compile_seconds", "spirv_key", "spirv", "timings",
                 "pass_keys", "pass_spirv", "frames")

    def __init__(self, source: ShaderSource, status: str, log: str, compile_seconds: float):
        self.source, self.status, self.log = source, status, log
        self.compile_seconds = compile_seconds
        self.spirv_key: str | None = None
        self.spirv: bytes | None = None
        self.pass_keys: tuple[str | None, ...] = ()
        self.pass_spirv: tuple[bytes, ...] = ()
        self.timings: deque[float] = deque(maxlen=_TIMINGS_KEPT)
        self.frames = 0


def _status_of(result: CompiledProgram) -> tuple[str, str]:
    if result.ok:
        return OK, ""
    err = result.error  # status from glsl_transpile's vocabulary (timeout and crash included)
    return result.status, getattr(err, "log", "") or str(err)


class ProgramTable:
    """Every program loaded into a renderer, by index (load order)."""

    def __init__(self, cache: SpirvCache | None):
        self._cache = cache
        self._rows: list[_Program] = []

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, result: CompiledProgram) -> int:
        """Record a compile result; returns the program's index."""
        status, log = _status_of(result)
        row = _Program(result.source, status, log, result.seconds)
        if result.ok:
            if self._cache is not None and result.spirv_key is not None \
                    and all(k is not None for k in result.pass_keys):
                row.spirv_key = result.spirv_key  # compiling cached it under that key
                row.pass_keys = result.pass_keys
            else:
                row.spirv, row.pass_spirv = result.spirv, result.pass_spirv
        self._rows.append(row)
        return len(self._rows) - 1

    def spirv(self, key) -> bytes:
        """A kernel (``key``: a program index, or (index, unit), see the module doc): from
        memory, the cache, or compiled again if the cache lost it.

        Raises:
            RenderError: it no longer compiles (the cache folder changed under the run).
        """
        index, unit = key if isinstance(key, tuple) else (key, None)
        row = self._rows[index]
        buffers = len(self.plan(index).units) - 1
        if unit is not None and unit < buffers:
            held, cache_key = (row.pass_spirv[unit] if row.pass_spirv else None,
                               row.pass_keys[unit] if row.pass_keys else None)
        else:
            held, cache_key = row.spirv, row.spirv_key
        if held is not None:
            return held
        data = self._cache.get_by_key(cache_key) if cache_key else None
        if data is None:
            result = compile_program(row.source, self._cache)
            if not result.ok:
                raise RenderError(f"{row.source.name}: its kernel vanished from the cache and "
                                  f"does not compile again: {result.error}")
            data = result.pass_spirv[unit] if unit is not None and unit < buffers \
                else result.spirv
        return data

    def plan(self, index: int) -> PassPlan:
        """The program's passes (``glsl_transpile.multipass.plan``)."""
        return plan(self._rows[index].source)

    def is_multipass(self, index: int) -> bool:
        return self.plan(index).multipass

    def record_frames(self, index: int, frames: int) -> None:
        self._rows[index].frames += frames

    def check_renderable(self, indices: Sequence[int]) -> None:
        """Raises ``RenderError`` naming the first index that is unknown or not ok."""
        for idx in indices:
            if not 0 <= idx < len(self._rows):
                raise RenderError(f"no program with index {idx} ({len(self._rows)} loaded)")
            row = self._rows[idx]
            if row.status != OK:
                raise RenderError(f"program {row.source.name} cannot be rendered "
                                  f"({row.status})")

    def mark(self, index: int, status: str, log: str) -> None:
        row = self._rows[index]
        row.status, row.log = status, log

    def record_time(self, index: int, seconds_per_image: float) -> None:
        self._rows[index].timings.append(seconds_per_image)

    def name(self, key) -> str:
        """The program's name (``key``: an index or a kernel key)."""
        return self._rows[key[0] if isinstance(key, tuple) else key].source.name

    def source(self, index: int) -> ShaderSource:
        return self._rows[index].source

    def is_ok(self, index: int) -> bool:
        return self._rows[index].status == OK

    def ok_indices(self) -> list[int]:
        return [i for i, row in enumerate(self._rows) if row.status == OK]

    def status(self, index: int) -> ProgramStatus:
        row = self._rows[index]
        timed = statistics.median(row.timings) if row.timings else None
        return ProgramStatus(index, row.source.name, row.status, row.log, row.source.origin,
                             row.compile_seconds, timed, row.source, row.frames)

    def statuses(self) -> list[ProgramStatus]:
        return [self.status(i) for i in range(len(self._rows))]
