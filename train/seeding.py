"""Seeds derived from integer keys, so that every random stream has its own well-mixed seed."""

from __future__ import annotations

import numpy as np
import torch


def derive_seed(*keys: int) -> int:
    """A 64-bit seed from integer keys, e.g. (seed, rank, epoch, step), via numpy's SeedSequence:
    nearby keys give unrelated streams, and the same keys always give the same seed."""
    state = np.random.SeedSequence([k & 0xFFFFFFFF for k in keys]).generate_state(2, np.uint32)
    return int(state[0]) << 32 | int(state[1])


def step_generator(*keys: int) -> torch.Generator:
    """A CPU generator seeded with derive_seed(*keys): a resumed run draws exactly what the
    uninterrupted run drew at the same step."""
    return torch.Generator().manual_seed(derive_seed(*keys))
