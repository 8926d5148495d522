"""Command buffers, submission and fences: one submission covers many dispatches."""
from __future__ import annotations

import struct
import time
from contextlib import ExitStack
from dataclasses import dataclass

import vulkan as vk

from .errors import RenderTimeoutError
from .pipeline import PUSH_BYTES
from .vkcall import vk_errors

_STAGE = vk.VK_SHADER_STAGE_COMPUTE_BIT


@dataclass(frozen=True)
class Dispatch:
    """One kernel launch: ``layers`` samples of ``width`` x ``height`` pixels."""

    pipeline: object
    descriptor_set: object
    width: int
    height: int
    frame_base: int
    image_base: int
    layers: int
    tile: tuple[int, int] = (8, 8)

    def push_constants(self) -> bytes:
        return struct.pack("<4I", self.width, self.height, self.frame_base, self.image_base)

    def groups(self) -> tuple[int, int, int]:
        tx, ty = self.tile
        return (-(-self.width // tx), -(-self.height // ty), self.layers)


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

    def submit(self, dispatches: list[Dispatch]) -> None:
        """Record every dispatch into the command buffer and submit it (does not wait)."""
        cmd = self.cmd
        vk.vkResetCommandBuffer(cmd, 0)
        vk.vkBeginCommandBuffer(cmd, vk.VkCommandBufferBeginInfo(
            flags=vk.VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT))
        bound = None
        for d in dispatches:
            if d.pipeline is not bound:
                vk.vkCmdBindPipeline(cmd, vk.VK_PIPELINE_BIND_POINT_COMPUTE, d.pipeline)
                bound = d.pipeline
            vk.vkCmdBindDescriptorSets(cmd, vk.VK_PIPELINE_BIND_POINT_COMPUTE,
                                       self.layout.pipeline_layout, 0, 1, [d.descriptor_set],
                                       0, None)
            data = vk.ffi.new("char[]", d.push_constants())
            vk.vkCmdPushConstants(cmd, self.layout.pipeline_layout, _STAGE, 0, PUSH_BYTES, data)
            vk.vkCmdDispatch(cmd, *d.groups())
        vk.vkEndCommandBuffer(cmd)
        submit = vk.VkSubmitInfo(commandBufferCount=1, pCommandBuffers=[cmd])
        with vk_errors("vkQueueSubmit", dispatches=len(dispatches)):
            vk.vkResetFences(self.device.device, 1, [self.fence])
            vk.vkQueueSubmit(self.device.queue, 1, [submit], self.fence)

    def wait(self, timeout_s: float, what: str = "batch") -> float:
        """Wait for the last submission; returns seconds waited; ``RenderTimeoutError`` past
        ``timeout_s`` (the device may still be busy then: the caller must rebuild it)."""
        start = time.perf_counter()
        try:
            vk.vkWaitForFences(self.device.device, 1, [self.fence], vk.VK_TRUE,
                               int(timeout_s * 1e9))
        except vk.VkTimeout as err:
            raise RenderTimeoutError(what, timeout_s) from err
        except vk.VkErrorDeviceLost as err:
            raise RenderTimeoutError(what, time.perf_counter() - start) from err
        return time.perf_counter() - start

    def close(self) -> None:
        self._stack.close()
