"""Command buffers, submission and fences: one submission covers many dispatches (and, for a
request with multi-pass programs, the copies of their snapshots into the request's images)."""
from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import vulkan as vk

from glsl_transpile.abi import PUSH_BYTES, pack_push, workgroups

from .errors import RenderTimeoutError
from .memory import HostBuffer
from .vkcall import vk_errors

_STAGE = vk.VK_SHADER_STAGE_COMPUTE_BIT
_SHADER_STAGE = vk.VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT
_WAIT_SLICE_S = 0.25


@dataclass(frozen=True)
class Dispatch:
    """One kernel launch: ``layers`` samples of ``width`` x ``height`` pixels; set 0 is
    ``descriptor_set``, set 1 (channels) ``channel_set``."""

    pipeline: object
    descriptor_set: object
    width: int
    height: int
    frame_base: int
    image_base: int
    layers: int
    channel_set: object = None

    def push_constants(self) -> bytes:
        return pack_push(self.width, self.height, self.frame_base, self.image_base)

    def groups(self) -> tuple[int, int, int]:
        return workgroups(self.width, self.height, self.layers)


class CommandStream:
    """A command pool with one primary command buffer and one fence."""

    def __init__(self, device, layout):
        self._stack = ExitStack()
        self.device = device
        self.layout = layout
        dev = device.device
        with vk_errors("vkCreateCommandPool"):
            self.pool = vk.vkCreateCommandPool(dev, vk.VkCommandPoolCreateInfo(
                queueFamilyIndex=device.queue_family,
                flags=vk.VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT), None)
        self._stack.callback(vk.vkDestroyCommandPool, dev, self.pool, None)
        with vk_errors("vkAllocateCommandBuffers"):
            self.cmd = vk.vkAllocateCommandBuffers(dev, vk.VkCommandBufferAllocateInfo(
                commandPool=self.pool, level=vk.VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                commandBufferCount=1))[0]
        with vk_errors("vkCreateFence"):
            self.fence = vk.vkCreateFence(dev, vk.VkFenceCreateInfo(), None)
        self._stack.callback(vk.vkDestroyFence, dev, self.fence, None)
        self._queries = None
        self._query_count = 0
        self._stamped = 0
        self._marked = False
        self._submitted = False
        self._stack.callback(self._destroy_queries)
        # dispatches finished so far, written by the device after each one (watchdog): read
        # from mapped memory, it names a hung batch's culprit without a Vulkan call, which on
        # lavapipe would block until the hung work ends
        self.progress = HostBuffer(device, 4, usage=vk.VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                   cached=False)
        self._stack.callback(self.progress.close)

    def _destroy_queries(self) -> None:
        if self._queries is not None:
            vk.vkDestroyQueryPool(self.device.device, self._queries, None)
            self._queries = None

    def _ensure_queries(self, count: int) -> None:
        if count <= self._query_count:
            return
        self._destroy_queries()
        with vk_errors("vkCreateQueryPool", queries=count):
            self._queries = vk.vkCreateQueryPool(self.device.device, vk.VkQueryPoolCreateInfo(
                queryType=vk.VK_QUERY_TYPE_TIMESTAMP, queryCount=count), None)
        self._query_count = count

    def dispatches_done(self) -> int | None:
        """How many dispatches of the last submission have finished so far (no waiting);
        None if it was not submitted with ``timed``."""
        if not self._marked:
            return None
        return int(self.progress.array[:4].view(np.uint32)[0])

    def dispatch_seconds(self) -> list[float] | None:
        """Device time of each dispatch of the last (finished) submission, if timestamped."""
        stamps = self.timestamps()
        return None if stamps is None else list(np.diff(stamps))

    def submit(self, dispatches: list[Dispatch], *, timed: bool = False,
               waits: Sequence[tuple[object, int]] = (),
               signals: Sequence[tuple[object, int]] = (),
               copies: Sequence[tuple[object, object, int, int, int]] = ()) -> None:
        """Record every dispatch into the command buffer and submit it (does not wait).

        With ``timed`` the dispatches run one after the other; a timestamp follows each one
        (where the device has them) so that ``dispatch_seconds`` can tell how long each program
        took, and a progress count (``dispatches_done``). ``waits`` and ``signals`` are
        (timeline semaphore, value) pairs: the dispatches start once every wait is reached, and
        each signal is set when they are done (the fence is signalled as well). ``copies`` are
        (source buffer, destination buffer, source offset, destination offset, bytes), done
        first, after all earlier submissions' shader writes (multi-pass snapshots)."""
        stamp = timed and self.device.info.timestamp_period_ns > 0

        def record(cmd) -> None:
            self._stamped = len(dispatches) + 1 if stamp else 0
            self._marked = timed
            if stamp:
                self._ensure_queries(self._stamped)
                vk.vkCmdResetQueryPool(cmd, self._queries, 0, self._stamped)
                vk.vkCmdWriteTimestamp(cmd, vk.VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                                       self._queries, 0)
            self.progress.array[:4] = 0
            if copies:
                self._record_copies(copies)
            self._record(dispatches, timed, stamp)
        self.run(record, waits=waits, signals=signals, what=f"{len(dispatches)} dispatches")

    def run(self, record: Callable[[object], None], *,
            waits: Sequence[tuple[object, int]] = (),
            signals: Sequence[tuple[object, int]] = (), what: str = "") -> None:
        """Reset the command buffer, let ``record(cmd)`` fill it, and submit it (no wait)."""
        cmd = self.cmd
        with vk_errors("vkResetCommandBuffer"):
            vk.vkResetCommandBuffer(cmd, 0)
        with vk_errors("vkBeginCommandBuffer"):
            vk.vkBeginCommandBuffer(cmd, vk.VkCommandBufferBeginInfo(
                flags=vk.VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT))
        self._stamped, self._marked = 0, False
        record(cmd)
        with vk_errors("vkEndCommandBuffer", commands=what):
            vk.vkEndCommandBuffer(cmd)
        submit = vk.VkSubmitInfo(commandBufferCount=1, pCommandBuffers=[cmd])
        if waits or signals:
            values = vk.VkTimelineSemaphoreSubmitInfo(
                waitSemaphoreValueCount=len(waits), pWaitSemaphoreValues=[v for _, v in waits],
                signalSemaphoreValueCount=len(signals),
                pSignalSemaphoreValues=[v for _, v in signals])
            submit = vk.VkSubmitInfo(
                pNext=values, waitSemaphoreCount=len(waits),
                pWaitSemaphores=[s for s, _ in waits],
                pWaitDstStageMask=[vk.VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT
                                   | vk.VK_PIPELINE_STAGE_TRANSFER_BIT] * len(waits),
                commandBufferCount=1, pCommandBuffers=[cmd],
                signalSemaphoreCount=len(signals), pSignalSemaphores=[s for s, _ in signals])
        with vk_errors("vkQueueSubmit", commands=what):
            vk.vkResetFences(self.device.device, 1, [self.fence])
            vk.vkQueueSubmit(self.device.queue, 1, [submit], self.fence)
        self._submitted = True

    def stamp_range(self, count: int):
        """The query pool, reset for ``count`` timestamps of the command being recorded (call
        inside ``run``'s ``record``; None where the queue cannot write timestamps);
        ``timestamps()`` reads them once it has finished."""
        if self.device.info.timestamp_period_ns <= 0:
            return None
        self._ensure_queries(count)
        vk.vkCmdResetQueryPool(self.cmd, self._queries, 0, count)
        self._stamped = count
        return self._queries

    def timestamps(self) -> list[float] | None:
        """Seconds of each timestamp of the last (finished) submission, if it wrote any."""
        if not self._stamped:
            return None
        n = self._stamped
        data = vk.ffi.new("uint64_t[]", n)
        with vk_errors("vkGetQueryPoolResults", queries=n):
            vk.vkGetQueryPoolResults(self.device.device, self._queries, 0, n, 8 * n, data, 8,
                                     vk.VK_QUERY_RESULT_64_BIT | vk.VK_QUERY_RESULT_WAIT_BIT)
        ticks = np.frombuffer(vk.ffi.buffer(data, 8 * n), dtype=np.uint64).astype(np.float64)
        return list(ticks * self.device.info.timestamp_period_ns * 1e-9)

    def _record_copies(self, copies) -> None:
        barrier = vk.VkMemoryBarrier(srcAccessMask=vk.VK_ACCESS_SHADER_WRITE_BIT,
                                     dstAccessMask=vk.VK_ACCESS_TRANSFER_READ_BIT)
        vk.vkCmdPipelineBarrier(self.cmd, _SHADER_STAGE, vk.VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                                1, [barrier], 0, None, 0, None)
        for src, dst, src_offset, dst_offset, size in copies:
            vk.vkCmdCopyBuffer(self.cmd, src, dst, 1, [vk.VkBufferCopy(
                srcOffset=src_offset, dstOffset=dst_offset, size=size)])
        after = vk.VkMemoryBarrier(srcAccessMask=vk.VK_ACCESS_TRANSFER_WRITE_BIT,
                                   dstAccessMask=vk.VK_ACCESS_SHADER_WRITE_BIT)
        vk.vkCmdPipelineBarrier(self.cmd, vk.VK_PIPELINE_STAGE_TRANSFER_BIT, _SHADER_STAGE, 0,
                                1, [after], 0, None, 0, None)

    def _record(self, dispatches: list[Dispatch], timed: bool, stamp: bool) -> None:
        """The per-dispatch commands, through the raw cffi functions: the binding's argument
        conversion cost about 25 us a call, i.e. 15 ms for a batch of 256 programs."""
        lib, ffi, cmd = vk.lib, vk.ffi, self.cmd
        layout = self.layout.pipeline_layout
        compute, shader_stage = vk.VK_PIPELINE_BIND_POINT_COMPUTE, _SHADER_STAGE
        barrier = vk.VkMemoryBarrier(
            srcAccessMask=vk.VK_ACCESS_SHADER_WRITE_BIT,
            dstAccessMask=vk.VK_ACCESS_SHADER_WRITE_BIT | vk.VK_ACCESS_TRANSFER_WRITE_BIT)
        barrier_ptr = ffi.addressof(barrier)
        after = shader_stage | vk.VK_PIPELINE_STAGE_TRANSFER_BIT
        progress = self.progress.buffer
        push = ffi.new("char[]", PUSH_BYTES)
        bound_pipeline = bound_set = bound_channels = None
        for i, d in enumerate(dispatches):
            if d.pipeline is not bound_pipeline:
                lib.vkCmdBindPipeline(cmd, compute, d.pipeline)
                bound_pipeline = d.pipeline
            if d.descriptor_set is not bound_set:  # one layout: the set stays bound across
                sets = ffi.new("VkDescriptorSet[1]", [d.descriptor_set])  # pipelines
                lib.vkCmdBindDescriptorSets(cmd, compute, layout, 0, 1, sets, 0, ffi.NULL)
                bound_set = d.descriptor_set
            if d.channel_set is not bound_channels:
                sets = ffi.new("VkDescriptorSet[1]", [d.channel_set])
                lib.vkCmdBindDescriptorSets(cmd, compute, layout, 1, 1, sets, 0, ffi.NULL)
                bound_channels = d.channel_set
            ffi.memmove(push, d.push_constants(), PUSH_BYTES)  # copied into the command buffer
            lib.vkCmdPushConstants(cmd, layout, _STAGE, 0, PUSH_BYTES, push)
            lib.vkCmdDispatch(cmd, *d.groups())
            if timed:  # serialise so each interval is one program's own time
                lib.vkCmdPipelineBarrier(cmd, shader_stage, after, 0, 1, barrier_ptr, 0,
                                         ffi.NULL, 0, ffi.NULL)
                if stamp:
                    lib.vkCmdWriteTimestamp(cmd, shader_stage, self._queries, i + 1)
                lib.vkCmdFillBuffer(cmd, progress, 0, 4, i + 1)

    def wait(self, timeout_s: float, what: str = "batch") -> float:
        """Wait for the last submission; returns seconds waited; ``RenderTimeoutError`` past
        ``timeout_s`` (the device may still be busy then: the caller must abandon it). Waits in
        short slices, so that Ctrl-C is handled within a fraction of a second."""
        start = time.perf_counter()
        deadline = start + timeout_s
        while True:
            left = deadline - time.perf_counter()
            try:
                vk.vkWaitForFences(self.device.device, 1, [self.fence], vk.VK_TRUE,
                                   int(max(0.0, min(left, _WAIT_SLICE_S)) * 1e9))
                return time.perf_counter() - start
            except vk.VkTimeout as err:
                if time.perf_counter() >= deadline:
                    raise RenderTimeoutError(what, timeout_s) from err
            except vk.VkErrorDeviceLost as err:
                raise RenderTimeoutError(what, time.perf_counter() - start) from err

    def done(self) -> bool:
        """Whether the last submission (if any) has finished (no waiting)."""
        return (not self._submitted
                or vk.lib.vkGetFenceStatus(self.device.device, self.fence) == vk.VK_SUCCESS)

    def close(self) -> None:
        self._stack.close()
