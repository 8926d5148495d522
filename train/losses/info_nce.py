"""InfoNCE with a queue of negatives, as in MoCo (He et al. 2020, eq. 1)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def info_nce_logits(q: Tensor, k: Tensor, negatives: Tensor,
                    temperature: float) -> tuple[Tensor, Tensor]:
    """Logits of each query against its key (column 0) and every negative.

    Args:
        q: (B, D) queries. k: (B, D) positive keys (detach them for MoCo). negatives: (K, D).
            All three are L2-normalised here.
        temperature: tau > 0.

    Returns:
        logits (B, 1 + K) = [q.k, q.n_1, ..., q.n_K] / tau and targets (B,) int64 zeros.
    """
    q, k, negatives = (F.normalize(t, dim=1) for t in (q, k, negatives))
    positive = (q * k).sum(dim=1, keepdim=True)
    negative = q @ negatives.t()
    logits = torch.cat([positive, negative], dim=1) / temperature
    targets = torch.zeros(q.shape[0], dtype=torch.long, device=q.device)
    return logits, targets


def info_nce(q: Tensor, k: Tensor, negatives: Tensor, temperature: float) -> Tensor:
    """Mean over the batch of -log softmax(logits)[positive]; arguments as `info_nce_logits`."""
    logits, targets = info_nce_logits(q, k, negatives, temperature)
    return F.cross_entropy(logits, targets)
