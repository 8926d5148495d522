"""NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (Chen et al. 2020, eq. 1)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def nt_xent_logits(z1: Tensor, z2: Tensor, temperature: float, *, z1_all: Tensor | None = None,
                   z2_all: Tensor | None = None, offset: int = 0) -> tuple[Tensor, Tensor]:
    """Logits of each of the 2B local views against every view but itself.

    Args:
        z1, z2: (B, D) the two views of the local batch; row i of z1 and z2 is one image.
        temperature: tau > 0.
        z1_all, z2_all: (N, D) the views of every rank (all-gathered, this rank's rows included),
            or None to contrast within the local batch.
        offset: row of this rank's first sample in z1_all / z2_all.

    Returns:
        logits (2B, 2N): rows [z1; z2], columns [z1_all; z2_all], cosine / tau, with each
        view's own column at -inf; targets (2B,) int64: the column of each row's other view.
    """
    if (z1_all is None) != (z2_all is None):
        raise ValueError("pass both z1_all and z2_all, or neither")
    if z1_all is None:
        z1_all, z2_all = z1, z2
    batch, total = z1.shape[0], z1_all.shape[0]
    anchors = F.normalize(torch.cat([z1, z2]), dim=1)
    contrast = F.normalize(torch.cat([z1_all, z2_all]), dim=1)
    logits = anchors @ contrast.t() / temperature
    index = offset + torch.arange(batch, device=z1.device)
    self_cols = torch.cat([index, total + index])
    targets = torch.cat([total + index, index])
    rows = torch.arange(2 * batch, device=z1.device)
    self_mask = torch.zeros_like(logits, dtype=torch.bool)
    self_mask[rows, self_cols] = True
    return logits.masked_fill(self_mask, float("-inf")), targets


def nt_xent(z1: Tensor, z2: Tensor, temperature: float, *, z1_all: Tensor | None = None,
            z2_all: Tensor | None = None, offset: int = 0) -> Tensor:
    """Mean over the 2B local views of -log softmax(logits)[other view]; see `nt_xent_logits`."""
    logits, targets = nt_xent_logits(z1, z2, temperature, z1_all=z1_all, z2_all=z2_all,
                                     offset=offset)
    return F.cross_entropy(logits, targets)
