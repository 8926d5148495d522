"""Slow, obvious loss references: Python loops over float64 rows, written from the papers."""

from __future__ import annotations

import math

import torch
from torch import Tensor


def unit(v: Tensor) -> Tensor:
    return v.double() / v.double().norm()


def info_nce_loop(q: Tensor, k: Tensor, negatives: Tensor, tau: float) -> float:
    total = 0.0
    for i in range(q.shape[0]):
        pos = math.exp(float(unit(q[i]) @ unit(k[i])) / tau)
        neg = sum(math.exp(float(unit(q[i]) @ unit(n)) / tau) for n in negatives)
        total += -math.log(pos / (pos + neg))
    return total / q.shape[0]


def nt_xent_loop(z1: Tensor, z2: Tensor, tau: float) -> float:
    views = [unit(v) for v in torch.cat([z1, z2])]
    batch, total = z1.shape[0], 0.0
    for i, anchor in enumerate(views):
        other = (i + batch) % (2 * batch)
        denom = sum(math.exp(float(anchor @ v) / tau) for j, v in enumerate(views) if j != i)
        total += -math.log(math.exp(float(anchor @ views[other]) / tau) / denom)
    return total / (2 * batch)


def supcon_loop(anchors: Tensor, labels: Tensor, tau: float) -> float:
    views = [unit(v) for v in anchors]
    losses = []
    for i, anchor in enumerate(views):
        positives = [j for j in range(len(views)) if j != i and labels[j] == labels[i]]
        if not positives:
            continue
        denom = sum(math.exp(float(anchor @ v) / tau) for j, v in enumerate(views) if j != i)
        terms = [math.log(math.exp(float(anchor @ views[p]) / tau) / denom) for p in positives]
        losses.append(-sum(terms) / len(positives))
    return sum(losses) / len(losses)


def cross_entropy_loop(logits: Tensor, targets: Tensor) -> float:
    """targets: (B,) ids or (B, C) probabilities."""
    total = 0.0
    for i, row in enumerate(logits.double()):
        log_z = math.log(sum(math.exp(float(v)) for v in row))
        probs = targets[i].double() if targets.dim() == 2 else torch.nn.functional.one_hot(
            targets[i], logits.shape[1]).double()
        total += -sum(float(p) * (float(v) - log_z) for p, v in zip(probs, row))
    return total / logits.shape[0]
