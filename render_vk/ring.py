"""The ring of slots: per in-flight batch its buffers, descriptor set and command stream
(``Slot``), reused in turn and grown when a larger request arrives (``SlotRing``).

A slot is rendered into again only once its previous batch has finished on the device and, if
that batch was handed out, its consumer has released it (the ``Lease``); a held slot is an error,
never a silent overwrite. A slot that grows keeps its old buffers mapped until the ring closes, so
a stale view of them still reads the old pixels instead of freed memory.
"""
from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

import vulkan as vk

from glsl_transpile.abi import FRAME_BYTES

from .dispatch import CommandStream
from .errors import RenderError
from .handoff import Lease
from .interop_cpu import mapped_tensor
from .memory import HostBuffer
from .pipeline import DescriptorSets

if TYPE_CHECKING:
    from .pending import PendingRender


class Slot:
    """Buffers, descriptor set and command stream for one in-flight batch."""

    def __init__(self, device, layout, images: int, pixels: int, params: int,
                 cuda_device: int | None):
        self._stack = ExitStack()
        try:
            self.frames = HostBuffer(device, FRAME_BYTES * max(images, 1), cached=False)
            self._stack.callback(self.frames.close)
            self.params = HostBuffer(device, 4 * max(params, 4), cached=False)
            self._stack.callback(self.params.close)
            self.pixels, self.flat = self._pixel_buffer(device, 4 * max(pixels, 1), cuda_device)
            self.sets = DescriptorSets(device, layout, 1)
            self._stack.callback(self.sets.close)
            self.sets.bind(0, self.frames.buffer, self.pixels.buffer, self.params.buffer)
            self.stream = CommandStream(device, layout)
            self._stack.callback(self.stream.close)
        except BaseException:
            self._stack.close()
            raise
        self.capacity = (images, pixels, max(params, 4))
        self.lease = Lease()
        self.pending: PendingRender | None = None  # submitted, not yet waited for on the host
        self.holder: PendingRender | None = None   # whose batch the pixels hold
        self.pinned: list[int] = []                # programs whose pipelines the batch uses
        self._device = device
        self.snapshots: HostBuffer | None = None   # multi-pass snapshots, copied into pixels

    def snapshot_buffer(self, size_bytes: int) -> HostBuffer:
        """The slot's buffer of multi-pass snapshots (``simulation``), at least ``size_bytes``;
        the slot's previous batch has finished, so it is free."""
        if self.snapshots is None or self.snapshots.size_bytes < size_bytes:
            if self.snapshots is not None:
                self.snapshots.close()
            self.snapshots = HostBuffer(self._device, 2 * size_bytes,
                                        usage=vk.VK_BUFFER_USAGE_TRANSFER_SRC_BIT, cached=False)
        return self.snapshots

    def _pixel_buffer(self, device, size_bytes: int, cuda_device: int | None):
        """(buffer, flat uint8 tensor over it): mapped host memory, or GPU memory in CUDA."""
        if cuda_device is None:
            buf = HostBuffer(device, size_bytes)
            self._stack.callback(buf.close)
            return buf, mapped_tensor(buf.array)
        from .interop_cuda import CudaImport, ExportableBuffer

        buf = ExportableBuffer(device, size_bytes)
        self._stack.callback(buf.close)
        imported = CudaImport(buf, cuda_device)
        self._stack.callback(imported.close)  # CUDA side is torn down before the Vulkan side
        return buf, imported.tensor

    def fits(self, images: int, pixels: int, params: int) -> bool:
        return all(need <= have for need, have in zip((images, pixels, params), self.capacity))

    def close(self) -> None:
        for pending in (self.pending, self.holder):
            if pending is not None:
                pending.invalidate()
        if self.snapshots is not None:
            self.snapshots.close()
        self._stack.close()


class SlotRing:
    """``size`` slots used in turn; see the module doc for when a slot may be reused."""

    def __init__(self, device, layout, size: int, handoff, cuda_device: int | None,
                 timeout_s: float):
        self.device, self.layout, self.handoff = device, layout, handoff
        self.cuda_device, self.timeout_s = cuda_device, timeout_s
        self._slots: list[Slot | None] = [None] * size
        self._next = 0
        self._retired: list[Slot] = []

    def __len__(self) -> int:
        return len(self._slots)

    def acquire(self, images: int, pixels: int, params: int) -> Slot:
        """The next slot, big enough, its previous batch finished and released.

        Raises:
            RenderError: that batch is still held by its consumer (``PendingRender.release``
                not called), or it failed after its images were handed out (a hang that the
                host learns of only now).
        """
        i = self._next
        slot = self._slots[i]
        if slot is not None:
            if slot.lease.held:
                raise RenderError(
                    f"all {len(self._slots)} ring slots hold images that were handed out and "
                    "not released: call release() on a PendingRender when done with its images "
                    "(or use Renderer.render(), which returns images you own)")
            self.settle(slot)
        self._next = (i + 1) % len(self._slots)
        if slot is None or not slot.fits(images, pixels, params):
            if slot is not None:
                self.handoff.retire(slot.lease, self.timeout_s)
                self._retired.append(slot)  # its views stay readable until close()
            grow = 1 if slot is None else 2  # amortise growth
            slot = Slot(self.device, self.layout, images * grow, pixels * grow, params * grow,
                        self.cuda_device)
            self._slots[i] = slot
        return slot

    @staticmethod
    def settle(slot: Slot) -> None:
        """Wait for the slot's batch on the host; raise its error if it was handed out."""
        pending = slot.pending
        if pending is not None:
            pending.wait()
            if pending.handed_out and pending.error is not None:
                raise pending.error

    def in_flight(self) -> list[Slot]:
        """Slots whose batch was submitted and not yet waited for, oldest first."""
        order = self._slots[self._next:] + self._slots[:self._next]
        return [s for s in order if s is not None and s.pending is not None]

    def slots(self) -> list[Slot]:
        """Every slot, retired ones included."""
        return [s for s in self._slots if s is not None] + self._retired

    def close(self) -> None:
        """Release every slot (waiting for consumers, bounded) and free its memory."""
        slots = [s for s in self._slots if s is not None] + self._retired
        self._slots, self._retired = [None] * len(self._slots), []
        for slot in slots:
            try:
                self.handoff.retire(slot.lease, self.timeout_s)
            finally:
                slot.close()
