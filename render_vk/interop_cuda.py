"""Hand-off to torch on an NVIDIA GPU: Vulkan memory exported as a POSIX fd, imported into CUDA.

The Vulkan half (``ExportableBuffer``: a device-local storage buffer in a dedicated, exportable
allocation, and its opaque fd) is tested on lavapipe, which has VK_KHR_external_memory_fd. The
CUDA half (``CudaImport``: ``cudaImportExternalMemory`` + ``cudaExternalMemoryGetMappedBuffer``
from cuda-bindings, wrapped as a CuPy array and handed to torch through DLPack) NEEDS A GPU AND
HAS NOT RUN YET: issue 4 finishes it on a lent GPU machine.

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


def cuda_device_for(vulkan_uuid: bytes) -> int:
    """The torch CUDA device index whose UUID is the Vulkan device's ``deviceUUID``."""
    import torch

    for i in range(torch.cuda.device_count()):
        uuid = torch.cuda.get_device_properties(i).uuid
        if bytes(getattr(uuid, "bytes", uuid)) == bytes(vulkan_uuid):
            return i
    raise DeviceNotFoundError(
        f"no CUDA device has the Vulkan device's UUID {vulkan_uuid.hex()} "
        f"({torch.cuda.device_count()} CUDA devices visible; check CUDA_VISIBLE_DEVICES)")


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
