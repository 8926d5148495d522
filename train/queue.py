"""MoCo's queue of negative keys: a ring buffer kept as module buffers, so checkpoints hold it."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class NegativeQueue(nn.Module):
    """A ring of `size` L2-normalised keys of dimension `dim` (He et al. 2020, sec. 3.2).

    Buffers: items (size, dim) float, pointer () int64, the row the next key goes to. Starts as
    random unit vectors, as in MoCo. Every rank enqueues the same all-gathered keys, so the queues
    of all ranks stay identical.
    """

    def __init__(self, size: int, dim: int, *, generator: torch.Generator | None = None) -> None:
        super().__init__()
        items = torch.randn(size, dim, generator=generator)
        self.register_buffer("items", F.normalize(items, dim=1))
        self.register_buffer("pointer", torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def enqueue(self, keys: Tensor) -> None:
        """Write keys (N, dim) over the oldest entries, wrapping around; keeps the last `size`."""
        size = self.items.shape[0]
        keys = F.normalize(keys.detach(), dim=1)[-size:].to(self.items.dtype)
        rows = (self.pointer + torch.arange(keys.shape[0], device=keys.device)) % size
        self.items[rows] = keys
        self.pointer.copy_((self.pointer + keys.shape[0]) % size)
