"""Hand-off to torch on an NVIDIA GPU: Vulkan memory and timeline semaphores exported as POSIX
fds, imported into CUDA.

The Vulkan half (``ExportableBuffer``: a device-local storage buffer in a dedicated, exportable
allocation, and its opaque fd) is tested on lavapipe, which has VK_KHR_external_memory_fd. The
CUDA half (``CudaImport``: ``cudaImportExternalMemory`` + ``cudaExternalMemoryGetMappedBuffer``
from cuda-bindings, wrapped as a CuPy array and handed to torch through DLPack) NEEDS A GPU AND
HAS NOT RUN YET: issue 4 finishes it on a lent GPU machine. The same holds for the semaphores
(``CudaSemaphore``, ``CudaStreamConsumer``: the consumer side of ``handoff.TimelineHandoff``).

Rules followed (FIELD-NOTES.md): the import is dedicated because the allocation is; CUDA owns the
fd after a successful import; the size is the whole allocation; teardown is CUDA first (free the
mapping, destroy the external memory), then Vulkan (``vkFreeMemory``); the Vulkan device that
renders is matched to the CUDA device by UUID, whatever CUDA_VISIBLE_DEVICES says.
"""
from __future__ import annotations

import logging
import os
from contextlib import ExitStack

import vulkan as vk

from .errors import DeviceNotFoundError, RenderError
from .vkcall import vk_errors

log = logging.getLogger(__name__)

DEVICE_EXTENSIONS = ("VK_KHR_external_memory_fd",)
_FD = vk.VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT


class ExportableBuffer:
    """A device-local storage buffer whose memory can be exported as an opaque fd.

    The device must have been created with ``DEVICE_EXTENSIONS`` enabled.
    """

    def __init__(self, device, size_bytes: int):
        self.device = device
        self.size_bytes = int(size_bytes)
        self._stack = ExitStack()
        dev = device.device
        try:
            external = vk.VkExternalMemoryBufferCreateInfo(handleTypes=_FD)
            info = vk.VkBufferCreateInfo(pNext=external, size=self.size_bytes,
                                         usage=vk.VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                                         sharingMode=vk.VK_SHARING_MODE_EXCLUSIVE)
            with vk_errors("vkCreateBuffer (exportable)", size_bytes=self.size_bytes):
                self.buffer = vk.vkCreateBuffer(dev, info, None)
            self._stack.callback(vk.vkDestroyBuffer, dev, self.buffer, None)
            req = vk.vkGetBufferMemoryRequirements(dev, self.buffer)
            self.allocation_bytes = int(req.size)
            type_index = device.memory_type(req.memoryTypeBits,
                                            vk.VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)
            dedicated = vk.VkMemoryDedicatedAllocateInfo(buffer=self.buffer)
            export = vk.VkExportMemoryAllocateInfo(pNext=dedicated, handleTypes=_FD)
            alloc = vk.VkMemoryAllocateInfo(pNext=export, allocationSize=req.size,
                                            memoryTypeIndex=type_index)
            with vk_errors("vkAllocateMemory (exportable)", size_bytes=req.size):
                self.memory = vk.vkAllocateMemory(dev, alloc, None)
            self._stack.callback(vk.vkFreeMemory, dev, self.memory, None)
            with vk_errors("vkBindBufferMemory"):
                vk.vkBindBufferMemory(dev, self.buffer, self.memory, 0)
        except BaseException:
            self._stack.close()
            raise

    def export_fd(self) -> int:
        """A new opaque fd for the allocation (the caller owns it until CUDA imports it)."""
        get_fd = vk.vkGetDeviceProcAddr(self.device.device, "vkGetMemoryFdKHR")
        info = vk.VkMemoryGetFdInfoKHR(memory=self.memory, handleType=_FD)
        with vk_errors("vkGetMemoryFdKHR", size_bytes=self.allocation_bytes):
            return int(get_fd(self.device.device, info))

    def close(self) -> None:
        """Free the Vulkan side; any CUDA import of it must be destroyed first."""
        self._stack.close()


