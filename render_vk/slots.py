"""Ring slots of the renderer: per in-flight batch its buffers, descriptor set and command
stream (``Slot``), and the handle of a submitted request (``PendingRender``)."""
from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

import torch

from glsl_transpile.abi import FRAME_BYTES

from .dispatch import CommandStream
from .errors import RenderError
from .interop_cpu import mapped_tensor, rgba_to_tensor
from .memory import HostBuffer
from .pipeline import DescriptorSets

if TYPE_CHECKING:
    from .renderer import Renderer, RenderRequest

class Slot:
    """Buffers, descriptor set and command stream for one in-flight batch."""

    def __init__(self, device, layout, images: int, pixels: int, cuda_device: int | None,
                 params: int = 0):
        self._stack = ExitStack()
        try:
            self.frames = HostBuffer(device, FRAME_BYTES * max(images, 1), cached=False)
            self._stack.callback(self.frames.close)
            self.params = HostBuffer(device, 4 * max(params, 4), cached=False)
            self._stack.callback(self.params.close)
            self.pixels, self.flat = self._pixel_buffer(device, max(4 * pixels, 4), cuda_device)
            self.sets = DescriptorSets(device, layout, 1)
            self._stack.callback(self.sets.close)
            self.sets.bind(0, self.frames.buffer, self.pixels.buffer, self.params.buffer)
            self.stream = CommandStream(device, layout)
            self._stack.callback(self.stream.close)
        except BaseException:
            self._stack.close()
            raise
        self.images, self.pixel_capacity, self.param_capacity = images, pixels, max(params, 4)
        self.pending: PendingRender | None = None  # submitted, not yet waited for on the host
        self.holder: PendingRender | None = None   # whose batch the pixels hold
        self.serial = 0              # hand-off state (handoff.py)
        self.handed_out = False
        self.release_mark = None

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

    def fits(self, images: int, pixels: int, params: int = 0) -> bool:
        return (images <= self.images and pixels <= self.pixel_capacity
                and params <= self.param_capacity)

    def close(self) -> None:
        if self.pending is not None:
            self.pending.invalidate()
        self._stack.close()


class PendingRender:
    """A submitted request. ``result()`` returns the images tensor; ``release()`` says the
    consumer is done with it (see ``handoff.py``)."""

    def __init__(self, renderer: "Renderer", slot: Slot, dispatches, groups,
                 request: RenderRequest):
        self._renderer, self._slot = renderer, slot
        self._dispatches, self._groups, self.request = dispatches, groups, request
        self._finished = False
        self._images: torch.Tensor | None = None
        self.error: Exception | None = None

    def wait(self) -> None:
        """Wait on the host for the device (once); errors are kept for ``result()``."""
        if self._finished:
            return
        self._finished = True
        try:
            self._renderer._finish(self._slot, self._dispatches, self._groups)
        except RenderError as err:
            self.error = err
        finally:
            if self._slot.pending is self:
                self._slot.pending = None

    @property
    def handed_out(self) -> bool:
        return self._images is not None

    def result(self) -> torch.Tensor:
        """``(N, 3, H, W) uint8`` (valid until this slot is reused); raises what rendering
        raised (``RenderTimeoutError``...). With a timeline hand-off to CUDA it returns at once:
        the images are ready for work queued after this call on torch's current stream."""
        if self._images is None and self.error is None and self._slot.holder is not self:
            self.error = RenderError(f"result() came after {len(self._renderer._slots)} later "
                                     "submissions reused this request's slot; call result() "
                                     "sooner or raise RendererConfig.ring_size")
        if self._images is None and self.error is None:
            handoff = self._renderer.handoff
            if handoff.waits_on_host:
                self.wait()
            if self.error is None:
                handoff.hand_out(self._slot)
                req = self.request
                self._images = rgba_to_tensor(self._slot.flat, len(req.programs), req.height,
                                              req.width)
        if self.error is not None:
            raise self.error
        return self._images

    def dispatch_seconds(self) -> list[float] | None:
        """Device seconds of each dispatch, if timed (waits for the device); None once the
        slot was reused."""
        if self._slot.holder is not self:
            return None
        return self._slot.stream.dispatch_seconds()

    def release(self) -> None:
        """The consumer is done with the images (for CUDA: once the work queued so far on
        torch's current stream is done), so the slot can be rendered into again without
        waiting for the consumer's later work. Optional: reuse releases implicitly."""
        if self._slot.holder is self and self.handed_out:
            self._renderer.handoff.release(self._slot)

    def invalidate(self) -> None:
        """The slot is being destroyed (device rebuilt or renderer closed)."""
        if self._images is None and self.error is None:
            self.error = RenderError("render was in flight when the device was rebuilt or "
                                     "the renderer closed; submit it again")
