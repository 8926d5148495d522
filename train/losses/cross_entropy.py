"""Cross-entropy with the program (or folder) id as the class."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor


def cross_entropy(logits: Tensor, labels: Tensor, *, label_smoothing: float = 0.0) -> Tensor:
    """Mean over the batch of -sum_c y_c log softmax(logits)_c.

    Args:
        logits: (B, C) classifier outputs.
        labels: (B,) int64 class ids, or (B, C) float class probabilities (e.g. MixUp weights).
        label_smoothing: epsilon in [0, 1) mixing the targets with the uniform distribution.
    """
    return F.cross_entropy(logits, labels, label_smoothing=label_smoothing)
