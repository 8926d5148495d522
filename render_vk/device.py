"""Vulkan instance, device choice and the compute queue.

A GPU (discrete, then integrated) is preferred over a CPU implementation (lavapipe); a device
can be chosen by index or by a substring of its name. The chosen device is always logged:
in containers the NVIDIA driver can silently be missing and the loader then offers llvmpipe.
"""
from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass

import vulkan as vk

from .errors import DeviceNotFoundError, RenderError
from .vkcall import vk_errors

log = logging.getLogger(__name__)
_ROBUSTNESS2 = "VK_EXT_robustness2"

_TYPE_RANK = {vk.VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: 0,
              vk.VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: 1,
              vk.VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: 2,
              vk.VK_PHYSICAL_DEVICE_TYPE_OTHER: 3,
              vk.VK_PHYSICAL_DEVICE_TYPE_CPU: 4}
_TYPE_NAME = {vk.VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: "discrete GPU",
              vk.VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: "integrated GPU",
              vk.VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: "virtual GPU",
              vk.VK_PHYSICAL_DEVICE_TYPE_OTHER: "other",
              vk.VK_PHYSICAL_DEVICE_TYPE_CPU: "CPU"}


@dataclass(frozen=True)
class DeviceInfo:
    """What the renderer needs to know about a physical device."""

    index: int
    name: str
    kind: str
    subgroup_size: int
    quad_ops: bool
    full_subgroups: bool  # VK_EXT_subgroup_size_control's computeFullSubgroups
    uuid: bytes
    timestamp_period_ns: float  # 0 when the compute queue cannot write timestamps


def _text(value) -> str:
    return value if isinstance(value, str) else vk.ffi.string(value).decode()


def create_instance():
    """A Vulkan 1.1 instance (no layers, no surface extensions)."""
    app = vk.VkApplicationInfo(pApplicationName="render_vk", applicationVersion=1,
                               pEngineName="render_vk", engineVersion=1,
                               apiVersion=vk.VK_MAKE_VERSION(1, 1, 0))
    with vk_errors("vkCreateInstance"):
        return vk.vkCreateInstance(vk.VkInstanceCreateInfo(pApplicationInfo=app), None)


def describe(index: int, physical) -> DeviceInfo:
    """Properties of ``physical`` relevant here (subgroups, UUID, name)."""
    subgroup = vk.VkPhysicalDeviceSubgroupProperties()
    ids = vk.VkPhysicalDeviceIDProperties(pNext=subgroup)
    props2 = vk.VkPhysicalDeviceProperties2(pNext=ids)
    vk.vkGetPhysicalDeviceProperties2(physical, props2)
    props = props2.properties
    size_ctl = vk.VkPhysicalDeviceSubgroupSizeControlFeatures()
    feats = vk.VkPhysicalDeviceFeatures2(pNext=size_ctl)
    vk.vkGetPhysicalDeviceFeatures2(physical, feats)
    return DeviceInfo(
        index=index, name=_text(props.deviceName),
        kind=_TYPE_NAME.get(props.deviceType, "other"),
        subgroup_size=int(subgroup.subgroupSize),
        quad_ops=bool(subgroup.supportedOperations & vk.VK_SUBGROUP_FEATURE_QUAD_BIT)
        and bool(subgroup.supportedStages & vk.VK_SHADER_STAGE_COMPUTE_BIT),
        full_subgroups=bool(size_ctl.computeFullSubgroups),
        uuid=bytes(vk.ffi.buffer(ids.deviceUUID, vk.VK_UUID_SIZE)),
        timestamp_period_ns=float(props.limits.timestampPeriod)
        if props.limits.timestampComputeAndGraphics else 0.0)


def pick_device(infos: list[DeviceInfo], choice: int | str | None) -> DeviceInfo:
    """The device named by ``choice`` (index or name substring), else the best-ranked one."""
    listing = "; ".join(f"[{d.index}] {d.name} ({d.kind})" for d in infos) or "none"
    if not infos:
        raise DeviceNotFoundError("no Vulkan device found (install mesa-vulkan-drivers for the "
                                  "CPU implementation lavapipe, or a GPU driver)")
    if isinstance(choice, int) or (isinstance(choice, str) and choice.isdigit()):
        idx = int(choice)
        if not 0 <= idx < len(infos):
            raise DeviceNotFoundError(f"no Vulkan device with index {idx}; devices: {listing}")
        return infos[idx]
    if choice:
        matches = [d for d in infos if choice.lower() in d.name.lower()]
        if not matches:
            raise DeviceNotFoundError(f"no Vulkan device named like {choice!r}; devices: "
                                      f"{listing}")
        return matches[0]
    ranks = {v: k for k, v in _TYPE_NAME.items()}
    return min(infos, key=lambda d: (_TYPE_RANK[ranks[d.kind]], d.index))


