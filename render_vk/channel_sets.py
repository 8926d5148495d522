"""Set-1 descriptor sets: what a kernel's four channels sample, and the buffer it writes.

A single-pass program's set follows from its channel bindings (``glsl_transpile.media.bind``):
stand-ins, the keyboard, or the 1x1 unbound texture of the channel's kind, each with the
sampler its input asks for. Programs with equal bindings share one set (``for_bindings``,
made on first use and kept: a corpus has few distinct ones). The multi-pass simulation
allocates its own sets per instance (``allocate`` / ``write`` / ``free``).
"""
from __future__ import annotations

from contextlib import ExitStack
from typing import Sequence

import vulkan as vk

from glsl_transpile.abi import BUFFER_OUT_BINDING, CHANNEL_BINDINGS
from glsl_transpile.media import KEYBOARD, STANDIN, Binding

from .textures import Textures
from .vkcall import vk_errors

_SAMPLER = vk.VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER
_STORAGE = vk.VK_DESCRIPTOR_TYPE_STORAGE_IMAGE
_POOL_SETS = 256
Channel = tuple[object, object, int]  # (image view, sampler, image layout)
_READ_ONLY = vk.VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL


class ChannelSets:
    """Set-1 descriptor sets of one device (see the module doc)."""

    def __init__(self, device, layout, textures: Textures):
        self.device, self.layout, self.textures = device, layout, textures
        self._stack = ExitStack()
        self._pools: list[object] = []
        self._shared: dict[tuple, object] = {}

    def _new_pool(self):
        sizes = [vk.VkDescriptorPoolSize(type=_SAMPLER, descriptorCount=4 * _POOL_SETS),
                 vk.VkDescriptorPoolSize(type=_STORAGE, descriptorCount=_POOL_SETS)]
        with vk_errors("vkCreateDescriptorPool", sets=_POOL_SETS):
            pool = vk.vkCreateDescriptorPool(self.device.device, vk.VkDescriptorPoolCreateInfo(
                flags=vk.VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT, maxSets=_POOL_SETS,
                poolSizeCount=2, pPoolSizes=sizes), None)
        self._stack.callback(vk.vkDestroyDescriptorPool, self.device.device, pool, None)
        self._pools.append(pool)
        return pool

    def allocate(self, count: int) -> list[tuple[object, object]]:
        """``count`` sets as (pool, set) pairs, from pools with room (new pools as needed)."""
        return [self._allocate_one() for _ in range(count)]

    def _allocate_one(self) -> tuple[object, object]:
        for pool in reversed(self._pools):
            try:
                return pool, self._allocate_from(pool)
            except (vk.VkErrorOutOfPoolMemory, vk.VkErrorFragmentedPool):
                continue
        pool = self._new_pool()
        with vk_errors("vkAllocateDescriptorSets"):
            return pool, self._allocate_from(pool)

    def _allocate_from(self, pool):
        return vk.vkAllocateDescriptorSets(self.device.device, vk.VkDescriptorSetAllocateInfo(
            descriptorPool=pool, descriptorSetCount=1,
            pSetLayouts=[self.layout.channel_layout]))[0]

    def free(self, sets: list[tuple[object, object]]) -> None:
        for pool, handle in sets:
            vk.vkFreeDescriptorSets(self.device.device, pool, 1, [handle])

    def write(self, handle, channels: Sequence[Channel], storage_view=None) -> None:
        """Point ``handle``'s four channels at (view, sampler, layout) triples and, for a
        buffer pass, its storage image at ``storage_view`` (in ``GENERAL`` layout)."""
        writes = [vk.VkWriteDescriptorSet(
            dstSet=handle, dstBinding=b, descriptorCount=1, descriptorType=_SAMPLER,
            pImageInfo=[vk.VkDescriptorImageInfo(sampler=sampler, imageView=view,
                                                 imageLayout=layout)])
            for b, (view, sampler, layout) in zip(CHANNEL_BINDINGS, channels)]
        if storage_view is not None:
            writes.append(vk.VkWriteDescriptorSet(
                dstSet=handle, dstBinding=BUFFER_OUT_BINDING, descriptorCount=1,
                descriptorType=_STORAGE, pImageInfo=[vk.VkDescriptorImageInfo(
                    imageView=storage_view, imageLayout=vk.VK_IMAGE_LAYOUT_GENERAL)]))
        vk.vkUpdateDescriptorSets(self.device.device, len(writes), writes, 0, None)

    def channel(self, binding: Binding) -> Channel:
        """(view, sampler, layout) of a binding that is not a buffer."""
        inp = binding.input
        if binding.what == STANDIN:
            view = self.textures.standin(binding.media, inp.vflip, inp.srgb)
        elif binding.what == KEYBOARD:
            view = self.textures.keyboard()
        else:
            return (self.textures.dummy(binding.view), self.textures.sampler("nearest", "clamp"),
                    _READ_ONLY)
        wrap = "clamp" if binding.view == "cube" else inp.wrap
        return view, self.textures.sampler(inp.filter, wrap), _READ_ONLY

    def for_bindings(self, bindings: Sequence[Binding]):
        """The shared set of a single-pass program with these channel bindings."""
        key = tuple(_key(b) for b in bindings)
        if key not in self._shared:
            (_, handle), = self.allocate(1)
            self.write(handle, [self.channel(b) for b in bindings])
            self._shared[key] = handle
        return self._shared[key]

    def close(self) -> None:
        self._stack.close()
        self._pools.clear()
        self._shared.clear()


def _key(b: Binding) -> tuple:
    inp = b.input
    if b.what in (STANDIN, KEYBOARD):
        return (b.what, b.view, b.media.sha256 if b.media else "", inp.vflip, inp.srgb,
                inp.filter, inp.wrap)
    return ("unbound", b.view)
