"""The device state of one multi-pass program instance in a simulation: its double-buffered
RGBA32F buffer images, the set-1 descriptor set of each pass for each frame parity, and its
pipelines (pinned while it runs).

Which image a read sees (docs/DESIGN.md, rule 3): frame k writes buffer X into image
``k % 2`` of X's pair. A pass reading X sees X's newest content: image ``k % 2`` if X's pass
ran earlier in this frame (the Image pass sees every buffer so), else image ``(k + 1) % 2``,
the previous frame's (zeros before frame 0; a buffer reading itself sees its previous frame).
So each pass has one descriptor set per frame parity, written once.
"""
from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field

import vulkan as vk

from glsl_transpile.media import BUFFER
from glsl_transpile.multipass import PassPlan

from .textures import BUFFER_TEXEL_BYTES, ImageArena, buffer_spec

_GENERAL = vk.VK_IMAGE_LAYOUT_GENERAL


@dataclass
class Target:
    """A frame to snapshot: its Image pass goes into snapshot ``snapshot`` and from there to
    the request's output images ``outputs``."""

    frame: int
    snapshot: int
    outputs: list[int] = field(default_factory=list)


@dataclass
class Job:
    """One program's share of a request: its targets, sorted by frame, and its flag word (set
    when a buffer pass ran into the loop cap)."""

    program: int
    targets: list[Target]
    flag_word: int

    @property
    def last_frame(self) -> int:
        return self.targets[-1].frame


def instance_bytes(plan: PassPlan, width: int, height: int) -> int:
    """Device memory an instance's buffers take (two images per buffer, mip chains)."""
    level0 = width * height * BUFFER_TEXEL_BYTES
    return sum(2 * (level0 * 4 // 3 if b in plan.mipmapped else level0) for b in plan.buffers)


class Instance:
    """A running program (see the module doc). ``frame`` is the next frame it runs."""

    def __init__(self, ctx, job: Job, plan: PassPlan, pipelines: dict, width: int,
                 height: int):
        self.job, self.plan, self.pipelines = job, plan, pipelines
        self.width, self.height = width, height
        self.frame = 0
        self.seconds_per_frame: float | None = None
        self._targets = iter(job.targets)
        self.next_target: Target | None = next(self._targets)
        self._stack = ExitStack()
        try:
            self._make(ctx)
        except BaseException:
            self._stack.close()
            raise

    def _make(self, ctx) -> None:
        order = sorted(self.plan.buffers)
        arena = ImageArena(ctx.device, [buffer_spec(self.width, self.height,
                                                    b in self.plan.mipmapped)
                                        for b in order for _ in range(2)])
        self._stack.callback(arena.close)
        self.images = {b: (arena.images[2 * i], arena.images[2 * i + 1])
                       for i, b in enumerate(order)}
        units = self.plan.units
        writer = {u.writes: i for i, u in enumerate(units) if u.writes >= 0}
        self.unit_writing = writer
        handles = ctx.channel_sets.allocate(2 * len(units))
        self._stack.callback(ctx.channel_sets.free, handles)
        self.sets = {}
        for i, unit in enumerate(units):
            for parity in (0, 1):
                _, handle = handles[2 * i + parity]
                channels = [self._channel(ctx, b, writer, i, parity) for b in unit.bindings]
                storage = self.images[unit.writes][parity].storage if unit.writes >= 0 else None
                ctx.channel_sets.write(handle, channels, storage)
                self.sets[(i, parity)] = handle

    def _channel(self, ctx, binding, writer: dict, unit: int, parity: int):
        if binding.what != BUFFER:
            return ctx.channel_sets.channel(binding)
        newest = parity if writer[binding.buffer] < unit else 1 - parity
        inp = binding.input
        return (self.images[binding.buffer][newest].sampled,
                ctx.textures.sampler(inp.filter, inp.wrap), _GENERAL)

    def all_images(self) -> list:
        return [img for pair in self.images.values() for img in pair]

    def mip_images(self, buffer: int, parity: int) -> list:
        """The image of ``buffer`` written at this parity, if its mip chain is needed."""
        return [self.images[buffer][parity]] if buffer in self.plan.mipmapped else []

    def advance(self) -> Target | None:
        """Past frame ``frame``: the target it snapshots (if any); the next frame follows."""
        hit = None
        if self.next_target is not None and self.next_target.frame == self.frame:
            hit = self.next_target
            self.next_target = next(self._targets, None)
        self.frame += 1
        return hit

    @property
    def done(self) -> bool:
        return self.next_target is None

    def close(self) -> None:
        self._stack.close()
