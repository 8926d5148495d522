"""``Renderer``: many programs, many time samples, one submission, results as torch tensors.

A request lists (program, time) pairs. The renderer groups them by program: one dispatch per
program covers all of its samples (one grid layer each), and one queue submission covers every
program of the request. Each sample's record says which output image it writes, so the result
keeps the request's order without a copy.

- ``render(request)`` returns ``(N, 3, H, W) uint8`` images the caller owns.
- ``submit(request)`` returns at once a ``PendingRender``: its ``result()`` is a zero-copy view
  of a ring slot (mapped host memory, or CUDA memory with ``output="cuda"``), valid until its
  ``release()``; the slot is not rendered into before that (``pending.py``, ``handoff.py``).

Programs are compiled at ``load`` (cached, in parallel, failures recorded per program); their
pipelines are made when a request first needs them and at most ``pipeline_budget`` stay alive
(``pipelines.py``). The watchdog (``watchdog.py``) stops programs that are too slow per image or
that ran into the driver's loop cap; a batch that misses ``batch_timeout_s`` has its culprit
named and stopped, and its device is abandoned for a fresh one without waiting for the hung work
(``context.py``), so a run's wall time stays bounded. Failures raise ``ProgramFailedError``
(``RenderTimeoutError`` for hangs) after marking the programs; the others render on.
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch

from glsl_transpile import (CompileLimits, CompilePool, ShaderSource, SpirvCache,
                            compile_programs)
from glsl_transpile.cache import default_cache_dir

from .config import RendererConfig, RenderRequest
from .context import DeviceContext
from .dispatch import Dispatch
from .errors import (ProgramFailedError, RenderConsistencyError, RenderError,
                     RenderTimeoutError, VulkanError)
from .frames import pack_frames
from .pending import PendingRender
from .programs import ProgramStatus, ProgramTable
from .ring import Slot
from .watchdog import loop_capped_images, mark_loop_capped, running_dispatch, slow_programs

log = logging.getLogger(__name__)

Group = tuple[int, int]  # (program index, samples of it in the batch)
_LOAD_CHUNK = 1024  # programs compiled (and their kernels held) at once by load()


@dataclass(frozen=True)
class RendererStatus:
    """What a renderer is and has done (for CLIs, benchmarks and tests)."""

    device: str
    device_kind: str
    handoff: str
    programs: int
    programs_ok: int
    requests: int
    pipeline_budget: int
    pipelines_live: int
    pipelines_peak: int
    pipelines_created: int
    pipelines_evicted: int
    pipeline_cache_bytes_loaded: int
    devices_abandoned: int


class Renderer:
    """Batched Vulkan compute rendering of shader programs (see module doc)."""

    def __init__(self, config: RendererConfig = RendererConfig()):
        self.config = config
        self._cache = SpirvCache(config.cache_dir) if config.use_cache else None
        self._table = ProgramTable(self._cache)
        self._requests = 0
        self._reference_digest: str | None = None
        self._abandoned: list[DeviceContext] = []
        self._ctx = DeviceContext(config, self._table, self._cache_root())
        log.info("rendering on %s (%s)", self.device_name, self._ctx.device.info.kind)

    def _cache_root(self) -> Path | None:
        if not self.config.use_cache:
            return None
        return Path(self.config.cache_dir) if self.config.cache_dir else default_cache_dir()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Destroy every Vulkan object in reverse creation order; a device abandoned after a
        hang that is still busy is left to the process's exit (logged)."""
        try:
            self._ctx.close()
        finally:
            self._reap(final=True)

    @property
    def device_name(self) -> str:
        return self._ctx.name

    # -- programs ------------------------------------------------------------------------------
    def load(self, sources: Sequence[ShaderSource],
             progress: Callable[[int, int], None] | None = None) -> list[ProgramStatus]:
        """Compile (cached, in parallel) and record every program; failures are recorded per
        program (``status``/``log``), never raised. ``progress(done, total)`` is called as
        programs finish compiling. Returns the new programs' statuses (indices follow on)."""
        start, done = len(self._table), [0]

        def step(_result) -> None:
            done[0] += 1
            if progress is not None:
                progress(done[0], len(sources))

        workers = self.config.compile_jobs or min(8, os.cpu_count() or 1)
        pool = CompilePool(CompileLimits(), workers)
        try:  # in chunks: the kernels of a 21k corpus are never all in memory at once
            for first in range(0, len(sources), _LOAD_CHUNK):
                for result in compile_programs(sources[first:first + _LOAD_CHUNK],
                                               cache=self._cache, pool=pool, progress=step):
                    self._table.add(result)
        finally:
            pool.close()
        return [self._table.status(i) for i in range(start, len(self._table))]

    def exclude(self, index: int, status: str, log: str) -> None:
        """Take program ``index`` out of rendering with ``status`` (e.g. it failed the same
        way in an earlier run over the same corpus, so trying again would cost its deadline)."""
        self._table.mark(index, status, log)

    def program(self, index: int) -> ProgramStatus:
        return self._table.status(index)

    def programs(self) -> list[ProgramStatus]:
        """Every loaded program's status, by index."""
        return self._table.statuses()

    def ok_indices(self) -> list[int]:
        """Indices of programs that can be rendered."""
        return self._table.ok_indices()

    def status(self) -> RendererStatus:
        pipes = self._ctx.pipelines
        c = pipes.counters
        return RendererStatus(
            self.device_name, self._ctx.device.info.kind, type(self._ctx.handoff).__name__,
            len(self._table), len(self._table.ok_indices()), self._requests, pipes.budget,
            c.live, c.peak_live, c.created, c.evicted, c.disk_bytes_loaded,
            len(self._abandoned))

    # -- rendering -----------------------------------------------------------------------------
    def render(self, request: RenderRequest) -> torch.Tensor:
        """Render a request; returns ``(N, 3, H, W) uint8`` images the caller owns.

        Raises:
            RenderError: a requested program is not ``ok``.
            ProgramFailedError: programs failed while rendering (now marked; see the module
                doc); ``RenderTimeoutError`` when one hung the batch.
        """
        with self.submit(request) as pending:
            return pending.result().contiguous()

    def submit(self, request: RenderRequest) -> PendingRender:
        """Start rendering ``request`` and return at once (see ``PendingRender``). Up to
        ``ring_size`` requests can be in flight (one more waits for the oldest, which must
        have been released if its images were taken). Every ``consistency_every`` requests a
        fixed sample is checked first (``check_consistency``)."""
        every = self.config.consistency_every
        if every and self._requests % every == 0:
            self.check_consistency()
        self._requests += 1
        return self._submit(request)

    def check_consistency(self) -> None:
        """Re-render a fixed (program, time) sample and compare it with its first rendering.

        Raises:
            RenderConsistencyError: the pixels changed (the device returned corrupt results).
        """
        ok = self._table.ok_indices()
        if not ok:
            return
        with self._submit(RenderRequest([ok[0]], [1.0], 16, 16, [0])) as pending:
            pixels = pending.result().cpu().contiguous().numpy().tobytes()
        digest = hashlib.blake2b(pixels, digest_size=16).hexdigest()
        if self._reference_digest is None:
            self._reference_digest = digest
        elif digest != self._reference_digest:
            raise RenderConsistencyError(
                f"{self._table.name(ok[0])} at t=1.0 rendered differently than before on "
                f"{self.device_name}: results may be corrupt (shared GPU load, driver fault)")

    def _submit(self, request: RenderRequest) -> PendingRender:
        """Submit on the current device; if waiting for an older batch there found it hung
        (and the device was replaced), submit again on the new one."""
        self._table.check_renderable(set(request.programs))
        if self._abandoned:
            self._reap()
        for _ in range(3):
            try:
                return self._submit_on(self._ctx, request)
            except _DeviceReplaced:
                self._table.check_renderable(set(request.programs))
        raise RenderError("the device was replaced three times while submitting one request")

    def _submit_on(self, ctx: DeviceContext, request: RenderRequest) -> PendingRender:
        params = self._sample_params(request)
        n = len(request.programs)
        slot = ctx.ring.acquire(n, n * request.width * request.height, len(params[0]))
        if ctx is not self._ctx:
            raise _DeviceReplaced
        groups = self._prepare(slot, request, params)
        chunks = _chunks(groups, ctx.pipelines.budget)
        waits, signals = ctx.handoff.before_submit(slot.lease)
        first = 0
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            dispatches = self._dispatch(ctx, slot, request, chunk, first,
                                        waits=waits if i == 0 else (),
                                        signals=signals if last else ())
            finish = self._finisher(ctx, slot, request, dispatches, chunk)
            if not last:  # a request with more programs than the budget: one chunk at a time
                finish()
            first += sum(count for _, count in chunk)
        return PendingRender(slot, request, ctx.handoff, finish)

    def _sample_params(self, req: RenderRequest) -> tuple[np.ndarray, np.ndarray]:
        """(flat float32 parameters, first entry of each sample's vector): the request's
        vectors, else each program's own theta. A wrong length raises ``RenderError``."""
        chunks, base, offset = [], np.zeros(len(req.programs), dtype=np.uint32), 0
        for i, prog in enumerate(req.programs):
            theta = self._table.source(prog).theta
            given = None if req.params is None else req.params[i]
            vec = np.asarray(theta if given is None else given, dtype=np.float32).reshape(-1)
            if given is not None and len(vec) != len(theta):
                raise RenderError(f"{self._table.name(prog)}: sample {i} gives {len(vec)} "
                                  f"parameters, the program declares {len(theta)}")
            base[i] = offset
            chunks.append(vec)
            offset += len(vec)
        flat = np.concatenate(chunks) if offset else np.zeros(0, dtype=np.float32)
        return flat, base

    def _prepare(self, slot: Slot, req: RenderRequest, params) -> list[Group]:
        """Fill the slot's records grouped by program; returns (program, samples) groups in
        record order (a program's samples are consecutive records)."""
        programs = np.asarray(req.programs, dtype=np.int64)
        order = np.argsort(programs, kind="stable")
        frames = np.arange(len(programs)) if req.frames is None else np.asarray(req.frames)
        times = np.asarray(req.times_s, dtype=np.float32)
        flat, base = params
        slot.params.array[:flat.nbytes] = flat.view(np.uint8)
        records = pack_frames(times[order], frames[order], out_index=order,
                              param_base=base[order], fps=self.config.fps)
        slot.frames.array[:records.nbytes] = records.view(np.uint8)
        uniq, counts = np.unique(programs[order], return_counts=True)
        return [(int(p), int(c)) for p, c in zip(uniq, counts)]

    def _dispatch(self, ctx: DeviceContext, slot: Slot, req: RenderRequest,
                  groups: list[Group], first: int, *, waits, signals) -> list[Dispatch]:
        """Pipelines for ``groups`` (made or found; pinned until the batch is done), then one
        submission of their dispatches. ``groups`` start at record ``first``."""
        self._room_for(ctx, groups)
        try:
            pipelines = ctx.pipelines.acquire(p for p, _ in groups)
        except VulkanError as err:
            raise self._pipeline_failed(ctx, groups, err) from err
        slot.pinned = [p for p, _ in groups]
        dispatches, record = [], first
        for prog, count in groups:
            dispatches.append(Dispatch(pipelines[prog], slot.sets.sets[0], req.width,
                                       req.height, record, 0, count))
            record += count
        slot.stream.submit(dispatches, timed=self.config.watchdog, waits=waits,
                           signals=signals)
        return dispatches

    def _room_for(self, ctx: DeviceContext, groups: list[Group]) -> None:
        """Wait for older in-flight batches while their pinned pipelines leave no room."""
        pipes = ctx.pipelines
        for older in ctx.ring.in_flight():
            if pipes.pinned() + len(groups) <= pipes.budget:
                return
            older.pending.wait()
            if ctx is not self._ctx:
                raise _DeviceReplaced

    def _pipeline_failed(self, ctx, groups: list[Group], err: VulkanError) -> ProgramFailedError:
        """The driver rejected a kernel: find which (alone), mark it ``crash``."""
        bad = []
        for prog, _ in groups:
            try:
                ctx.pipelines.unpin(ctx.pipelines.acquire([prog]))
            except VulkanError as one:
                self._table.mark(prog, "crash", f"the driver rejected the kernel: {one}")
                bad.append(self._table.name(prog))
        return ProgramFailedError(bad, f"pipeline creation failed for {', '.join(bad) or '?'}:"
                                       f" {err}")

    def _finisher(self, ctx: DeviceContext, slot: Slot, req: RenderRequest,
                  dispatches: list[Dispatch], groups: list[Group]) -> Callable[[], None]:
        def finish() -> None:
            self._finish(ctx, slot, req, dispatches, groups)
        return finish

    def _finish(self, ctx: DeviceContext, slot: Slot, req: RenderRequest,
                dispatches: list[Dispatch], groups: list[Group]) -> None:
        """Wait for a submitted batch, then let the watchdog judge it.

        Raises:
            RenderTimeoutError: the batch hung (culprit stopped, device replaced).
            ProgramFailedError: a program was too slow per image or ran into the loop cap.
        """
        try:
            slot.stream.wait(self.config.batch_timeout_s, "batch")
        except RenderTimeoutError:
            culprits = self._recover(ctx, slot, req, groups)
            raise RenderTimeoutError(", ".join(culprits) or "batch",
                                     self.config.batch_timeout_s, culprits) from None
        finally:
            if ctx is self._ctx:
                ctx.pipelines.unpin(slot.pinned)
                slot.pinned = []
        failed = []
        if self.config.watchdog:
            failed += slow_programs(groups, slot.stream.dispatch_seconds() or [],
                                    self.config.image_timeout_s, self._table)
        if ctx.is_cpu:  # only CPU drivers cut loops; the flag means nothing on a GPU
            failed += self._loop_capped(ctx, slot, req)
        if failed:
            names = [self._table.name(p) for p in failed]
            raise ProgramFailedError(names, f"{', '.join(names)}: stopped while rendering "
                                            f"({self._table.status(failed[0]).status})")

    def _loop_capped(self, ctx: DeviceContext, slot: Slot, req: RenderRequest) -> list[int]:
        capped = loop_capped_images(slot.flat, len(req.programs), req.width * req.height)
        if not capped.any():
            return []
        return mark_loop_capped(self._table, capped, np.asarray(req.programs), ctx.name)

    # -- hangs ---------------------------------------------------------------------------------
    def _recover(self, ctx: DeviceContext, slot: Slot, req: RenderRequest,
                 groups: list[Group]) -> list[str]:
        """After a batch missed its deadline: name the culprit (from the batch's timestamps,
        else by rendering each program alone), stop it, and replace the device."""
        log.warning("a batch of %d programs ran past %.1f s; recovering", len(groups),
                    self.config.batch_timeout_s)
        running = running_dispatch(slot.stream.dispatches_done(), len(groups))
        self._abandon(ctx)
        if running is not None:
            culprits = [groups[running][0]]
        elif len(groups) == 1:
            culprits = [groups[0][0]]
        else:
            culprits = self._isolate(groups, req.width, req.height)
        for prog in culprits:
            self._table.mark(prog, "timeout", f"did not finish within "
                                              f"{self.config.batch_timeout_s:g} s")
        return [self._table.name(p) for p in culprits]

    def _isolate(self, groups: list[Group], width: int, height: int) -> list[int]:
        """Render each program's share alone (deadline each); those that time out are to
        blame, else the slowest. Bounded: at most one deadline per program."""
        timings = {}
        for prog, count in groups:
            timings[prog] = self._time_alone(prog, count, width, height)
        culprits = [p for p, t in timings.items() if t is None]
        return culprits or [max(timings, key=timings.get)]

    def _time_alone(self, prog: int, count: int, width: int, height: int) -> float | None:
        """Wall seconds to render ``count`` images of ``prog`` alone; None if it hangs (its
        own recovery then marks it and replaces the device)."""
        start = time.perf_counter()
        pending = self._submit(RenderRequest([prog] * count, [1.0] * count, width, height))
        pending.wait()
        pending.release()
        if isinstance(pending.error, RenderTimeoutError):
            return None
        return time.perf_counter() - start

    def _abandon(self, ctx: DeviceContext) -> None:
        """Leave ``ctx`` (busy with hung work) and open a fresh device context."""
        for slot in ctx.ring.slots():
            if slot.pending is not None:
                slot.pending.abandon()
        self._abandoned.append(ctx)
        self._reap()
        self._ctx = DeviceContext(self.config, self._table, self._cache_root())
        log.warning("abandoned a hung device; rendering goes on with a fresh one (%s)",
                    self.device_name)

    def _reap(self, final: bool = False) -> None:
        """Destroy abandoned devices whose hung work has ended."""
        for ctx in list(self._abandoned):
            if not ctx.busy():
                self._abandoned.remove(ctx)
                ctx.close()
        if final and self._abandoned:
            log.warning("%d abandoned device(s) still run hung work; left to process exit",
                        len(self._abandoned))


class _DeviceReplaced(Exception):
    """An older batch hung while a request was being prepared: its device is gone."""


def _chunks(groups: list[Group], budget: int) -> list[list[Group]]:
    """Groups in runs of at most ``budget`` programs (each run one submission); an empty
    request is one empty submission."""
    return [groups[i:i + budget] for i in range(0, len(groups), budget)] or [[]]
