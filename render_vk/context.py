"""One Vulkan device and everything the renderer makes on it: kernel layout, hand-off, ring of
slots, pipeline caches, channel textures and their descriptor sets. The renderer holds one ``DeviceContext``; after a hang it abandons it
(``busy()``: still running the hung work, so it cannot be destroyed yet) and opens another.
``close()`` destroys in reverse creation order: pipelines (saving the disk cache), channel
sets and textures, slots (CUDA imports before Vulkan memory), hand-off, layout, device.
"""
from __future__ import annotations

import logging
from contextlib import ExitStack
from pathlib import Path

from . import timeline
from .config import RendererConfig
from .device import VulkanDevice
from .errors import RenderError, VulkanError
from .channel_sets import ChannelSets
from .handoff import FenceHandoff, HostConsumer, TimelineHandoff
from .pipeline import KernelLayout
from .pipelines import PersistentPipelineCache, PipelineCache
from .programs import ProgramTable
from .ring import SlotRing
from .textures import Textures

log = logging.getLogger(__name__)


class DeviceContext:
    """See the module doc. Attributes: ``device``, ``cuda_device`` (torch index or None),
    ``layout``, ``handoff``, ``ring``, ``textures``, ``channel_sets``, ``pipelines``."""

    def __init__(self, config: RendererConfig, table: ProgramTable, cache_dir: Path | None):
        self.config = config
        self._stack = ExitStack()
        self.cuda_device = None
        try:
            self._open(config, table, cache_dir)
        except BaseException:
            self._stack.close()
            raise

    def _open(self, config: RendererConfig, table: ProgramTable, cache_dir: Path | None) -> None:
        cuda = config.output == "cuda"
        from .interop_cuda import DEVICE_EXTENSIONS
        required = DEVICE_EXTENSIONS if cuda else ()
        if config.sync == "timeline" and not cuda:
            required += (timeline.EXTENSION,)
        optional = ((timeline.EXTENSION, timeline.EXPORT_EXTENSION)
                    if cuda and config.sync != "fence" else ())
        self.device = VulkanDevice(config.device, extensions=required, optional=optional)
        self._stack.callback(self.device.close)
        if cuda:
            from .interop_cuda import cuda_device_for
            self.cuda_device = cuda_device_for(self.device.info.uuid)
        self.layout = KernelLayout(self.device)
        self._stack.callback(self.layout.close)
        self.handoff = self._make_handoff()
        self._stack.callback(self.handoff.close)
        self.ring = SlotRing(self.device, self.layout, config.ring_size, self.handoff,
                             self.cuda_device, config.batch_timeout_s)
        self._stack.callback(self.ring.close)
        self.textures = Textures(self.device)
        self._stack.callback(self.textures.close)
        self.channel_sets = ChannelSets(self.device, self.layout, self.textures)
        self._stack.callback(self.channel_sets.close)
        folder = cache_dir / "pipelines" if cache_dir is not None and config.pipeline_cache \
            else None
        disk = PersistentPipelineCache(self.device, folder)
        self._stack.callback(disk.close)
        self.pipelines = PipelineCache(self.device, self.layout,
                                       config.budget_for(self.device.info.kind), disk,
                                       table.spirv, table.name)
        self._stack.callback(self.pipelines.close)
        from .simulation import Simulator

        self.simulator = Simulator(self, table, config)
        self._stack.callback(self.simulator.close)

    def _make_handoff(self):
        """The hand-off that ``RendererConfig.sync`` and the device allow (see handoff.py)."""
        sync, name = self.config.sync, self.device.info.name
        if self.cuda_device is None:
            if sync != "timeline":
                return FenceHandoff()
            return TimelineHandoff(self.device, lambda rendered, released: HostConsumer(
                rendered, released, self.config.batch_timeout_s), exportable=False)
        exportable = timeline.export_supported(self.device)
        if sync == "fence" or (sync == "auto" and not exportable):
            if sync == "auto":
                log.warning("%s cannot export timeline semaphores to CUDA: each batch is "
                            "handed over through a host fence", name)
            return FenceHandoff(self.cuda_device)
        if not exportable:
            raise RenderError(f"RendererConfig.sync='timeline': {name} cannot export timeline "
                              "semaphores as fds for CUDA; use sync='auto' or 'fence'")
        from .interop_cuda import CudaStreamConsumer

        return TimelineHandoff(self.device, lambda rendered, released: CudaStreamConsumer(
            rendered, released, self.cuda_device), exportable=True)

    @property
    def name(self) -> str:
        return self.device.info.name

    @property
    def is_cpu(self) -> bool:
        return self.device.info.kind == "CPU"

    def busy(self) -> bool:
        """Whether some submission on this device has not finished."""
        return (any(not s.stream.done() for s in self.ring.slots())
                or self.simulator.busy())

    def close(self) -> None:
        """Wait for the device, then destroy everything (see the module doc)."""
        try:
            self.device.wait_idle()
        except VulkanError:
            log.warning("device lost at close; destroying anyway")
        self._stack.close()
