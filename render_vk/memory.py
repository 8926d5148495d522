"""Buffers and their memory: host-visible storage buffers mapped for zero-copy access."""
from __future__ import annotations

from contextlib import ExitStack

import numpy as np
import vulkan as vk

from .vkcall import vk_errors

_HOST = vk.VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | vk.VK_MEMORY_PROPERTY_HOST_COHERENT_BIT


class HostBuffer:
    """A storage buffer in host-visible, coherent memory, persistently mapped.

    ``array`` is a numpy uint8 view of the mapping (no copy); it is valid until ``close()``.
    """

    def __init__(self, device, size_bytes: int, *, usage: int = 0, cached: bool = True):
        self.size_bytes = int(size_bytes)
        self._stack = ExitStack()
        dev = device.device
        try:
            info = vk.VkBufferCreateInfo(
                size=self.size_bytes, sharingMode=vk.VK_SHARING_MODE_EXCLUSIVE,
                usage=vk.VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | usage)
            with vk_errors("vkCreateBuffer", size_bytes=self.size_bytes):
                self.buffer = vk.vkCreateBuffer(dev, info, None)
            self._stack.callback(vk.vkDestroyBuffer, dev, self.buffer, None)
            req = vk.vkGetBufferMemoryRequirements(dev, self.buffer)
            preferred = vk.VK_MEMORY_PROPERTY_HOST_CACHED_BIT if cached else 0
            type_index = device.memory_type(req.memoryTypeBits, _HOST, preferred)
            alloc = vk.VkMemoryAllocateInfo(allocationSize=req.size, memoryTypeIndex=type_index)
            with vk_errors("vkAllocateMemory", size_bytes=req.size):
                self.memory = vk.vkAllocateMemory(dev, alloc, None)
            self._stack.callback(vk.vkFreeMemory, dev, self.memory, None)
            with vk_errors("vkBindBufferMemory"):
                vk.vkBindBufferMemory(dev, self.buffer, self.memory, 0)
            with vk_errors("vkMapMemory", size_bytes=self.size_bytes):
                mapped = vk.vkMapMemory(dev, self.memory, 0, self.size_bytes, 0)
            self._stack.callback(vk.vkUnmapMemory, dev, self.memory)
            self.array = np.frombuffer(mapped, dtype=np.uint8, count=self.size_bytes)
        except BaseException:
            self._stack.close()
            raise

    def close(self) -> None:
        """Unmap, free and destroy (idempotent). Views of ``array`` must not be used after."""
        self.array = None
        self._stack.close()
