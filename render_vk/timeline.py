"""Timeline semaphores: a 64-bit counter the device and a consumer (host or CUDA) advance.

The renderer signals ``rendered = n`` when batch n is done; the consumer signals ``released`` when
it no longer reads a slot's pixels, and a later batch that reuses that slot waits for it on the
device. Nobody waits on the host in between (see ``handoff.py``).

Needs ``VK_KHR_timeline_semaphore`` (core in Vulkan 1.2; the instance here asks for 1.1, so the
KHR entry points are used). Export to CUDA also needs ``VK_KHR_external_semaphore_fd`` and a
driver that can export *timeline* semaphores as opaque fds (``export_supported``): NVIDIA can,
Mesa's lavapipe 22.x cannot export semaphores at all.
"""
from __future__ import annotations

import vulkan as vk

from .vkcall import vk_errors

EXTENSION = "VK_KHR_timeline_semaphore"
EXPORT_EXTENSION = "VK_KHR_external_semaphore_fd"
_FD = vk.VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT


def export_supported(device) -> bool:
    """Whether ``device`` (with both extensions enabled) can export a timeline semaphore as an
    opaque fd (for CUDA)."""
    timeline = vk.VkSemaphoreTypeCreateInfo(semaphoreType=vk.VK_SEMAPHORE_TYPE_TIMELINE)
    query = vk.VkPhysicalDeviceExternalSemaphoreInfo(pNext=timeline, handleType=_FD)
    props = vk.vkGetPhysicalDeviceExternalSemaphoreProperties(device.physical, query)
    exportable = (props.externalSemaphoreFeatures & vk.VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT
                  and props.compatibleHandleTypes & _FD)
    return bool(exportable) and {EXTENSION, EXPORT_EXTENSION} <= device.enabled


class TimelineSemaphore:
    """One timeline semaphore of ``device`` (created with ``EXTENSION``), starting at 0."""

    def __init__(self, device, *, exportable: bool = False):
        self.device = device
        dev = device.device
        self._proc = {name: vk.vkGetDeviceProcAddr(dev, name + "KHR")
                      for name in ("vkWaitSemaphores", "vkSignalSemaphore",
                                   "vkGetSemaphoreCounterValue")}
        chain = vk.VkSemaphoreTypeCreateInfo(semaphoreType=vk.VK_SEMAPHORE_TYPE_TIMELINE,
                                             initialValue=0)
        if exportable:
            chain = vk.VkExportSemaphoreCreateInfo(pNext=chain, handleTypes=_FD)
        with vk_errors("vkCreateSemaphore (timeline)", exportable=exportable):
            self.semaphore = vk.vkCreateSemaphore(dev, vk.VkSemaphoreCreateInfo(pNext=chain),
                                                  None)

    @property
    def value(self) -> int:
        """The counter now (host query)."""
        with vk_errors("vkGetSemaphoreCounterValueKHR"):
            return int(self._proc["vkGetSemaphoreCounterValue"](self.device.device,
                                                                self.semaphore))

    def signal(self, value: int) -> None:
        """Set the counter to ``value`` from the host (must exceed the current value)."""
        with vk_errors("vkSignalSemaphoreKHR", value=value):
            self._proc["vkSignalSemaphore"](self.device.device, vk.VkSemaphoreSignalInfo(
                semaphore=self.semaphore, value=value))

    def wait(self, value: int, timeout_s: float) -> bool:
        """Wait on the host until the counter reaches ``value``; False on timeout."""
        info = vk.VkSemaphoreWaitInfo(semaphoreCount=1, pSemaphores=[self.semaphore],
                                      pValues=[value])
        with vk_errors("vkWaitSemaphoresKHR", value=value):
            try:
                self._proc["vkWaitSemaphores"](self.device.device, info, int(timeout_s * 1e9))
            except vk.VkTimeout:  # the binding raises the VK_TIMEOUT result
                return False
        return True

    def export_fd(self) -> int:
        """A new opaque fd for the semaphore (the caller owns it until CUDA imports it)."""
        get_fd = vk.vkGetDeviceProcAddr(self.device.device, "vkGetSemaphoreFdKHR")
        with vk_errors("vkGetSemaphoreFdKHR"):
            return int(get_fd(self.device.device, vk.VkSemaphoreGetFdInfoKHR(
                semaphore=self.semaphore, handleType=_FD)))

    def close(self) -> None:
        """Destroy the semaphore (idempotent); a CUDA import of it must be destroyed first."""
        if self.semaphore is not None:
            vk.vkDestroySemaphore(self.device.device, self.semaphore, None)
            self.semaphore = None