class VulkanDevice:
    """Instance + logical device + one compute queue. ``close()`` destroys in reverse order."""

    def __init__(self, choice: int | str | None = None, *, extensions: tuple[str, ...] = (),
                 optional: tuple[str, ...] = ()):
        """``extensions`` are required (``RenderError`` if missing); ``optional`` ones are
        enabled where the device has them. ``enabled`` lists what was enabled."""
        self._stack = ExitStack()
        self.extensions = tuple(extensions)
        self._optional = tuple(optional)
        try:
            self.instance = create_instance()
            self._stack.callback(vk.vkDestroyInstance, self.instance, None)
            with vk_errors("vkEnumeratePhysicalDevices"):
                physicals = vk.vkEnumeratePhysicalDevices(self.instance)
            infos = [describe(i, p) for i, p in enumerate(physicals)]
            self.info = pick_device(infos, choice)
            self.physical = physicals[self.info.index]
            self._check_capabilities()
            self.queue_family = self._compute_queue_family()
            self.available_extensions = frozenset(
                _text(e.extensionName)
                for e in vk.vkEnumerateDeviceExtensionProperties(self.physical, None))
            self.device = self._create_device()
            self._stack.callback(vk.vkDestroyDevice, self.device, None)
            self.queue = vk.vkGetDeviceQueue(self.device, self.queue_family, 0)
            self.memory_properties = vk.vkGetPhysicalDeviceMemoryProperties(self.physical)
            self.properties = vk.vkGetPhysicalDeviceProperties(self.physical)
        except BaseException:
            self._stack.close()
            raise
        log.info("Vulkan device: %s (%s), subgroup size %d", self.info.name, self.info.kind,
                 self.info.subgroup_size)

    def _check_capabilities(self) -> None:
        info = self.info
        if not info.quad_ops or info.subgroup_size < 4 or 64 % info.subgroup_size:
            raise RenderError(
                f"Vulkan device {info.name!r} lacks subgroup quad operations in compute with a "
                f"subgroup size dividing 64 (size {info.subgroup_size}); derivatives need them")

    def _compute_queue_family(self) -> int:
        families = vk.vkGetPhysicalDeviceQueueFamilyProperties(self.physical)
        for i, fam in enumerate(families):
            if fam.queueFlags & vk.VK_QUEUE_COMPUTE_BIT:
                return i
        raise DeviceNotFoundError(f"{self.info.name}: no queue family supports compute")

    def _create_device(self):
        queue_info = vk.VkDeviceQueueCreateInfo(queueFamilyIndex=self.queue_family,
                                                queueCount=1, pQueuePriorities=[1.0])
        next_chain = None
        extensions = list(self.extensions)
        available = self.available_extensions
        missing = [e for e in extensions if e not in available]
        if missing:
            raise RenderError(f"Vulkan device {self.info.name!r} lacks {', '.join(missing)}")
        extensions += [e for e in self._optional if e in available and e not in extensions]
        if self.info.full_subgroups:
            next_chain = vk.VkPhysicalDeviceSubgroupSizeControlFeatures(
                computeFullSubgroups=vk.VK_TRUE)
            extensions.append("VK_EXT_subgroup_size_control")
        if "VK_KHR_timeline_semaphore" in extensions:
            next_chain = vk.VkPhysicalDeviceTimelineSemaphoreFeatures(
                pNext=next_chain, timelineSemaphore=vk.VK_TRUE)
        if _ROBUSTNESS2 in available and _ROBUSTNESS2 not in extensions \
                and self._has_robust_image_access2():
            # a texelFetch outside the texture reads 0, as OpenGL does on Mesa (programs read
            # their buffers' neighbours at the edges)
            extensions.append(_ROBUSTNESS2)
            next_chain = vk.VkPhysicalDeviceRobustness2FeaturesEXT(
                pNext=next_chain, robustImageAccess2=vk.VK_TRUE)
        self.enabled = frozenset(extensions)
        create = vk.VkDeviceCreateInfo(pNext=next_chain, queueCreateInfoCount=1,
                                       pQueueCreateInfos=[queue_info],
                                       enabledExtensionCount=len(extensions),
                                       ppEnabledExtensionNames=extensions or None)
        with vk_errors("vkCreateDevice", device=self.info.name):
            return vk.vkCreateDevice(self.physical, create, None)

    def _has_robust_image_access2(self) -> bool:
        robust = vk.VkPhysicalDeviceRobustness2FeaturesEXT()
        vk.vkGetPhysicalDeviceFeatures2(self.physical, vk.VkPhysicalDeviceFeatures2(pNext=robust))
        return bool(robust.robustImageAccess2)

    def memory_type(self, type_bits: int, required: int, preferred: int = 0) -> int:
        """Index of a memory type allowed by ``type_bits`` with the ``required`` flags."""
        best = None
        for i in range(self.memory_properties.memoryTypeCount):
            flags = self.memory_properties.memoryTypes[i].propertyFlags
            if not (type_bits >> i) & 1 or flags & required != required:
                continue
            if flags & preferred == preferred:
                return i
            best = i if best is None else best
        if best is None:
            raise RenderError(f"{self.info.name}: no memory type with flags {required:#x}")
        return best

    def wait_idle(self) -> None:
        with vk_errors("vkDeviceWaitIdle"):
            vk.vkDeviceWaitIdle(self.device)

    def close(self) -> None:
        """Destroy the device and instance (idempotent)."""
        self._stack.close()


def list_devices() -> list[DeviceInfo]:
    """Every Vulkan device this machine offers."""
    instance = create_instance()
    try:
        with vk_errors("vkEnumeratePhysicalDevices"):
            physicals = vk.vkEnumeratePhysicalDevices(instance)
        return [describe(i, p) for i, p in enumerate(physicals)]
    finally:
        vk.vkDestroyInstance(instance, None)