def _cuda_uuid(index: int) -> bytes:
    import torch

    uuid = torch.cuda.get_device_properties(index).uuid
    return bytes(getattr(uuid, "bytes", uuid))  # torch's _CUuuid.bytes: 16 ints


def cuda_device_for(vulkan_uuid: bytes) -> int:
    """The torch CUDA device index whose UUID is the Vulkan device's ``deviceUUID``."""
    import torch

    for i in range(torch.cuda.device_count()):
        if _cuda_uuid(i) == bytes(vulkan_uuid):
            return i
    raise DeviceNotFoundError(
        f"no CUDA device has the Vulkan device's UUID {vulkan_uuid.hex()} "
        f"({torch.cuda.device_count()} CUDA devices visible; check CUDA_VISIBLE_DEVICES)")


def vulkan_device_for(cuda_index: int) -> int:
    """The Vulkan device index (``RendererConfig.device``) of torch's ``cuda:<cuda_index>``."""
    return vulkan_device_with_uuid(_cuda_uuid(cuda_index), f"cuda:{cuda_index}")


def vulkan_device_with_uuid(uuid: bytes, what: str) -> int:
    """The index of the Vulkan device whose ``deviceUUID`` is ``uuid`` (``what`` names it in
    the error, which lists the devices there are)."""
    from .device import list_devices

    devices = list_devices()
    for info in devices:
        if info.uuid == bytes(uuid):
            return info.index
    raise DeviceNotFoundError(
        f"no Vulkan device has the UUID {bytes(uuid).hex()} of {what}; Vulkan devices: "
        + "; ".join(f"[{d.index}] {d.name} {d.uuid.hex()}" for d in devices)
        + " (is the NVIDIA Vulkan driver installed? VK_DRIVER_FILES may point at its ICD)")


def _runtime():
    try:
        from cuda.bindings import runtime
    except ImportError:
        try:
            from cuda import cudart as runtime  # cuda-python < 12.6
        except ImportError as err:
            raise RenderError("CUDA output needs the 'cuda-bindings' (cuda-python) package") \
                from err
    return runtime


def _check(result, what: str):
    """cuda-bindings calls return (error, *values); raise on an error code."""
    err, *values = result if isinstance(result, tuple) else (result,)
    if int(err) != 0:
        raise RenderError(f"{what} failed: CUDA error {int(err)} ({err})")
    return values[0] if len(values) == 1 else values


class CudaImport:
    """``buffer``'s memory as CUDA device memory and a flat uint8 torch tensor on ``device``.

    NOT YET RUN ON A GPU (see the module doc).
    """

    def __init__(self, buffer: ExportableBuffer, cuda_device: int):
        rt = _runtime()
        self._rt = rt
        self._ext = None
        self._ptr = None
        fd = buffer.export_fd()
        try:
            _check(rt.cudaSetDevice(cuda_device), "cudaSetDevice")
            desc = rt.cudaExternalMemoryHandleDesc()
            desc.type = rt.cudaExternalMemoryHandleType.cudaExternalMemoryHandleTypeOpaqueFd
            desc.handle.fd = fd
            desc.size = buffer.allocation_bytes
            desc.flags = rt.cudaExternalMemoryDedicated
            self._ext = _check(rt.cudaImportExternalMemory(desc), "cudaImportExternalMemory")
            fd = -1  # CUDA owns it now
            bdesc = rt.cudaExternalMemoryBufferDesc()
            bdesc.offset = 0
            bdesc.size = buffer.size_bytes
            bdesc.flags = 0
            self._ptr = int(_check(rt.cudaExternalMemoryGetMappedBuffer(self._ext, bdesc),
                                   "cudaExternalMemoryGetMappedBuffer"))
        except BaseException:
            if fd >= 0:
                os.close(fd)
            self.close()
            raise
        self.size_bytes = buffer.size_bytes
        self.tensor = _wrap_device_pointer(self._ptr, self.size_bytes, cuda_device, owner=self)

    @property
    def data_ptr(self) -> int:
        return self._ptr

    def close(self) -> None:
        """CUDA side teardown: free the mapping, destroy the external memory (idempotent)."""
        if self._ptr is not None:
            _check(self._rt.cudaFree(self._ptr), "cudaFree")
            self._ptr = None
        if self._ext is not None:
            _check(self._rt.cudaDestroyExternalMemory(self._ext), "cudaDestroyExternalMemory")
            self._ext = None


