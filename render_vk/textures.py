"""Every VkImage of the renderer: the channels' textures and samplers, and the RGBA32F images of
multi-pass buffers.

- ``Textures`` (one per device) makes, once each and on first use, the stand-ins of Shadertoy's
  media (``glsl_transpile.standins``: the same texels the OpenGL reference uploads, mip chains
  included), the keyboard (256x3, one channel, zero), a 1x1 texture reading (0, 0, 0, 1) of
  each view type for unbound channels, and the samplers (filter nearest / linear / mipmap,
  wrap clamp / repeat: nearest and linear read the base level only, as in OpenGL).
- ``ImageArena`` holds a multi-pass instance's buffer images in one allocation: storage and
  sampled, in ``GENERAL`` layout, with a mip chain where a reader asks for mipmap filtering.

Textures are uploaded through a staging buffer in a one-off submission, then stay read-only.
"""
from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass

import numpy as np
import vulkan as vk

from glsl_transpile.media import CUBEMAP, VOLUME, Media
from glsl_transpile.standins import keyboard_texels, mip_chain, texels

from .errors import RenderError
from .memory import HostBuffer
from .vkcall import vk_errors

_VIEW = {"2d": vk.VK_IMAGE_VIEW_TYPE_2D, "cube": vk.VK_IMAGE_VIEW_TYPE_CUBE,
         "3d": vk.VK_IMAGE_VIEW_TYPE_3D}
_FILTERS = {"nearest": (vk.VK_FILTER_NEAREST, vk.VK_SAMPLER_MIPMAP_MODE_NEAREST, 0.0),
            "linear": (vk.VK_FILTER_LINEAR, vk.VK_SAMPLER_MIPMAP_MODE_NEAREST, 0.0),
            "mipmap": (vk.VK_FILTER_LINEAR, vk.VK_SAMPLER_MIPMAP_MODE_LINEAR,
                       vk.VK_LOD_CLAMP_NONE)}
_WRAPS = {"clamp": vk.VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
          "repeat": vk.VK_SAMPLER_ADDRESS_MODE_REPEAT}
BUFFER_FORMAT = vk.VK_FORMAT_R32G32B32A32_SFLOAT
BUFFER_TEXEL_BYTES = 16
_COLOR = vk.VK_IMAGE_ASPECT_COLOR_BIT
_DEVICE_LOCAL = vk.VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT


@dataclass(frozen=True)
class ImageSpec:
    """What to create: ``view`` "2d"/"cube"/"3d", Vulkan ``format``, ``extent`` (w, h, d),
    mip ``levels``, ``usage`` flags."""

    view: str
    format: int
    extent: tuple[int, int, int]
    levels: int
    usage: int


@dataclass
class DeviceImage:
    """An image and its views: ``sampled`` (every level), ``storage`` (level 0, buffers)."""

    image: object
    spec: ImageSpec
    sampled: object = None
    storage: object = None


def mip_levels(width: int, height: int, depth: int = 1) -> int:
    """Levels of a full mip chain (each axis halves, down to 1)."""
    return max(width, height, depth).bit_length()


