"""``PendingRender``: a submitted request, and the lease on the slot that holds its images.

``result()`` returns the images as a zero-copy view of the slot; they stay valid, and the slot
is not rendered into, until ``release()`` (or leaving a ``with`` block). After that the view must
not be read; ``result()`` then raises. ``Renderer.render()`` wraps all of it and returns images
the caller owns.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import torch

from .errors import RenderError
from .interop_cpu import rgba_to_tensor

if TYPE_CHECKING:
    from .config import RenderRequest
    from .ring import Slot


class PendingRender:
    """A submitted request (see module doc)."""

    def __init__(self, slot: Slot, request: RenderRequest, handoff,
                 finish: Callable[[], None]):
        """``finish()`` waits on the host for the batch (raising ``RenderError`` on a hang or
        a program that failed while rendering it); ``handoff`` is the slot's hand-off."""
        self._slot, self.request, self._handoff, self._finish = slot, request, handoff, finish
        self._finished = False
        self._released = False
        self._images: torch.Tensor | None = None
        self.error: Exception | None = None
        slot.pending = slot.holder = self

    def wait(self) -> None:
        """Wait on the host for the device (once); errors are kept for ``result()``."""
        if self._finished:
            return
        self._finished = True
        try:
            self._finish()
        except RenderError as err:
            self.error = err
        finally:
            if self._slot.pending is self:
                self._slot.pending = None

    @property
    def handed_out(self) -> bool:
        return self._images is not None

    def result(self) -> torch.Tensor:
        """``(N, 3, H, W) uint8``, a view of the slot valid until ``release()``; raises what
        rendering raised (``RenderTimeoutError``...). With a timeline hand-off to CUDA it
        returns at once: the images are ready for work queued after this call on torch's
        current stream."""
        if self._released:
            raise RenderError("result() after release(): the slot may hold other images now")
        if self._images is None and self.error is None and self._slot.holder is not self:
            self.error = RenderError("this request's slot was rendered into again before "
                                     "result() was called")
        if self._images is None and self.error is None:
            if self._handoff.waits_on_host:
                self.wait()
            if self.error is None:
                self._handoff.hand_out(self._slot.lease)
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
        self.wait()
        return self._slot.stream.dispatch_seconds()

    def release(self) -> None:
        """The consumer is done with the images (for CUDA: once the work queued so far on
        torch's current stream is done), so the slot can be rendered into again. Idempotent."""
        if self._released:
            return
        self._released = True
        if self._slot.holder is self and self.handed_out:
            self._handoff.release(self._slot.lease)

    def __enter__(self) -> PendingRender:
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def abandon(self) -> None:
        """Its device was abandoned after a hang: never wait for it again."""
        self._finished = True
        self.invalidate()
        if self._slot.pending is self:
            self._slot.pending = None

    def invalidate(self) -> None:
        """The slot is being destroyed (device rebuilt or renderer closed)."""
        if self._images is None and self.error is None:
            self.error = RenderError("render was in flight when the device was rebuilt or "
                                     "the renderer closed; submit it again")
