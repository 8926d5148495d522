"""Multi-pass programs, simulated frame by frame on the device (docs/DESIGN.md, "Multi-pass
programs"): the Renderer hands it the multi-pass share of a request and copies the snapshots
it leaves into the request's images.

- One simulation per program serves all of its requested times: its targets are sorted, and
  passing each target's frame the Image pass renders into a snapshot.
- Many programs advance together (``Instance``, ``sim_state.py``): a frame step records, for
  every running program, Buffer A of all of them, a barrier, Buffer B of all, ... (with the mip
  chains of buffers that a reader samples with mipmap filtering), then the Image passes of those
  at a target frame. ``frames_per_submit`` steps make one submission; two command streams
  alternate, so the host records one while the device runs the other.
- Buffers live in device memory only; a memory budget (``RendererConfig.memory_for``) and the
  pipeline budget decide how many programs run at once; the longest simulations start first
  and finished ones make room for the next.
- Watchdog: every program's frame 0 runs alone with timestamps (its device seconds per
  frame); a submission that misses ``batch_timeout_s`` raises ``SimulationHang`` naming the
  programs it ran; a buffer pass that ran into the loop cap sets the program's flag word.
"""
from __future__ import annotations

from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass, field

import numpy as np
import vulkan as vk

from glsl_transpile.abi import FRAME_BYTES, PUSH_BYTES, pack_push, workgroups
from glsl_transpile.multipass import FPS

from .dispatch import CommandStream
from .errors import ProgramFailedError, RenderTimeoutError, VulkanError
from .frames import pack_frames
from .memory import HostBuffer
from .pipeline import DescriptorSets
from .sim_state import Instance, Job, instance_bytes
from .textures import layout_barrier

_COMPUTE = vk.VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT
_TRANSFER = vk.VK_PIPELINE_STAGE_TRANSFER_BIT
_ACCESS = (vk.VK_ACCESS_SHADER_READ_BIT | vk.VK_ACCESS_SHADER_WRITE_BIT
           | vk.VK_ACCESS_TRANSFER_READ_BIT | vk.VK_ACCESS_TRANSFER_WRITE_BIT)
_GENERAL = vk.VK_IMAGE_LAYOUT_GENERAL
_NEW_PER_SUBMIT = 4  # programs that start in one submission


class SimulationHang(RenderTimeoutError):
    """A simulation submission ran past its deadline; ``indices`` are the programs it ran."""

    def __init__(self, indices: list[int], names: list[str], seconds: float):
        self.indices = indices
        super().__init__(", ".join(names), seconds, names)


@dataclass
class SimulationReport:
    """What a simulation did: frames run and device seconds of frame 0 per program, and the
    programs whose buffer passes ran into the loop cap."""

    frames: dict[int, int] = field(default_factory=dict)
    seconds_per_frame: dict[int, float] = field(default_factory=dict)
    loop_capped: list[int] = field(default_factory=list)


