"""Supervised contrastive loss, L_out form (Khosla et al. 2020, eq. 2): positives share a label."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def supcon_logits(anchors: Tensor, labels: Tensor, temperature: float, *,
                  contrast: Tensor | None = None, contrast_labels: Tensor | None = None,
                  self_index: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Logits of each anchor against the contrast set, and which entries are positives.

    Args:
        anchors: (N, D) embeddings (every view of every local image, stacked); labels: (N,) int.
        temperature: tau > 0.
        contrast: (M, D) the set to contrast against (e.g. all-gathered anchors of every rank);
            default `anchors`. contrast_labels: (M,), default `labels`.
        self_index: (N,) column of each anchor's own row in `contrast`; default arange(N).

    Returns:
        logits (N, M) cosine / tau with each anchor's own column at -inf, and positives (N, M)
        bool: same label, not itself.
    """
    if contrast is None:
        contrast, contrast_labels = anchors, labels
    if contrast_labels is None:
        raise ValueError("contrast_labels are needed with contrast")
    if self_index is None:
        self_index = torch.arange(anchors.shape[0], device=anchors.device)
    logits = F.normalize(anchors, dim=1) @ F.normalize(contrast, dim=1).t() / temperature
    self_mask = torch.zeros_like(logits, dtype=torch.bool)
    self_mask[torch.arange(anchors.shape[0], device=anchors.device), self_index] = True
    positives = (labels[:, None] == contrast_labels[None, :]) & ~self_mask
    return logits.masked_fill(self_mask, float("-inf")), positives


def supcon(anchors: Tensor, labels: Tensor, temperature: float, *,
           contrast: Tensor | None = None, contrast_labels: Tensor | None = None,
           self_index: Tensor | None = None) -> Tensor:
    """Mean over anchors of -1/|P(i)| sum_{p in P(i)} log softmax_{a != i}(z_i . z_a / tau)_p.

    Anchors without any positive (a label seen once, with a single view) are left out of the
    mean, as they carry no supervised signal; arguments as `supcon_logits`.

    Raises:
        ValueError: no anchor has a positive (the loss would be undefined).
    """
    logits, positives = supcon_logits(anchors, labels, temperature, contrast=contrast,
                                      contrast_labels=contrast_labels, self_index=self_index)
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    count = positives.sum(dim=1)
    has_positive = count > 0
    if not bool(has_positive.any()):
        raise ValueError("supcon: no anchor has a positive; give two views or repeated labels")
    summed = torch.where(positives, log_prob, torch.zeros_like(log_prob)).sum(dim=1)
    per_anchor = -summed[has_positive] / count[has_positive]
    return per_anchor.mean()
