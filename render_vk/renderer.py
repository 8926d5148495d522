"""``Renderer``: many programs, many time samples, one submission, results as torch tensors.

A request lists (program, time) pairs. The renderer groups them by program: one dispatch per
program covers all of its samples (one grid layer each), and one queue submission covers every
program of the request. Each sample's record says which output image it writes, so the result
keeps the request's order without a copy. Buffers live in a ring of slots, allocated once and
grown only when a larger request arrives.

Lifetime (CPU path): ``render`` returns a ``(N, 3, H, W) uint8`` view of the slot's mapped
memory (strides of an RGBA buffer, alpha skipped). It stays valid until that slot is used again,
i.e. for the next ``ring_size - 1`` calls, or until ``close()``; ``.clone()`` it to keep it.

CUDA path (``output="cuda"``): the slot's memory is exported to CUDA and the tensor is on the
GPU that renders (matched by UUID). With timeline semaphores (``handoff.py``) ``render`` returns
at once and the images are ready for work queued afterwards on torch's current stream;
``PendingRender.release()`` lets the slot be reused without waiting for later work.

Watchdog: with ``watchdog=True`` each dispatch is timed on the device; a program whose time per
image exceeds ``slow_factor`` times the median of its peers (and ``slow_min_s``) is marked
``timeout`` and excluded. A submission that does not finish within ``batch_timeout_s`` is
recovered (device rebuilt if lost), the culprit found by rendering programs alone, marked
``timeout`` and a ``RenderTimeoutError`` raised; the renderer carries on with the others.
"""
from __future__ import annotations

import hashlib
import logging
import statistics
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch

from glsl_transpile import ShaderSource, SpirvCache, compile_programs

from . import timeline
from .device import VulkanDevice
from .dispatch import Dispatch
from .errors import RenderConsistencyError, RenderError, RenderTimeoutError, VulkanError
from .frames import pack_frames
from .handoff import FenceHandoff, HostConsumer, TimelineHandoff
from .pipeline import KernelLayout, create_pipeline
from .slots import PendingRender, Slot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RendererConfig:
    """Every knob of the renderer."""

    device: int | str | None = None   # index or name substring; None: best GPU, else lavapipe
    output: str = "cpu"               # "cpu": mapped host memory; "cuda": the GPU's own memory
                                      # imported into CUDA (interop_cuda; not yet run on a GPU)
    sync: str = "auto"                # hand-off (handoff.py): "fence" (host waits), "timeline"
                                      # (semaphores), "auto": timeline for CUDA where exportable
    ring_size: int = 2
    batch_timeout_s: float = 60.0
    consistency_every: int = 0        # re-render a fixed sample every N renders and compare
                                      # (catches silent corruption under shared load); 0 = off
    watchdog: bool = True
    slow_factor: float = 100.0
    slow_min_s: float = 0.25          # per image
    fps: float = 4.0                  # iTimeDelta = 1/fps, iFrameRate = fps
    compile_jobs: int | None = None
    cache_dir: str | None = None      # SPIR-V cache; None: default folder
    use_cache: bool = True


@dataclass(frozen=True)
class RenderRequest:
    """``programs[i]`` (index into the loaded programs) rendered at ``times_s[i]``."""

    programs: Sequence[int]
    times_s: Sequence[float]
    width: int
    height: int
    frames: Sequence[int] | None = None   # iFrame per sample (default: 0..N-1)
    params: Sequence[Sequence[float] | None] | None = None  # per sample, for kernels that
                    # declare parameters (glsl_transpile.abi): that sample's vector, or None for
                    # the program's own (ShaderSource.theta)

    def __post_init__(self):
        if len(self.programs) != len(self.times_s):
            raise ValueError("programs and times_s must have the same length")
        if self.params is not None and len(self.params) != len(self.programs):
            raise ValueError("params must hold one entry (or None) per sample")
        if self.width < 1 or self.height < 1:
            raise ValueError(f"bad resolution {self.width}x{self.height}")


@dataclass
class ProgramState:
    """A loaded program: ``status`` is ok, compile_error, timeout or crash."""

    source: ShaderSource
    status: str
    log: str = ""
    compile_seconds: float = 0.0
    spirv: bytes | None = None
    pipeline: object = None
    seconds_per_image: list[float] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.source.name