class Simulator:
    """The simulation resources of one device context (see the module doc)."""

    def __init__(self, ctx, table, config):
        self.ctx, self.table, self.config = ctx, table, config
        self._stack = ExitStack()
        self._records: HostBuffer | None = None
        self._params = HostBuffer(ctx.device, 16, cached=False)
        self._stack.callback(self._params.close)
        self._set0 = DescriptorSets(ctx.device, ctx.layout, 1)
        self._stack.callback(self._set0.close)
        self.streams = [CommandStream(ctx.device, ctx.layout) for _ in range(2)]
        for stream in self.streams:
            self._stack.callback(stream.close)
        self._stack.callback(self._close_records)

    def busy(self) -> bool:
        return any(not stream.done() for stream in self.streams)

    def close(self) -> None:
        self._stack.close()

    def _close_records(self) -> None:
        if self._records is not None:
            self._records.close()

    def _prepare(self, jobs: list[Job], snapshots: HostBuffer) -> None:
        """Records of frames 0..max (iTime = k/60, iFrame = k) and set 0 for this run."""
        frames = max(j.last_frame for j in jobs) + 1
        size = frames * FRAME_BYTES
        if self._records is None or self._records.size_bytes < size:
            self._close_records()
            self._records = HostBuffer(self.ctx.device, 2 * size, cached=False)
        k = np.arange(frames)
        records = pack_frames(k / FPS, k, out_index=np.zeros(frames, np.int64), fps=FPS)
        self._records.array[:records.nbytes] = records.view(np.uint8)
        self._set0.bind(0, self._records.buffer, snapshots.buffer, self._params.buffer)

    def run(self, jobs: list[Job], width: int, height: int,
            snapshots: HostBuffer) -> SimulationReport:
        """Simulate every job; snapshots land in ``snapshots`` (RGBA8 images of W x H, then
        one flag word per job, which must be zero). Waits for the device.

        Raises:
            SimulationHang: a submission missed ``batch_timeout_s`` (the device must be
                abandoned: it may still run the hung work).
            ProgramFailedError: the driver rejected a kernel (the program is marked crash).
        """
        self.ctx.textures.check_buffer_format()
        self._prepare(jobs, snapshots)
        report = SimulationReport()
        waiting = deque(sorted(jobs, key=lambda j: -j.last_frame))
        active: list[Instance] = []
        flights: list[tuple | None] = [None, None]
        turn = 0
        try:
            while waiting or active:
                stream = turn % 2
                self._settle(flights, stream, report)
                new = self._admit(waiting, active, width, height,
                                  settled=flights[1 - stream] is None)
                if not new and not active:  # room comes when the other stream settles
                    self._settle(flights, 1 - stream, report)
                    continue
                flights[stream] = self._submit(self.streams[stream], new, active)
                turn += 1
            for stream in range(2):
                self._settle(flights, stream, report)
        except BaseException as err:
            self._abort(flights, active, hung=isinstance(err, SimulationHang))
            raise
        flags = snapshots.array.view(np.uint32)
        report.loop_capped = [j.program for j in jobs if flags[j.flag_word]]
        return report

    # -- admission -----------------------------------------------------------------------------
    def _admit(self, waiting: deque, active: list[Instance], width: int, height: int,
               settled: bool) -> list[Instance]:
        """Start waiting jobs while memory and pipelines allow (one even beyond them when
        nothing of this simulation runs or is in flight: ``settled``),
        at most ``_NEW_PER_SUBMIT`` at a time: their first frames (and, on a CPU driver, the
        compiles of their kernels) are of unknown cost."""
        budget = self.config.memory_for(self.ctx.device.info.kind)
        used = sum(instance_bytes(i.plan, width, height) for i in active)
        pipes = self.ctx.pipelines
        new = []
        while waiting and len(new) < _NEW_PER_SUBMIT:
            job = waiting[0]
            plan = self.table.plan(job.program)
            need = instance_bytes(plan, width, height)
            units = len(plan.units)
            over = used + need > budget or pipes.pinned() + units > pipes.budget
            if over and (active or new or not settled):  # alone, it runs whatever it needs
                break
            waiting.popleft()
            keys = [(job.program, u) for u in range(units)]
            try:
                pipelines = pipes.acquire(keys)
            except VulkanError as err:
                self.table.mark(job.program, "crash", f"the driver rejected a kernel: {err}")
                name = self.table.name(job.program)
                raise ProgramFailedError([name], f"{name}: pipeline creation failed: "
                                                 f"{err}") from err
            try:
                inst = Instance(self.ctx, job, plan, pipelines, width, height)
            except BaseException:
                pipes.unpin(keys)
                raise
            new.append(inst)
            used += need
        active.extend(new)
        return new

    def _release(self, instances: list[Instance]) -> None:
        for inst in instances:
            self.ctx.pipelines.unpin(list(inst.pipelines))
            inst.close()

    def _abort(self, flights: list, active: list[Instance], hung: bool) -> None:
        """After a failure: unpin everything; free the instances unless the device hung (it
        may still run them; the renderer abandons the device)."""
        instances = {id(i): i for f in flights if f for i in f[0] + f[2]}
        instances.update({id(i): i for i in active})
        if not hung:
            for stream in self.streams:
                try:
                    stream.wait(self.config.batch_timeout_s, "simulation")
                except RenderTimeoutError:
                    hung = True
        for inst in instances.values():
            self.ctx.pipelines.unpin(list(inst.pipelines))
            if not hung:
                inst.close()

    # -- submissions ---------------------------------------------------------------------------
    def _submit(self, stream: CommandStream, new: list[Instance],
                active: list[Instance]) -> tuple:
        """Record frame 0 of ``new`` (timed, one by one), then frame steps of the others (as
        many as keep the submission short, ``_steps``); submit. Returns (finished, timed,
        running) instances."""
        running = list(active)
        older = [inst for inst in active if inst not in new]
        steps = self._steps(older)

        def record(cmd) -> None:
            rec = _Recorder(cmd, self.ctx.layout.pipeline_layout, self._set0.sets[0],
                            stream.stamp_range(len(new) + 2))
            rec.clear([img for inst in new for img in inst.all_images()])
            rec.stamp(0)
            for k, inst in enumerate(new):  # alone: its frame time is its own
                rec.frame([inst])
                rec.stamp(k + 1)
            for _ in range(steps):
                step = [inst for inst in older if not inst.done]
                if not step:
                    break
                rec.frame(step)
            rec.stamp(len(new) + 1)
        stream.run(record, what="simulation")
        finished = [inst for inst in active if inst.done]
        for inst in finished:
            active.remove(inst)
        return finished, new, running

    def _steps(self, instances: list[Instance]) -> int:
        """Frame steps for one submission: up to ``frames_per_submit``, fewer where the
        instances' measured frame times (unknown ones taken as the mean of the known) would
        make it longer than an eighth of ``batch_timeout_s``."""
        known = [i.seconds_per_frame for i in instances if i.seconds_per_frame is not None]
        if not instances or not self.ctx.device.info.timestamp_period_ns:
            return self.config.frames_per_submit
        if not known:
            return 1
        step_s = sum(known) * len(instances) / len(known)
        target = self.config.batch_timeout_s / 8
        return max(1, min(self.config.frames_per_submit, int(target / max(step_s, 1e-9))))

    def _settle(self, flights: list, index: int, report: SimulationReport) -> None:
        """Wait for stream ``index``'s submission; account and free what finished in it."""
        flight = flights[index]
        if flight is None:
            return
        finished, new, running = flight
        try:
            self.streams[index].wait(self.config.batch_timeout_s, "simulation")
        except RenderTimeoutError:
            progs = [inst.job.program for inst in running]
            raise SimulationHang(progs, [self.table.name(p) for p in progs],
                                 self.config.batch_timeout_s) from None
        flights[index] = None
        stamps = self.streams[index].timestamps()
        if stamps:
            for k, inst in enumerate(new):
                inst.seconds_per_frame = stamps[k + 1] - stamps[k]
                report.seconds_per_frame[inst.job.program] = inst.seconds_per_frame
        for inst in finished:
            report.frames[inst.job.program] = inst.job.last_frame + 1
        self._release(finished)


