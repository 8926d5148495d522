"""Pipelines on demand: created when a request first needs them, at most a budget alive (least
recently used destroyed first, never one an in-flight batch uses), through a ``VkPipelineCache``
that persists on disk per device so that a second run skips the driver's own compilation.

The on-disk file is ``<cache dir>/pipelines/<vendor>-<device>-<driver>-<cacheUUID>.bin``: a
magic, the SHA-256 of the data and the driver's data. A file that is damaged, or written by
another driver, is ignored with a warning (the run goes on with an empty cache).
"""
from __future__ import annotations

import hashlib
import logging
import os
import struct
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import vulkan as vk

from glsl_transpile.plumbing.atomic import write_bytes

from .errors import VulkanError
from .pipeline import create_pipeline
from .vkcall import vk_errors

log = logging.getLogger(__name__)

_MAGIC = b"RVKPC001"
_HEADER = struct.Struct("<IIII16s")  # Vulkan's cache header: size, version, vendor, device, UUID


@dataclass
class PipelineCounters:
    """What the pipeline cache did (``Renderer.status()`` reports it)."""

    live: int = 0
    peak_live: int = 0
    created: int = 0
    evicted: int = 0
    disk_bytes_loaded: int = 0


class PersistentPipelineCache:
    """A ``VkPipelineCache`` filled from, and saved back to, one file per device."""

    def __init__(self, device, folder: Path | None):
        self.device = device
        self.path = None if folder is None else folder / _file_name(device)
        self.loaded_bytes = 0
        initial = self._read() if self.path is not None else b""
        info = vk.VkPipelineCacheCreateInfo(
            initialDataSize=len(initial),
            pInitialData=vk.ffi.from_buffer(initial) if initial else vk.ffi.NULL)
        with vk_errors("vkCreatePipelineCache", size_bytes=len(initial)):
            self.handle = vk.vkCreatePipelineCache(device.device, info, None)
        self.loaded_bytes = len(initial)

    def _read(self) -> bytes:
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            return b""
        except OSError as err:
            log.warning("pipeline cache %s unreadable (%s): starting empty", self.path, err)
            return b""
        data = blob[len(_MAGIC) + 32:]
        if (blob[:len(_MAGIC)] != _MAGIC or hashlib.sha256(data).digest() != blob[8:40]
                or not self._header_matches(data)):
            log.warning("pipeline cache %s is damaged or from another driver: ignored, "
                        "starting empty", self.path)
            return b""
        return data

    def _header_matches(self, data: bytes) -> bool:
        if len(data) < _HEADER.size:
            return False
        size, version, vendor, device_id, uuid = _HEADER.unpack_from(data)
        props = self.device.properties
        return (size >= _HEADER.size and version == vk.VK_PIPELINE_CACHE_HEADER_VERSION_ONE
                and vendor == props.vendorID and device_id == props.deviceID
                and uuid == bytes(vk.ffi.buffer(props.pipelineCacheUUID, vk.VK_UUID_SIZE)))

    def data(self) -> bytes:
        """The driver's current cache data."""
        size = vk.ffi.new("size_t*")
        lib, dev = vk.lib, self.device.device
        if lib.vkGetPipelineCacheData(dev, self.handle, size, vk.ffi.NULL) != vk.VK_SUCCESS:
            return b""
        buf = vk.ffi.new("char[]", size[0])
        if lib.vkGetPipelineCacheData(dev, self.handle, size, buf) not in (vk.VK_SUCCESS,
                                                                          vk.VK_INCOMPLETE):
            return b""
        return bytes(vk.ffi.buffer(buf, size[0]))

    def save(self) -> None:
        """Write the cache back to its file (atomically); a failure is logged, not raised."""
        if self.path is None:
            return
        data = self.data()
        try:
            write_bytes(self.path, _MAGIC + hashlib.sha256(data).digest() + data)
        except OSError as err:
            log.warning("cannot save pipeline cache %s: %s", self.path, err)

    def close(self) -> None:
        if self.handle is not None:
            vk.vkDestroyPipelineCache(self.device.device, self.handle, None)
            self.handle = None


