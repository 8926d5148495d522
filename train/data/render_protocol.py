"""The render callable: how `train` receives images of programs without knowing how they are drawn.

A renderer (the live Vulkan renderer of `render_vk`, or a fake in tests) is handed to sources as

    render(program_ids, times_seconds) -> images

Contract:
    program_ids: (N,) int64 CPU tensor, indices into the renderer's loaded programs, each in
        [0, num_programs).
    times_seconds: (N,) float32 CPU tensor, the time uniform (Shadertoy `iTime`, TwiGL `t`) of
        each image, seconds.
    images: (N, 3, H, W) uint8, RGB, row 0 at the top (as `docs/DESIGN.md` stores images), on the
        renderer's device (CPU or CUDA). It may be a strided view, e.g.
        `rgba_nhwc[..., :3].permute(0, 3, 1, 2)` of a mapped buffer, and is only valid until the
        next call: the renderer may draw into the same memory again. Sources therefore consume or
        copy it before they call again.
    Same (program, time) -> same pixels: sources rely on it for fixed datasets and exact resume.
    A renderer raises an exception (render_vk's RenderError) instead of returning placeholders.

Programs with latent parameters (``glsl_transpile.theta``) also take ``params``: one (P_p,)
float32 CPU tensor per image, that image's theta (None: the programs' own values). The
renderer says which programs have parameters, and their priors, in
``ProgramRenderer.parameters``.

Nothing here imports a renderer; `train.data.build` asks for one only for live sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple, Protocol

import torch
from torch import Tensor


class RenderFn(Protocol):
    def __call__(self, program_ids: Tensor, times_seconds: Tensor,
                 params: Sequence[Tensor] | None = None) -> Tensor:
        """(N,) int64, (N,) float32 seconds, both on CPU -> (N, 3, H, W) uint8; see module doc."""
        ...


class ProgramParameters(NamedTuple):
    """One program's theta: baked ``values`` and its prior box ``[low, high]``, (P,) float32."""

    values: Tensor
    low: Tensor
    high: Tensor


class ProgramRenderer(NamedTuple):
    """A render callable and how many programs it has loaded (valid ids: 0 .. num_programs-1).

    ``device`` is where its images are, when known: a CUDA device lets sources prepare the next
    batch on a side stream while the current one trains. ``close``, when given, frees the
    renderer (the source that was given it calls it when training ends: the trainer owns it).
    ``parameters``, when known, has one entry per program: its ``ProgramParameters``, or None
    for a program without theta.
    """

    render: RenderFn
    num_programs: int
    device: torch.device | None = None
    close: Callable[[], None] | None = None
    parameters: Sequence[ProgramParameters | None] | None = None


class RenderedSource:
    """What the live sources share: ``steps`` batches an epoch, each ``batch(epoch, step)``,
    from ``renderer``, which they close when training ends (the trainer owns it)."""

    renderer: ProgramRenderer
    steps: int

    def close(self) -> None:
        """Close the renderer if it came with a ``close`` (one opened for this run)."""
        if self.renderer.close is not None:
            self.renderer.close()

    def steps_per_epoch(self) -> int:
        return self.steps

    def batches(self, epoch: int, start_step: int = 0) -> Iterator:
        for step in range(start_step, self.steps):
            yield self.batch(epoch, step)

    def batch(self, epoch: int, step: int):
        raise NotImplementedError
