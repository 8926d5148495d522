"""Stopping a run cleanly on Ctrl-C or SIGTERM.

While the training loop runs, the first SIGINT or SIGTERM only asks it to stop: the loop ends the
step it is in, saves a checkpoint at that step, exports the backbone and returns, and the command
line exits with status 130. A resumed run then continues from exactly that step. A second signal,
or one that arrives outside the loop (while programs compile, say), stops the process at once
with ``KeyboardInterrupt``.

DataLoader workers ignore SIGINT (``ignore_stop_signals`` is their ``worker_init_fn``): a
terminal's Ctrl-C reaches the whole process group, and a worker that died of it would break the
batch the loop is still waiting for. They keep SIGTERM's default, since that is how Python ends
workers left running at exit; a SIGTERM sent to the whole group (a batch scheduler's) may kill
them. Once a stop is requested, worker deaths are expected: the SIGCHLD handler through which
torch raises them in the middle of any statement is set aside (until the handlers are
restored), so the step in progress ends normally, and a batch that can no longer be fetched
ends the data, not the run (the engine stops at the last step it finished).
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """Whether a stop was asked for, and by which signal (see the module doc)."""

    def __init__(self) -> None:
        self.signal_name: str | None = None
        self._deferring = False
        self._sigchld = None  # the SIGCHLD handler set aside by the stop request

    @property
    def requested(self) -> bool:
        return self.signal_name is not None

    def request(self, name: str) -> None:
        """Ask the loop to stop after its current step (what a signal does)."""
        self.signal_name = self.signal_name or name

    def _handle(self, signum: int, frame) -> None:
        name = signal.Signals(signum).name
        if not self._deferring or self.requested:
            raise KeyboardInterrupt
        self.request(name)
        self._sigchld = signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        log.warning("%s: stopping after this step with a checkpoint (send it again to stop at "
                    "once, without one)", name)

    @contextmanager
    def installed(self) -> Iterator[StopRequest]:
        """Handle SIGINT and SIGTERM for the duration (main thread only), then restore the
        previous handlers."""
        previous = {s: signal.signal(s, self._handle) for s in STOP_SIGNALS}
        try:
            yield self
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            if self._sigchld is not None:
                signal.signal(signal.SIGCHLD, self._sigchld)

    @contextmanager
    def deferring(self) -> Iterator[None]:
        """Inside: a signal sets the request instead of interrupting."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False


def ignore_stop_signals(worker_id: int = 0) -> None:
    """``worker_init_fn`` of DataLoaders: the worker ignores SIGINT (see the module doc)."""
    del worker_id
    signal.signal(signal.SIGINT, signal.SIG_IGN)
