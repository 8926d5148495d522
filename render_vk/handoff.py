"""How a slot's pixels reach their consumer, and how the slot comes back for the next batch.

The renderer keeps a ring of slots, each with a ``Lease``: the hand-off state of the batch its
pixels hold. A batch is handed out (``hand_out``, from ``PendingRender.result()``); later its
consumer says it is done with the pixels (``release``: everything the consumer queued until then
may still read them); only then may a new batch be rendered into the slot (``before_submit``).
A slot whose batch was handed out and not released is never rendered into (``ring.py`` raises
instead), so zero-copy images are never overwritten under a reader.

``FenceHandoff``: the host waits for the batch's fence before handing it out.
  - Without a CUDA device the consumer is the host itself, so a release needs nothing.
  - With one (output "cuda" where the driver cannot export timeline semaphores), a release
    records a CUDA event on the consumer's stream, and reuse waits for that event on the host.

``TimelineHandoff``: nobody waits on the host. Two timeline semaphores: the device signals
``rendered = serial`` when a batch is done; the consumer signals ``released`` (a counter of its
own) once it is done with a slot, and the batch that reuses the slot waits for that value on the
device. With CUDA both are imported and used on torch's current stream at the time of the call,
so rendering batch n+1 overlaps training on batch n and the tensor is ordered on that stream.
Call ``result()`` and ``release()`` with the stream that reads the images current: a release
queued on another stream does not wait for that reading.
Without CUDA the host plays the consumer (``HostConsumer``): the same protocol, checked on
lavapipe. The host still waits for a batch's fence when its slot is reused (its command buffer
is then rewritten); by then that batch has long finished. An error of a batch handed out before
it finished (a hang) is raised by that later call.
"""
from __future__ import annotations

import logging

import torch

from .errors import RenderError
from .timeline import TimelineSemaphore

log = logging.getLogger(__name__)


class Lease:
    """The hand-off state of one slot's pixels (owned and changed by the hand-offs here)."""

    __slots__ = ("serial", "handed_out", "released", "release_mark")

    def __init__(self):
        self.serial = 0              # timeline value the device signals when the batch is done
        self.handed_out = False      # result() gave the images to a consumer
        self.released = False        # the consumer said it is done with them
        self.release_mark = None     # what reuse waits for: a CUDA event or a timeline value

    @property
    def held(self) -> bool:
        """Handed out and not released: the slot must not be rendered into."""
        return self.handed_out and not self.released

    def reset(self) -> None:
        self.handed_out, self.released, self.release_mark = False, False, None


class FenceHandoff:
    """Host-fence hand-off; ``cuda_device`` set when the pixels live in CUDA memory."""

    waits_on_host = True

    def __init__(self, cuda_device: int | None = None):
        self.cuda_device = cuda_device

    def before_submit(self, lease: Lease) -> tuple[list, list]:
        """Make the slot writable again (a released lease); returns (waits, signals) for the
        submission."""
        if lease.release_mark is not None:
            lease.release_mark.synchronize()
        lease.reset()
        return [], []

    def retire(self, lease: Lease, timeout_s: float) -> None:
        """Before the slot's memory is freed: wait on the host until the consumer is done."""
        if lease.held:
            self.release(lease)
        self.before_submit(lease)

    def hand_out(self, lease: Lease) -> None:
        lease.handed_out = True

    def release(self, lease: Lease) -> None:
        if not lease.held:
            return
        lease.released = True
        if self.cuda_device is not None:
            event = torch.cuda.Event()
            event.record(torch.cuda.current_stream(self.cuda_device))
            lease.release_mark = event

    def close(self) -> None:
        pass


class HostConsumer:
    """The host as the consumer of a timeline hand-off (CPU output)."""

    waits_on_host = True  # the host waits for the batch's fence before hand-out

    def __init__(self, rendered: TimelineSemaphore, released: TimelineSemaphore,
                 timeout_s: float):
        self.rendered, self.released, self.timeout_s = rendered, released, timeout_s

    def wait_rendered(self, value: int) -> None:
        if not self.rendered.wait(value, self.timeout_s):
            raise RenderError(f"timeline hand-off: batch {value} was not signalled rendered "
                              f"within {self.timeout_s} s although its fence was")

    def signal_released(self, value: int) -> None:
        self.released.signal(value)

    def close(self) -> None:
        pass


class TimelineHandoff:
    """Timeline-semaphore hand-off (see module doc). ``consumer`` waits for ``rendered`` and
    signals ``released``: ``HostConsumer`` or ``interop_cuda.CudaStreamConsumer``."""

    def __init__(self, device, consumer_factory, *, exportable: bool):
        """``consumer_factory(rendered, released)`` makes the consumer; it has
        ``waits_on_host``, ``wait_rendered(value)``, ``signal_released(value)``, ``close()``."""
        self.rendered = TimelineSemaphore(device, exportable=exportable)
        self.released = TimelineSemaphore(device, exportable=exportable)
        try:
            self.consumer = consumer_factory(self.rendered, self.released)
        except BaseException:
            self.released.close()
            self.rendered.close()
            raise
        self._serial = 0     # last value the device was asked to signal on ``rendered``
        self._releases = 0   # last value the consumer was asked to signal on ``released``

    @property
    def waits_on_host(self) -> bool:
        return self.consumer.waits_on_host

    def before_submit(self, lease: Lease) -> tuple[list, list]:
        waits = []
        if lease.release_mark is not None:
            waits.append((self.released.semaphore, lease.release_mark))
        self._serial += 1
        lease.reset()
        lease.serial = self._serial
        return waits, [(self.rendered.semaphore, self._serial)]

    def retire(self, lease: Lease, timeout_s: float) -> None:
        """Before the slot's memory is freed: wait on the host until the consumer is done."""
        if lease.held:
            self.release(lease)
        if lease.release_mark is not None and not self.released.wait(lease.release_mark,
                                                                     timeout_s):
            log.warning("the consumer did not release a slot within %.1f s; freeing it anyway",
                        timeout_s)
        lease.reset()

    def hand_out(self, lease: Lease) -> None:
        self.consumer.wait_rendered(lease.serial)
        lease.handed_out = True

    def release(self, lease: Lease) -> None:
        if not lease.held:
            return
        self._releases += 1
        self.consumer.signal_released(self._releases)
        lease.released, lease.release_mark = True, self._releases

    def close(self) -> None:
        """CUDA's imports first, then the Vulkan semaphores."""
        try:
            self.consumer.close()
        finally:
            self.released.close()
            self.rendered.close()
