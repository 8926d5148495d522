"""What a source yields and the interface every source has."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Protocol

import torch
from torch import Tensor


class ViewBatch(NamedTuple):
    """One batch of one rank.

    views: one or two tensors (B, 3, H, W), uint8 in [0, 255] or float in [0, 1]; with one view
        the engine augments it twice for two-view methods, with two (e.g. t and t + dt of one
        program) each is augmented once.
    labels: (B,) int64 class of each image (folder index, program id, or a unique sample id).
    """

    views: tuple[Tensor, ...]
    labels: Tensor


class BatchSource(Protocol):
    """A source of per-rank batches, deterministic given (seed, rank, epoch, step).

    num_classes: number of distinct labels, or None where every sample is its own class.
    """

    num_classes: int | None

    def steps_per_epoch(self) -> int:
        """Batches per epoch on every rank (the same on all ranks)."""
        ...

    def batches(self, epoch: int, start_step: int = 0) -> Iterator[ViewBatch]:
        """The batches of `epoch` from `start_step` on (skipping the first ones, for resume)."""
        ...

    def close(self) -> None:
        """Free what the source holds (a renderer it was built with); the trainer calls it."""
        ...


def check_images(images: Tensor, batch: int, where: str) -> None:
    """Raise ValueError unless images is (batch, 3, H, W) uint8 or floating point."""
    ok_dtype = images.dtype == torch.uint8 or images.is_floating_point()
    if images.dim() != 4 or images.shape[0] != batch or images.shape[1] != 3 or not ok_dtype:
        raise ValueError(f"{where} returned {images.dtype} {tuple(images.shape)}, "
                         f"expected ({batch}, 3, H, W) uint8 or float")