def _wrap_device_pointer(ptr: int, size: int, device: int, owner):
    """A flat ``uint8`` torch tensor over CUDA memory at ``ptr`` (no copy): through CuPy and
    DLPack when CuPy is installed, else through ``__cuda_array_interface__``."""
    import torch

    try:
        import cupy
    except ImportError:
        cupy = None
    if cupy is not None:
        with cupy.cuda.Device(device):
            mem = cupy.cuda.UnownedMemory(ptr, size, owner, device_id=device)
            array = cupy.ndarray((size,), dtype=cupy.uint8,
                                 memptr=cupy.cuda.MemoryPointer(mem, 0))
        return torch.from_dlpack(array)

    class _Interface:
        __cuda_array_interface__ = {"shape": (size,), "typestr": "|u1", "data": (ptr, False),
                                    "version": 3, "strides": None}

    return torch.as_tensor(_Interface(), device=f"cuda:{device}")


class CudaSemaphore:
    """A Vulkan timeline semaphore (created exportable) imported into CUDA.

    NOT YET RUN ON A GPU (see the module doc); the argument marshalling is checked on a machine
    without a driver, where every call returns cudaErrorInsufficientDriver.
    """

    def __init__(self, timeline, cuda_device: int):
        rt = _runtime()
        self._rt = rt
        self._ext = None
        fd = timeline.export_fd()
        try:
            _check(rt.cudaSetDevice(cuda_device), "cudaSetDevice")
            desc = rt.cudaExternalSemaphoreHandleDesc()
            desc.type = (rt.cudaExternalSemaphoreHandleType
                         .cudaExternalSemaphoreHandleTypeTimelineSemaphoreFd)
            desc.handle.fd = fd
            desc.flags = 0
            self._ext = _check(rt.cudaImportExternalSemaphore(desc),
                               "cudaImportExternalSemaphore")
            fd = -1  # CUDA owns it now
        finally:
            if fd >= 0:
                os.close(fd)

    def wait(self, value: int, stream: int) -> None:
        """Queue on ``stream``: wait until the counter reaches ``value``."""
        params = self._rt.cudaExternalSemaphoreWaitParams()
        params.params.fence.value = value
        params.flags = 0
        _check(self._rt.cudaWaitExternalSemaphoresAsync([self._ext], [params], 1, stream),
               "cudaWaitExternalSemaphoresAsync")

    def signal(self, value: int, stream: int) -> None:
        """Queue on ``stream``: set the counter to ``value`` once earlier work is done."""
        params = self._rt.cudaExternalSemaphoreSignalParams()
        params.params.fence.value = value
        params.flags = 0
        _check(self._rt.cudaSignalExternalSemaphoresAsync([self._ext], [params], 1, stream),
               "cudaSignalExternalSemaphoresAsync")

    def close(self) -> None:
        if self._ext is not None:
            _check(self._rt.cudaDestroyExternalSemaphore(self._ext),
                   "cudaDestroyExternalSemaphore")
            self._ext = None


class CudaStreamConsumer:
    """The consumer of a timeline hand-off: torch's current stream on ``cuda_device``."""

    waits_on_host = False

    def __init__(self, rendered, released, cuda_device: int):
        self.cuda_device = cuda_device
        self.rendered = CudaSemaphore(rendered, cuda_device)
        try:
            self.released = CudaSemaphore(released, cuda_device)
        except BaseException:
            self.rendered.close()
            raise

    def _stream(self) -> int:
        import torch

        return torch.cuda.current_stream(self.cuda_device).cuda_stream

    def wait_rendered(self, value: int) -> None:
        self.rendered.wait(value, self._stream())

    def signal_released(self, value: int) -> None:
        self.released.signal(value, self._stream())

    def close(self) -> None:
        try:
            self.released.close()
        finally:
            self.rendered.close()