class _Recorder:
    """Commands of simulation steps, through the raw cffi functions (thousands a frame)."""

    def __init__(self, cmd, layout, set0, queries):
        """``queries``: the pool for timestamps (None where the device has none)."""
        self.cmd, self.layout, self.set0, self.queries = cmd, layout, set0, queries
        self.ffi, self.lib = vk.ffi, vk.lib
        self._push = self.ffi.new("char[]", PUSH_BYTES)
        self._sets = self.ffi.new("VkDescriptorSet[2]")
        barrier = vk.VkMemoryBarrier(srcAccessMask=_ACCESS, dstAccessMask=_ACCESS)
        self._barrier = barrier
        self._barrier_ptr = self.ffi.addressof(barrier)

    def stamp(self, index: int) -> None:
        if self.queries is not None:
            self.lib.vkCmdWriteTimestamp(self.cmd, _COMPUTE, self.queries, index)

    def barrier(self) -> None:
        self.lib.vkCmdPipelineBarrier(self.cmd, _COMPUTE | _TRANSFER, _COMPUTE | _TRANSFER, 0,
                                      1, self._barrier_ptr, 0, self.ffi.NULL, 0, self.ffi.NULL)

    def clear(self, images: list) -> None:
        """New instances' buffers: GENERAL layout, every level zero."""
        zero = vk.VkClearColorValue(float32=[0.0, 0.0, 0.0, 0.0])
        for img in images:
            every = vk.VkImageSubresourceRange(aspectMask=vk.VK_IMAGE_ASPECT_COLOR_BIT,
                                               baseMipLevel=0, levelCount=img.spec.levels,
                                               baseArrayLayer=0, layerCount=1)
            layout_barrier(self.cmd, img.image, every, vk.VK_IMAGE_LAYOUT_UNDEFINED, _GENERAL)
            vk.vkCmdClearColorImage(self.cmd, img.image, _GENERAL, zero, 1, [every])
        if images:
            self.barrier()

    def dispatch(self, inst: Instance, unit: int, frame: int, image_base: int) -> None:
        """Unit ``unit`` of ``inst`` at ``frame``; ``image_base``: the snapshot (Image pass)
        or the flag word (buffer passes)."""
        lib, cmd = self.lib, self.cmd
        lib.vkCmdBindPipeline(cmd, vk.VK_PIPELINE_BIND_POINT_COMPUTE,
                              inst.pipelines[(inst.job.program, unit)])
        self._sets[0] = self.set0
        self._sets[1] = inst.sets[(unit, frame % 2)]
        lib.vkCmdBindDescriptorSets(cmd, vk.VK_PIPELINE_BIND_POINT_COMPUTE, self.layout, 0, 2,
                                    self._sets, 0, self.ffi.NULL)
        self.ffi.memmove(self._push, pack_push(inst.width, inst.height, frame, image_base),
                         PUSH_BYTES)
        lib.vkCmdPushConstants(cmd, self.layout, vk.VK_SHADER_STAGE_COMPUTE_BIT, 0, PUSH_BYTES,
                               self._push)
        lib.vkCmdDispatch(cmd, *workgroups(inst.width, inst.height, 1))

    def frame(self, step: list[Instance]) -> None:
        """One frame of every instance of ``step``: Buffer A of all, barrier (and mip chains),
        ..., then the Image passes of those at a target; each advances one frame."""
        for buffer in range(4):
            ran = [inst for inst in step if buffer in inst.unit_writing]
            for inst in ran:
                self.dispatch(inst, inst.unit_writing[buffer], inst.frame, inst.job.flag_word)
            if ran:
                self.barrier()
                self.mips([img for inst in ran
                           for img in inst.mip_images(buffer, inst.frame % 2)])
        for inst in step:
            frame = inst.frame
            target = inst.advance()
            if target is not None:
                self.dispatch(inst, len(inst.plan.units) - 1, frame, target.snapshot)
        self.barrier()

    def mips(self, images: list) -> None:
        """Rebuild the mip chains of ``images`` (each level a linear blit of the one above: a
        2x2 box filter), then make them visible to the next reads."""
        if not images:
            return
        w, h = images[0].spec.extent[:2]
        for level in range(1, images[0].spec.levels):
            src = (max(1, w >> (level - 1)), max(1, h >> (level - 1)))
            dst = (max(1, w >> level), max(1, h >> level))
            region = vk.VkImageBlit(
                srcSubresource=_layers(level - 1), srcOffsets=_box(*src),
                dstSubresource=_layers(level), dstOffsets=_box(*dst))
            for img in images:
                vk.vkCmdBlitImage(self.cmd, img.image, _GENERAL, img.image, _GENERAL, 1,
                                  [region], vk.VK_FILTER_LINEAR)
            self.barrier()


def _layers(level: int):
    return vk.VkImageSubresourceLayers(aspectMask=vk.VK_IMAGE_ASPECT_COLOR_BIT,
                                       mipLevel=level, baseArrayLayer=0, layerCount=1)


def _box(width: int, height: int) -> list:
    """A blit region's corners: (0, 0, 0) and (width, height, 1)."""
    return [vk.VkOffset3D(x=0, y=0, z=0), vk.VkOffset3D(x=width, y=height, z=1)]
