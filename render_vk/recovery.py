"""Hang recovery, the Renderer's part that runs when a submission misses ``batch_timeout_s``:
the culprit is named (from the batch's progress count, else by rendering each suspect's
samples alone, with the deadline each), marked ``timeout``, and the hung device is abandoned
for a fresh one without waiting for the hung work; abandoned devices are destroyed once their
work has ended."""
from __future__ import annotations

import logging
import time

from .batch_records import Group, times_of
from .config import RenderRequest
from .context import DeviceContext
from .errors import RenderTimeoutError
from .ring import Slot
from .watchdog import running_dispatch

log = logging.getLogger("render_vk.renderer")


class HangRecovery:
    """Mixed into ``Renderer`` (which has ``config``, ``_table``, ``_ctx``, ``_abandoned``,
    ``_submit`` and ``_cache_root``)."""

    # -- hangs ---------------------------------------------------------------------------------
    def _recover(self, ctx: DeviceContext, slot: Slot, req: RenderRequest,
                 groups: list[Group]) -> list[str]:
        """After a batch missed its deadline: name the culprit (from the batch's timestamps,
        else by rendering each program alone), stop it, and replace the device."""
        running = running_dispatch(slot.stream.dispatches_done(), len(groups))
        if running is not None:
            return self._recover_programs(ctx, req, [groups[running][0]])
        return self._recover_programs(ctx, req, [p for p, _ in groups])

    def _recover_programs(self, ctx: DeviceContext, req: RenderRequest,
                          suspects: list[int]) -> list[str]:
        """Replace the hung device; the culprit is the one suspect, else whichever suspects
        hang (or the slowest) when each renders its samples of ``req`` alone."""
        log.warning("a submission of %d programs ran past %.1f s; recovering", len(suspects),
                    self.config.batch_timeout_s)
        self._abandon(ctx)
        culprits = suspects if len(suspects) == 1 else self._isolate(
            [(p, times_of(req, p)) for p in suspects], req.width, req.height)
        for prog in culprits:
            self._table.mark(prog, "timeout", f"did not finish within "
                                              f"{self.config.batch_timeout_s:g} s")
        return [self._table.name(p) for p in culprits]

    def _isolate(self, shares: list[tuple[int, list[float]]], width: int,
                 height: int) -> list[int]:
        """Render each program's share alone (deadline each); those that time out are to
        blame, else the slowest. Bounded: at most one deadline per program."""
        timings = {}
        for prog, times in shares:
            timings[prog] = self._time_alone(prog, times, width, height)
        culprits = [p for p, t in timings.items() if t is None]
        return culprits or [max(timings, key=timings.get)]

    def _time_alone(self, prog: int, times: list[float], width: int,
                    height: int) -> float | None:
        """Wall seconds to render ``prog`` at ``times`` alone; None if it hangs (its own
        recovery then marks it and replaces the device)."""
        start = time.perf_counter()
        try:
            pending = self._submit(RenderRequest([prog] * len(times), times, width, height))
        except RenderTimeoutError:  # a simulation hangs inside submit
            return None
        pending.wait()
        pending.release()
        if isinstance(pending.error, RenderTimeoutError):
            return None
        return time.perf_counter() - start

    def _abandon(self, ctx: DeviceContext) -> None:
        """Leave ``ctx`` (busy with hung work) and open a fresh device context."""
        for slot in ctx.ring.slots():
            if slot.pending is not None:
                slot.pending.abandon()
        self._abandoned.append(ctx)
        self._reap()
        self._ctx = DeviceContext(self.config, self._table, self._cache_root())
        log.warning("abandoned a hung device; rendering goes on with a fresh one (%s)",
                    self.device_name)

    def _reap(self, final: bool = False) -> None:
        """Destroy abandoned devices whose hung work has ended."""
        for ctx in list(self._abandoned):
            if not ctx.busy():
                self._abandoned.remove(ctx)
                ctx.close()
        if final and self._abandoned:
            log.warning("%d abandoned device(s) still run hung work; left to process exit",
                        len(self._abandoned))
