"""Losses: each takes embeddings (plus labels) and returns a scalar; one file per loss.

Every loss L2-normalises its embeddings itself (where it is a contrastive loss), so callers pass
raw head outputs. The `*_logits` variants return what the loss scores, for accuracy metrics.
"""

from train.losses.cross_entropy import cross_entropy
from train.losses.info_nce import info_nce, info_nce_logits
from train.losses.nt_xent import nt_xent, nt_xent_logits
from train.losses.supcon import supcon, supcon_logits

__all__ = ["cross_entropy", "info_nce", "info_nce_logits", "nt_xent", "nt_xent_logits",
           "supcon", "supcon_logits"]
