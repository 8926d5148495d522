"""Hand-off to torch on the CPU: the mapped RGBA8 output buffer as a tensor, without a copy."""
from __future__ import annotations

import numpy as np
import torch


def mapped_tensor(mapped: np.ndarray) -> torch.Tensor:
    """A flat uint8 tensor sharing memory with a mapped buffer's numpy view."""
    return torch.from_numpy(mapped)


def rgba_to_tensor(flat: torch.Tensor, n: int, height: int, width: int) -> torch.Tensor:
    """``(N, 3, H, W) uint8`` view of the first ``n`` RGBA8 images in ``flat`` (uint8, on the
    CPU or a GPU).

    The tensor shares memory with the buffer (strides (H*W*4, 1, W*4, 4): the alpha byte is
    skipped), so it is only valid while the buffer is.
    """
    view = flat[: n * height * width * 4].view(n, height, width, 4)
    return view.permute(0, 3, 1, 2)[:, :3]