def _file_name(device) -> str:
    props = device.properties
    uuid = bytes(vk.ffi.buffer(props.pipelineCacheUUID, vk.VK_UUID_SIZE)).hex()
    return f"{props.vendorID:04x}-{props.deviceID:04x}-{props.driverVersion:08x}-{uuid}.bin"


class PipelineCache:
    """Pipelines by program index: ``acquire`` creates what is missing and pins everything a
    batch uses; ``unpin`` when that batch is known finished. At most ``budget`` pipelines
    stay alive, except while the pinned ones alone exceed it (see ``acquire``)."""

    def __init__(self, device, layout, budget: int, disk: PersistentPipelineCache,
                 spirv_of: Callable[[int], bytes], name_of: Callable[[int], str]):
        self.device, self.layout, self.budget, self.disk = device, layout, budget, disk
        self._spirv_of, self._name_of = spirv_of, name_of
        self._live: OrderedDict[int, tuple[object, Callable[[], None]]] = OrderedDict()
        self._pins: dict[int, int] = {}
        self._threads = max(1, os.cpu_count() or 1)
        self.counters = PipelineCounters(disk_bytes_loaded=disk.loaded_bytes)

    def acquire(self, indices: Iterable[int]) -> dict[int, object]:
        """Pipelines of ``indices`` (each pinned once more). The missing ones are made in
        parallel threads (the driver compiles them; cffi releases the GIL). Creating one may
        raise ``VulkanError`` (nothing stays pinned then); the caller marks that program."""
        wanted = list(dict.fromkeys(indices))
        for index in wanted:
            if index in self._live:
                self._live.move_to_end(index)
                self._pins[index] = self._pins.get(index, 0) + 1
        try:
            self._create([i for i in wanted if i not in self._live])
        except BaseException:
            self.unpin([i for i in wanted if self._pins.get(i)])
            raise
        return {index: self._live[index][0] for index in wanted}

    def _create(self, missing: list[int]) -> None:
        """Make (and pin) the pipelines of ``missing``, after making room for them."""
        if not missing:
            return
        self._make_room(len(missing))
        with ThreadPoolExecutor(max_workers=min(len(missing), self._threads)) as pool:
            futures = {i: pool.submit(self._make, i) for i in missing}
        errors = []
        for index, future in futures.items():
            try:
                self._live[index] = future.result()
                self._pins[index] = self._pins.get(index, 0) + 1
                self.counters.created += 1
            except VulkanError as err:
                errors.append(err)
        c = self.counters
        c.live = len(self._live)
        c.peak_live = max(c.peak_live, c.live)
        if errors:
            raise errors[0]

    def _make(self, index: int):
        return create_pipeline(self.device, self.layout, self._spirv_of(index),
                               self._name_of(index), cache=self.disk.handle)

    def _make_room(self, needed: int) -> None:
        """Destroy unpinned pipelines, least recently used first, until ``needed`` more fit."""
        for index in list(self._live):
            if len(self._live) + needed <= self.budget:
                break
            if not self._pins.get(index):
                self._live.pop(index)[1]()
                self.counters.evicted += 1
        self.counters.live = len(self._live)

    def unpin(self, indices: Iterable[int]) -> None:
        for index in indices:
            left = self._pins.get(index, 0) - 1
            if left > 0:
                self._pins[index] = left
            else:
                self._pins.pop(index, None)

    def pinned(self) -> int:
        return len(self._pins)

    def forget(self, index: int) -> None:
        """Destroy ``index``'s pipeline now (it failed); it must not be pinned."""
        entry = self._live.pop(index, None)
        if entry is not None:
            entry[1]()
        self.counters.live = len(self._live)

    def close(self) -> None:
        """Save the disk cache, then destroy every pipeline (the device must be idle)."""
        self.disk.save()
        while self._live:
            self._live.popitem()[1][1]()
        self.counters.live = 0