class Renderer:
    """Batched Vulkan compute rendering of shader programs (see module doc)."""

    def __init__(self, config: RendererConfig = RendererConfig()):
        self.config = config
        self.programs: list[ProgramState] = []
        self._renders = 0
        self._reference_digest: str | None = None
        self._slots: list[Slot | None] = [None] * max(1, config.ring_size)
        self._next_slot = 0
        self._open_device()

    # -- lifecycle -----------------------------------------------------------------------------
    def _open_device(self) -> None:
        self._stack = ExitStack()
        self.cuda_device = None
        try:
            if self.config.output not in ("cpu", "cuda"):
                raise RenderError(f"RendererConfig.output={self.config.output!r}: use 'cpu' or "
                                  "'cuda'")
            if self.config.sync not in ("auto", "fence", "timeline"):
                raise RenderError(f"RendererConfig.sync={self.config.sync!r}: use 'auto', "
                                  "'fence' or 'timeline'")
            cuda = self.config.output == "cuda"
            from .interop_cuda import DEVICE_EXTENSIONS
            required = DEVICE_EXTENSIONS if cuda else ()
            if self.config.sync == "timeline" and not cuda:
                required += (timeline.EXTENSION,)
            optional = ((timeline.EXTENSION, timeline.EXPORT_EXTENSION)
                        if cuda and self.config.sync != "fence" else ())
            self.device = VulkanDevice(self.config.device, extensions=required,
                                       optional=optional)
            self._stack.callback(self.device.close)
            if cuda:
                from .interop_cuda import cuda_device_for
                self.cuda_device = cuda_device_for(self.device.info.uuid)
            self.layout = KernelLayout(self.device)
            self._stack.callback(self.layout.close)
            self.handoff = self._make_handoff()
            self._stack.callback(self.handoff.close)
            self._stack.callback(self._close_slots)
        except BaseException:
            self._stack.close()
            raise

    def _make_handoff(self):
        """The hand-off that ``RendererConfig.sync`` and the device allow (see handoff.py)."""
        sync, name = self.config.sync, self.device_name
        if self.cuda_device is None:
            if sync != "timeline":
                return FenceHandoff()
            return TimelineHandoff(self.device, lambda rendered, released: HostConsumer(
                rendered, released, self.config.batch_timeout_s), exportable=False)
        exportable = timeline.export_supported(self.device)
        if sync == "fence" or (sync == "auto" and not exportable):
            if sync == "auto":
                log.warning("%s cannot export timeline semaphores to CUDA: each batch is "
                            "handed over through a host fence", name)
            return FenceHandoff(self.cuda_device)
        if not exportable:
            raise RenderError(f"RendererConfig.sync='timeline': {name} cannot export timeline "
                              "semaphores as fds for CUDA; use sync='auto' or 'fence'")
        from .interop_cuda import CudaStreamConsumer

        return TimelineHandoff(self.device, lambda rendered, released: CudaStreamConsumer(
            rendered, released, self.cuda_device), exportable=True)

    def _close_slots(self) -> None:
        for i, slot in enumerate(self._slots):
            if slot is not None:
                try:
                    self.handoff.retire(slot, self.config.batch_timeout_s)
                finally:
                    slot.close()
                self._slots[i] = None

    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Destroy pipelines, buffers and the device, in reverse creation order."""
        try:
            self.device.wait_idle()
        except VulkanError:
            log.warning("device lost at close; destroying anyway")
        self._stack.close()

    @property
    def device_name(self) -> str:
        return self.device.info.name

    # -- programs ------------------------------------------------------------------------------
    def load(self, sources: Sequence[ShaderSource],
             progress: Callable[[ProgramState], None] | None = None) -> list[ProgramState]:
        """Compile (cached, in parallel) and create a pipeline per program; failures are
        recorded per program (``status``/``log``), never raised. Returns the new states."""
        cfg = self.config
        cache = SpirvCache(cfg.cache_dir) if cfg.use_cache else None
        start = len(self.programs)
        for res in compile_programs(sources, cache=cache, jobs=cfg.compile_jobs):
            state = ProgramState(res.source, "ok" if res.ok else "compile_error",
                                 log=getattr(res.error, "log", "") or str(res.error or ""),
                                 compile_seconds=res.seconds, spirv=res.spirv)
            if res.ok:
                self._make_pipeline(state)
            self.programs.append(state)
            if progress:
                progress(state)
        return self.programs[start:]

    def _make_pipeline(self, state: ProgramState) -> None:
        try:
            pipeline, destroy = create_pipeline(self.device, self.layout, state.spirv, state.name)
        except VulkanError as err:
            state.status, state.log = "crash", str(err)
            return
        state.pipeline = pipeline
        self._stack.callback(destroy)

    def ok_indices(self) -> list[int]:
        """Indices of programs that can be rendered."""
        return [i for i, p in enumerate(self.programs) if p.status == "ok"]

    # -- rendering -----------------------------------------------------------------------------
    def render(self, request: RenderRequest) -> torch.Tensor:
        """Render a request; returns ``(N, 3, H, W) uint8`` (see the lifetime note above).

        Raises:
            RenderError: a requested program is not ``ok``.
            RenderTimeoutError: the batch hung; culprits are now marked ``timeout``.
        """
        return self.submit(request).result()

    def check_consistency(self) -> None:
        """Re-render a fixed (program, time) sample and compare it with its first rendering.

        Raises:
            RenderConsistencyError: the pixels changed (the device returned corrupt results).
        """
        ok = self.ok_indices()
        if not ok:
            return
        pending = self._submit(RenderRequest([ok[0]], [1.0], 16, 16, [0]))
        pixels = pending.result().cpu().contiguous().numpy().tobytes()
        pending.release()
        digest = hashlib.blake2b(pixels, digest_size=16).hexdigest()
        if self._reference_digest is None:
            self._reference_digest = digest
        elif digest != self._reference_digest:
            raise RenderConsistencyError(
                f"{self.programs[ok[0]].name} at t=1.0 rendered differently than before on "
                f"{self.device_name}: results may be corrupt (shared GPU load, driver fault)")

    def submit(self, request: RenderRequest) -> "PendingRender":
        """Start rendering ``request`` and return at once; ``result()`` waits for the images.
        Up to ``ring_size`` requests can be in flight (submitting more waits for the oldest),
        e.g. to render batch n+1 while batch n is consumed. Every ``consistency_every``
        requests a fixed sample is checked first (``check_consistency``)."""
        every = self.config.consistency_every
        if every and self._renders % every == 0:  # before: the check must not reuse the slot
            self.check_consistency()              # of the images handed out
        self._renders += 1
        return self._submit(request)

    def _submit(self, request: RenderRequest) -> "PendingRender":
        n = len(request.programs)
        for idx in set(request.programs):
            if not 0 <= idx < len(self.programs):
                raise RenderError(f"no program with index {idx} ({len(self.programs)} loaded)")
            state = self.programs[idx]
            if state.status != "ok":
                raise RenderError(f"program {state.name} cannot be rendered ({state.status})")
        params = self._sample_params(request)
        slot = self._slot(n, n * request.width * request.height, len(params[0]))
        dispatches, groups = self._prepare(slot, request, params)
        waits, signals = self.handoff.before_submit(slot)
        slot.stream.submit(dispatches, timestamps=self.config.watchdog, waits=waits,
                           signals=signals)
        slot.pending = slot.holder = PendingRender(self, slot, dispatches, groups, request)
        return slot.pending

    def last_dispatch_seconds(self) -> list[float] | None:
        """Device seconds of each dispatch (one per program) of the last render, if timed."""
        slot = self._slots[(self._next_slot - 1) % len(self._slots)]
        return None if slot is None else slot.stream.dispatch_seconds()

    def _slot(self, images: int, pixels: int, params: int = 0) -> Slot:
        """The next slot of the ring, big enough; its previous batch has finished.

        Raises:
            RenderError: that previous batch failed after its images were handed out (timeline
                hand-off: the host learns of a hang only now).
        """
        i = self._next_slot
        self._next_slot = (i + 1) % len(self._slots)
        pending = None if self._slots[i] is None else self._slots[i].pending
        if pending is not None:
            pending.wait()  # the oldest request in flight must finish before reuse; a hang
            if pending.handed_out and pending.error is not None:  # rebuilds every slot
                raise pending.error
        slot = self._slots[i]
        if slot is None or not slot.fits(images, pixels, params):
            if slot is not None:
                self.handoff.retire(slot, self.config.batch_timeout_s)
                slot.close()
            grow = 1 if slot is None else 2  # amortise growth
            self._slots[i] = slot = Slot(self.device, self.layout, images * grow, pixels * grow,
                                          self.cuda_device, params * grow)
        return slot

    def _sample_params(self, req: RenderRequest) -> tuple[np.ndarray, np.ndarray]:
        """(flat float32 parameters, first entry of each sample's vector): the request's
        vectors, else each program's own theta. A wrong length raises ``RenderError``."""
        chunks, base, offset = [], np.zeros(len(req.programs), dtype=np.uint32), 0
        for i, prog in enumerate(req.programs):
            theta = self.programs[prog].source.theta
            given = None if req.params is None else req.params[i]
            vec = np.asarray(theta if given is None else given, dtype=np.float32).reshape(-1)
            if given is not None and len(vec) != len(theta):
                raise RenderError(f"{self.programs[prog].name}: sample {i} gives {len(vec)} "
                                  f"parameters, the program declares {len(theta)}")
            base[i] = offset
            chunks.append(vec)
            offset += len(vec)
        flat = np.concatenate(chunks) if offset else np.zeros(0, dtype=np.float32)
        return flat, base

    def _prepare(self, slot: Slot, req: RenderRequest, params=None):
        """Fill the slot's records grouped by program; one dispatch per program."""
        programs = np.asarray(req.programs, dtype=np.int64)
        order = np.argsort(programs, kind="stable")
        frames = np.arange(len(programs)) if req.frames is None else np.asarray(req.frames)
        times = np.asarray(req.times_s, dtype=np.float32)
        flat, base = params if params is not None else self._sample_params(req)
        slot.params.array[:flat.nbytes] = flat.view(np.uint8)
        records = pack_frames(times[order], frames[order], out_index=order,
                              param_base=base[order], fps=self.config.fps)
        slot.frames.array[:records.nbytes] = records.view(np.uint8)
        dispatches, groups = [], []
        uniq, starts, counts = np.unique(programs[order], return_index=True, return_counts=True)
        for prog, first, count in zip(uniq, starts, counts):
            state = self.programs[int(prog)]
            dispatches.append(Dispatch(state.pipeline, slot.sets.sets[0], req.width, req.height,
                                       int(first), 0, int(count)))
            groups.append((int(prog), int(count)))
        return dispatches, groups

    def _finish(self, slot: Slot, dispatches: list[Dispatch], groups) -> None:
        """Wait for a submitted batch; on a hang recover and raise ``RenderTimeoutError``."""
        try:
            slot.stream.wait(self.config.batch_timeout_s, "batch")
        except RenderTimeoutError:
            culprits = self._recover(dispatches, groups)
            raise RenderTimeoutError(", ".join(culprits) or "batch",
                                     self.config.batch_timeout_s) from None
        if self.config.watchdog:
            self._check_slow(slot.stream.dispatch_seconds(), groups)

    def _check_slow(self, seconds: list[float] | None, groups) -> None:
        if not seconds:
            return
        per_image = [s / max(count, 1) for s, (_, count) in zip(seconds, groups)]
        for (prog, _), t in zip(groups, per_image):
            self.programs[prog].seconds_per_image.append(t)
        if len(per_image) < 3:
            return
        median = statistics.median(per_image)
        for (prog, _), t in zip(groups, per_image):
            if t > self.config.slow_min_s and t > self.config.slow_factor * max(median, 1e-9):
                state = self.programs[prog]
                state.status = "timeout"
                state.log = (f"{t:.3f} s per image, {t / max(median, 1e-9):.0f}x the median of "
                             f"its batch ({median * 1e3:.2f} ms): stopped by the watchdog")
                log.warning("%s: %s", state.name, state.log)

    def _recover(self, dispatches, groups) -> list[str]:
        """After a hung batch: rebuild the device, then render each program's share alone.
        Programs that time out alone are to blame; if none does (timing noise), the slowest."""
        log.warning("batch of %d programs exceeded %.1f s; recovering", len(groups),
                    self.config.batch_timeout_s)
        self._rebuild_device()
        d0 = dispatches[0]
        if len(groups) == 1:
            culprits = [groups[0][0]]
        else:
            timings = {prog: self._time_alone(prog, count, d0.width, d0.height)
                       for prog, count in groups}
            culprits = [p for p, t in timings.items() if t is None]
            if not culprits:
                culprits = [max(timings, key=timings.get)]
        for prog in culprits:
            self.programs[prog].status = "timeout"
            self.programs[prog].log = (f"did not finish within {self.config.batch_timeout_s} s")
        return [self.programs[p].name for p in culprits]

    def _time_alone(self, prog: int, count: int, width: int, height: int) -> float | None:
        """Seconds to render ``count`` images of ``prog`` alone; None if it times out."""
        req = RenderRequest([prog] * count, [1.0] * count, width, height)
        params = self._sample_params(req)  # a program with theta needs room for its vectors
        slot = self._slot(count, count * width * height, len(params[0]))
        dispatches, _ = self._prepare(slot, req, params)
        start = time.perf_counter()
        slot.stream.submit(dispatches)
        try:
            slot.stream.wait(self.config.batch_timeout_s, self.programs[prog].name)
            return time.perf_counter() - start
        except RenderTimeoutError:
            self._rebuild_device()
            return None

    def _rebuild_device(self) -> None:
        """Drop every Vulkan object and start again (after a timeout or device loss)."""
        try:
            self.device.wait_idle()  # a CPU device finishes eventually; a GPU may be lost
        except VulkanError:
            pass
        self._stack.close()
        self._slots = [None] * len(self._slots)
        self._open_device()
        for state in self.programs:
            state.pipeline = None
            if state.status == "ok":
                self._make_pipeline(state)
