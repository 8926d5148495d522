"""Hand-off to torch on the CPU: the mapped RGBA8 output buffer as a tensor, without a copy."""
from __future__ import annotations

import numpy as np
import torch


def rgba_to_tensor(mapped: np.ndarray, n: int, height: int, width: int) -> torch.Tensor:
    """``(N, 3, H, W) uint8`` view of the first ``n`` RGBA8 images in ``mapped`` (uint8).

    The tensor shares memory with the mapping (strides (H*W*4, 1, W*4, 4): the alpha byte is
    skipped), so it is only valid while the mapping is.
    """
    view = mapped[: n * height * width * 4].reshape(n, height, width, 4)
    return torch.from_numpy(view).permute(0, 3, 1, 2)[:, :3]