class ImageArena:
    """Images sharing one device allocation; ``images`` in ``specs`` order. ``close()`` destroys
    the views, the images and then the memory."""

    def __init__(self, device, specs: list[ImageSpec]):
        self._stack = ExitStack()
        self.size_bytes = 0
        try:
            self.images = self._create(device, specs)
        except BaseException:
            self._stack.close()
            raise

    def _create(self, device, specs: list[ImageSpec]) -> list[DeviceImage]:
        dev = device.device
        made: list[DeviceImage] = []
        try:
            memory, offsets = self._allocate(device, specs, made)
        except BaseException:
            for img in made:
                vk.vkDestroyImage(dev, img.image, None)
            raise
        self._stack.callback(vk.vkFreeMemory, dev, memory, None)  # freed last
        for img in made:
            self._stack.callback(vk.vkDestroyImage, dev, img.image, None)
        for img, offset in zip(made, offsets):
            with vk_errors("vkBindImageMemory"):
                vk.vkBindImageMemory(dev, img.image, memory, offset)
            img.sampled = self._view(dev, img, 0, img.spec.levels)
            if img.spec.usage & vk.VK_IMAGE_USAGE_STORAGE_BIT:
                img.storage = self._view(dev, img, 0, 1)
        return made

    def _allocate(self, device, specs: list[ImageSpec], made: list[DeviceImage]):
        """Create the images (into ``made``) and one allocation that holds them all."""
        dev = device.device
        offsets, bits = [], ~0
        for spec in specs:
            made.append(DeviceImage(_create_image(dev, spec), spec))
            req = vk.vkGetImageMemoryRequirements(dev, made[-1].image)
            self.size_bytes = -(-self.size_bytes // req.alignment) * req.alignment
            offsets.append(self.size_bytes)
            self.size_bytes += req.size
            bits &= req.memoryTypeBits
        type_index = device.memory_type(bits, 0, _DEVICE_LOCAL)
        with vk_errors("vkAllocateMemory", size_bytes=self.size_bytes, images=len(specs)):
            memory = vk.vkAllocateMemory(dev, vk.VkMemoryAllocateInfo(
                allocationSize=max(self.size_bytes, 1), memoryTypeIndex=type_index), None)
        return memory, offsets

    def _view(self, dev, img: DeviceImage, base: int, levels: int):
        layers = 6 if img.spec.view == "cube" else 1
        info = vk.VkImageViewCreateInfo(
            image=img.image, viewType=_VIEW[img.spec.view], format=img.spec.format,
            subresourceRange=vk.VkImageSubresourceRange(
                aspectMask=_COLOR, baseMipLevel=base, levelCount=levels, baseArrayLayer=0,
                layerCount=layers))
        with vk_errors("vkCreateImageView"):
            view = vk.vkCreateImageView(dev, info, None)
        self._stack.callback(vk.vkDestroyImageView, dev, view, None)
        return view

    def close(self) -> None:
        self._stack.close()


def _create_image(dev, spec: ImageSpec):
    w, h, d = spec.extent
    info = vk.VkImageCreateInfo(
        flags=vk.VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT if spec.view == "cube" else 0,
        imageType=vk.VK_IMAGE_TYPE_3D if spec.view == "3d" else vk.VK_IMAGE_TYPE_2D,
        format=spec.format, extent=vk.VkExtent3D(width=w, height=h, depth=d),
        mipLevels=spec.levels, arrayLayers=6 if spec.view == "cube" else 1,
        samples=vk.VK_SAMPLE_COUNT_1_BIT, tiling=vk.VK_IMAGE_TILING_OPTIMAL, usage=spec.usage,
        sharingMode=vk.VK_SHARING_MODE_EXCLUSIVE, initialLayout=vk.VK_IMAGE_LAYOUT_UNDEFINED)
    with vk_errors("vkCreateImage", extent=spec.extent, levels=spec.levels):
        return vk.vkCreateImage(dev, info, None)


def buffer_spec(width: int, height: int, mipmapped: bool) -> ImageSpec:
    """A multi-pass buffer: RGBA32F, written as a storage image, sampled, blitted for mips."""
    usage = (vk.VK_IMAGE_USAGE_STORAGE_BIT | vk.VK_IMAGE_USAGE_SAMPLED_BIT
             | vk.VK_IMAGE_USAGE_TRANSFER_SRC_BIT | vk.VK_IMAGE_USAGE_TRANSFER_DST_BIT)
    return ImageSpec("2d", BUFFER_FORMAT, (width, height, 1),
                     mip_levels(width, height) if mipmapped else 1, usage)


class Textures:
    """The channel textures and samplers of one device (see the module doc)."""

    def __init__(self, device):
        self.device = device
        self._stack = ExitStack()
        self._samplers: dict[tuple[str, str], object] = {}
        self._textures: dict[tuple, DeviceImage] = {}
        self._checked_buffers = False

    def sampler(self, filter_name: str, wrap: str):
        """The sampler for Shadertoy's ``filter`` and ``wrap`` settings (made once)."""
        key = (filter_name, wrap)
        if key not in self._samplers:
            filt, mip, max_lod = _FILTERS[filter_name]
            mode = _WRAPS[wrap]
            info = vk.VkSamplerCreateInfo(
                magFilter=filt, minFilter=filt, mipmapMode=mip, addressModeU=mode,
                addressModeV=mode, addressModeW=mode, maxLod=max_lod, minLod=0.0,
                borderColor=vk.VK_BORDER_COLOR_FLOAT_OPAQUE_BLACK)
            with vk_errors("vkCreateSampler"):
                handle = vk.vkCreateSampler(self.device.device, info, None)
            self._stack.callback(vk.vkDestroySampler, self.device.device, handle, None)
            self._samplers[key] = handle
        return self._samplers[key]

    def dummy(self, view: str):
        """The sampled view of a 1x1 (0, 0, 0, 1) texture of ``view`` type (unbound)."""
        texel = np.array([0, 0, 0, 255], dtype=np.uint8)
        shape = {"2d": (1, 1, 4), "cube": (6, 1, 1, 4), "3d": (1, 1, 1, 4)}[view]
        return self._texture(("dummy", view), view, vk.VK_FORMAT_R8G8B8A8_UNORM,
                             [np.broadcast_to(texel, shape).copy()])

    def keyboard(self):
        """The sampled view of the keyboard texture (no key pressed)."""
        return self._texture(("keyboard",), "2d", vk.VK_FORMAT_R8_UNORM, [keyboard_texels()])

    def standin(self, media: Media, vflip: bool, srgb: bool):
        """The sampled view of ``media``'s stand-in (with its mip chain)."""
        vflip = vflip and media.kind not in (CUBEMAP, VOLUME)
        level0 = texels(media, vflip)
        view = {CUBEMAP: "cube", VOLUME: "3d"}.get(media.kind, "2d")
        one_channel = level0.shape[-1] == 1
        fmt = (vk.VK_FORMAT_R8_UNORM if one_channel else
               vk.VK_FORMAT_R8G8B8A8_SRGB if srgb else vk.VK_FORMAT_R8G8B8A8_UNORM)
        key = ("standin", media.sha256, vflip, fmt)
        if key in self._textures:
            return self._textures[key].sampled
        return self._texture(key, view, fmt, mip_chain(level0, 3 if view == "3d" else 2))

    def _texture(self, key, view: str, fmt: int, levels: list[np.ndarray]):
        if key not in self._textures:
            shape = levels[0].shape
            extent = ((shape[2], shape[1], shape[0]) if view == "3d" else
                      (shape[-2], shape[-3], 1))
            usage = vk.VK_IMAGE_USAGE_SAMPLED_BIT | vk.VK_IMAGE_USAGE_TRANSFER_DST_BIT
            arena = ImageArena(self.device, [ImageSpec(view, fmt, extent, len(levels), usage)])
            self._stack.callback(arena.close)
            _upload(self.device, arena.images[0], levels)
            self._textures[key] = arena.images[0]
        return self._textures[key].sampled

    def check_buffer_format(self) -> None:
        """Multi-pass buffers need RGBA32F images that can be stored to, sampled with linear
        filtering and blitted (mip chains); ``RenderError`` if the device lacks any."""
        if self._checked_buffers:
            return
        need = (vk.VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT
                | vk.VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT
                | vk.VK_FORMAT_FEATURE_BLIT_SRC_BIT | vk.VK_FORMAT_FEATURE_BLIT_DST_BIT)
        props = vk.vkGetPhysicalDeviceFormatProperties(self.device.physical, BUFFER_FORMAT)
        if props.optimalTilingFeatures & need != need:
            raise RenderError(f"{self.device.info.name}: RGBA32F images lack storage, linear "
                              "filtering or blits; multi-pass programs cannot run here")
        self._checked_buffers = True

    def close(self) -> None:
        self._stack.close()
        self._textures.clear()
        self._samplers.clear()


def _upload(device, img: DeviceImage, levels: list[np.ndarray]) -> None:
    """Copy every level into ``img`` through a staging buffer; the image ends read-only."""
    data = [np.ascontiguousarray(level).reshape(-1) for level in levels]
    staging = HostBuffer(device, sum(d.nbytes for d in data),
                         usage=vk.VK_BUFFER_USAGE_TRANSFER_SRC_BIT)
    try:
        regions, offset = [], 0
        layers = 6 if img.spec.view == "cube" else 1
        w, h, d = img.spec.extent
        for level, chunk in enumerate(data):
            staging.array[offset:offset + chunk.nbytes] = chunk.view(np.uint8)
            regions.append(vk.VkBufferImageCopy(
                bufferOffset=offset, imageSubresource=vk.VkImageSubresourceLayers(
                    aspectMask=_COLOR, mipLevel=level, baseArrayLayer=0, layerCount=layers),
                imageExtent=vk.VkExtent3D(width=max(1, w >> level), height=max(1, h >> level),
                                          depth=max(1, d >> level))))
            offset += chunk.nbytes

        def record(cmd) -> None:
            full = vk.VkImageSubresourceRange(aspectMask=_COLOR, baseMipLevel=0,
                                              levelCount=len(levels), baseArrayLayer=0,
                                              layerCount=layers)
            layout_barrier(cmd, img.image, full, vk.VK_IMAGE_LAYOUT_UNDEFINED,
                           vk.VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL)
            vk.vkCmdCopyBufferToImage(cmd, staging.buffer, img.image,
                                      vk.VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, len(regions),
                                      regions)
            layout_barrier(cmd, img.image, full, vk.VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                           vk.VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL)
        one_shot(device, record)
    finally:
        staging.close()


def layout_barrier(cmd, image, subresources, old: int, new: int) -> None:
    """An image layout transition ordered after, and before, all transfer and compute work."""
    stages = vk.VK_PIPELINE_STAGE_TRANSFER_BIT | vk.VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT
    access = (vk.VK_ACCESS_TRANSFER_WRITE_BIT | vk.VK_ACCESS_TRANSFER_READ_BIT
              | vk.VK_ACCESS_SHADER_READ_BIT | vk.VK_ACCESS_SHADER_WRITE_BIT)
    barrier = vk.VkImageMemoryBarrier(
        srcAccessMask=access, dstAccessMask=access, oldLayout=old, newLayout=new,
        srcQueueFamilyIndex=vk.VK_QUEUE_FAMILY_IGNORED,
        dstQueueFamilyIndex=vk.VK_QUEUE_FAMILY_IGNORED, image=image,
        subresourceRange=subresources)
    vk.vkCmdPipelineBarrier(cmd, stages, stages, 0, 0, None, 0, None, 1, [barrier])


def one_shot(device, record, timeout_s: float = 60.0) -> None:
    """Record commands with ``record(cmd)`` into a fresh command buffer, submit it and wait."""
    dev = device.device
    with ExitStack() as stack:
        with vk_errors("vkCreateCommandPool"):
            pool = vk.vkCreateCommandPool(dev, vk.VkCommandPoolCreateInfo(
                queueFamilyIndex=device.queue_family), None)
        stack.callback(vk.vkDestroyCommandPool, dev, pool, None)
        cmd = vk.vkAllocateCommandBuffers(dev, vk.VkCommandBufferAllocateInfo(
            commandPool=pool, level=vk.VK_COMMAND_BUFFER_LEVEL_PRIMARY,
            commandBufferCount=1))[0]
        with vk_errors("vkCreateFence"):
            fence = vk.vkCreateFence(dev, vk.VkFenceCreateInfo(), None)
        stack.callback(vk.vkDestroyFence, dev, fence, None)
        vk.vkBeginCommandBuffer(cmd, vk.VkCommandBufferBeginInfo(
            flags=vk.VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT))
        record(cmd)
        vk.vkEndCommandBuffer(cmd)
        with vk_errors("vkQueueSubmit", what="texture upload"):
            vk.vkQueueSubmit(device.queue, 1, [vk.VkSubmitInfo(commandBufferCount=1,
                                                                pCommandBuffers=[cmd])], fence)
        with vk_errors("vkWaitForFences", what="texture upload"):
            vk.vkWaitForFences(dev, 1, [fence], vk.VK_TRUE, int(timeout_s * 1e9))
