"""``Renderer``: many programs, many time samples, one submission, results as torch tensors.

A request lists (program, time) pairs. The renderer groups them by program: one dispatch per
program covers all of its samples (one grid layer each), and one queue submission covers every
program of the request. Each sample's record says which output image it writes, so the result
keeps the request's order without a copy. Multi-pass programs are simulated first, all of them
together (``simulation``, ``sim_request``): ``submit`` returns once their frames have run, and
the request's submission copies their snapshots into its images.

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
from .batch_records import Group, fill_records, record_starts, sample_params
from .pending import PendingRender
from .recovery import HangRecovery
from .programs import ProgramStatus, ProgramTable
from .ring import Slot
from .sim_request import check_frame_cap, judge, number_flags, plan_jobs, snapshot_copies
from .simulation import SimulationHang
from .watchdog import loop_capped_images, mark_loop_capped, slow_programs

log = logging.getLogger(__name__)

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


class Renderer(HangRecovery):
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
        params = sample_params(self._table, request)
        n, w, h = len(request.programs), request.width, request.height
        jobs, snapshots = plan_jobs(request.programs, request.times_s, self._table.is_multipass)
        check_frame_cap(jobs, self.config.max_frames, self._table)
        slot = ctx.ring.acquire(n, n * w * h, len(params[0]))
        if ctx is not self._ctx:
            raise _DeviceReplaced
        groups = fill_records(slot, request, params, self.config.fps)
        starts = record_starts(groups)
        copies = self._simulate(ctx, slot, request, jobs, snapshots) if jobs else []
        single = [g for g in groups if not self._table.is_multipass(g[0])]
        chunks = _chunks(single, ctx.pipelines.budget)
        waits, signals = ctx.handoff.before_submit(slot.lease)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            dispatches = self._dispatch(ctx, slot, request, chunk, starts,
                                        waits=waits if i == 0 else (),
                                        signals=signals if last else (),
                                        copies=copies if i == 0 else ())
            finish = self._finisher(ctx, slot, request, dispatches, chunk, last)
            if not last:  # a request with more programs than the budget: one chunk at a time
                finish()
        return PendingRender(slot, request, ctx.handoff, finish)

    def _simulate(self, ctx: DeviceContext, slot: Slot, req: RenderRequest, jobs,
                  snapshots: int) -> list:
        """Run the request's multi-pass programs (``simulation``) into the slot's snapshot
        buffer; returns the copies of the snapshots into the request's images.

        Raises:
            RenderTimeoutError: a simulation hung (culprits stopped, device replaced).
            ProgramFailedError: programs failed while simulating (now marked).
        """
        w, h = req.width, req.height
        words = number_flags(jobs, snapshots, w, h)
        buffer = slot.snapshot_buffer(4 * words)
        buffer.array[4 * (words - len(jobs)):4 * words] = 0
        try:
            report = ctx.simulator.run(jobs, w, h, buffer)
        except SimulationHang as err:
            culprits = self._recover_programs(ctx, req, err.indices)
            raise RenderTimeoutError(", ".join(culprits) or "simulation",
                                     self.config.batch_timeout_s, culprits) from None
        judge(report, jobs, self._table, image_timeout_s=self.config.image_timeout_s,
              cpu=ctx.is_cpu, device_name=ctx.name)
        return snapshot_copies(jobs, w, h, buffer.buffer, slot.pixels.buffer)

    def _dispatch(self, ctx: DeviceContext, slot: Slot, req: RenderRequest,
                  groups: list[Group], starts: dict[int, int], *, waits, signals,
                  copies=()) -> list[Dispatch]:
        """Pipelines for ``groups`` (made or found; pinned until the batch is done), then one
        submission of their dispatches (and of ``copies``, the multi-pass snapshots); a
        program's records start at ``starts[program]``."""
        self._room_for(ctx, groups)
        try:
            pipelines = ctx.pipelines.acquire(p for p, _ in groups)
        except VulkanError as err:
            raise self._pipeline_failed(ctx, groups, err) from err
        slot.pinned = [p for p, _ in groups]
        dispatches = []
        for prog, count in groups:
            channels = ctx.channel_sets.for_bindings(self._table.plan(prog).units[-1].bindings)
            dispatches.append(Dispatch(pipelines[prog], slot.sets.sets[0], req.width,
                                       req.height, starts[prog], 0, count, channels))
        slot.stream.submit(dispatches, timed=self.config.watchdog, waits=waits,
                           signals=signals, copies=copies)
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
                  dispatches: list[Dispatch], groups: list[Group],
                  last: bool) -> Callable[[], None]:
        def finish() -> None:
            self._finish(ctx, slot, req, dispatches, groups, last)
        return finish

    def _finish(self, ctx: DeviceContext, slot: Slot, req: RenderRequest,
                dispatches: list[Dispatch], groups: list[Group], last: bool = True) -> None:
        """Wait for a submitted batch, then let the watchdog judge it. The loop-cap scan of
        the request's images waits for its ``last`` submission: before it, the images of later
        chunks hold whatever the memory held (stale loop-cap marks included).

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
        if ctx.is_cpu and last:  # only CPU drivers cut loops; the flag means nothing on a GPU
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


class _DeviceReplaced(Exception):
    """An older batch hung while a request was being prepared: its device is gone."""


def _chunks(groups: list[Group], budget: int) -> list[list[Group]]:
    """Groups in runs of at most ``budget`` programs (each run one submission); an empty
    request is one empty submission."""
    return [groups[i:i + budget] for i in range(0, len(groups), budget)] or [[]]
