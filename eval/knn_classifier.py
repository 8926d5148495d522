"""Weighted k-NN over frozen features (DINO's ``knn_classifier``), and top-k accuracy.

Pure functions over tensors: cosine similarity (L2-normalised features), the k nearest training
features vote for their class with weight ``exp(sim / T)``, T = 0.07 (Wu et al. 2018; Caron et
al. 2021). ``python -m eval.knn`` (``eval/knn.py``) is the entry point; its orchestration lives
in ``eval.runs``.
"""
from __future__ import annotations

import dataclasses

import torch
import torch.nn.functional as F

from eval.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class KnnConfig:
    """``ks``: neighbour counts to evaluate; ``temperature``: vote weight ``exp(sim / T)``."""

    ks: tuple[int, ...] = (5, 20)
    temperature: float = 0.07
    chunk_size: int = 1024

    def checks(self):
        yield "ks", len(self.ks) > 0 and all(k >= 1 for k in self.ks)
        yield "temperature", self.temperature > 0
        yield "chunk_size", self.chunk_size > 0


def nearest_neighbours(train_features: torch.Tensor, query_features: torch.Tensor, k: int,
                       chunk_size: int = 1024) -> tuple[torch.Tensor, torch.Tensor]:
    """Cosine top-k neighbours of each query among the training features.

    Args:
        train_features: ``(N, D) float``; query_features: ``(M, D) float``.
        k: neighbours per query, ``1 <= k <= N``.
    Returns:
        ``(similarities (M, k) float32, indices (M, k) int64)``, most similar first.
    Raises:
        ConfigError: ``k`` out of range.
    """
    n = train_features.shape[0]
    if not 1 <= k <= n:
        raise ConfigError(f"knn: k={k} must be between 1 and the {n} training features")
    train = F.normalize(train_features.float(), dim=1)
    sims, idxs = [], []
    for start in range(0, query_features.shape[0], chunk_size):
        query = F.normalize(query_features[start:start + chunk_size].float(), dim=1)
        sim, idx = (query @ train.T).topk(k, dim=1)
        sims.append(sim)
        idxs.append(idx)
    if not sims:
        return torch.zeros(0, k), torch.zeros(0, k, dtype=torch.int64)
    return torch.cat(sims), torch.cat(idxs)


def knn_scores(train_features: torch.Tensor, train_labels: torch.Tensor,
               query_features: torch.Tensor, *, k: int, num_classes: int,
               temperature: float = 0.07, chunk_size: int = 1024) -> torch.Tensor:
    """Class scores per query: ``score[c] = sum over its k neighbours of class c of exp(sim/T)``.

    Args:
        train_features: ``(N, D)``; train_labels: ``(N,) int64`` in ``[0, num_classes)``;
        query_features: ``(M, D)``.
    Returns:
        ``(M, num_classes) float32`` scores (unnormalised votes).
    """
    if temperature <= 0:
        raise ConfigError(f"knn.temperature: must be > 0, got {temperature}")
    sims, idx = nearest_neighbours(train_features, query_features, k, chunk_size)
    weights = (sims / temperature).exp()
    neighbour_labels = train_labels.to(torch.int64)[idx]
    scores = torch.zeros(query_features.shape[0], num_classes)
    return scores.scatter_add_(1, neighbour_labels, weights)


def ranked_classes(scores: torch.Tensor) -> torch.Tensor:
    """Classes of each row by descending score, ties toward the lower class index: ``(M, C)``."""
    order = torch.sort(scores, dim=1, descending=True, stable=True)
    return order.indices


def topk_accuracy(scores: torch.Tensor, labels: torch.Tensor,
                  ks: tuple[int, ...] = (1, 5)) -> dict[str, float]:
    """Percentage of rows whose label is among the ``k`` best-scored classes, for each ``k``.

    Args:
        scores: ``(M, C)``; labels: ``(M,) int64``.
    Returns:
        ``{"top1": float, "top5": float}`` in percent; a ``k`` above C counts as C.
    """
    ranked = ranked_classes(scores)
    hits = ranked == labels.to(torch.int64).view(-1, 1)
    total = max(1, labels.shape[0])
    return {f"top{k}": 100.0 * hits[:, :k].any(dim=1).sum().item() / total for k in ks}


def evaluate_knn(train_features: torch.Tensor, train_labels: torch.Tensor,
                 val_features: torch.Tensor, val_labels: torch.Tensor, *, num_classes: int,
                 cfg: KnnConfig) -> dict[str, dict[str, float]]:
    """Top-1/top-5 of the weighted k-NN classifier for every ``k`` in ``cfg.ks``."""
    results = {}
    for k in cfg.ks:
        scores = knn_scores(train_features, train_labels, val_features, k=k,
                            num_classes=num_classes, temperature=cfg.temperature,
                            chunk_size=cfg.chunk_size)
        results[f"knn_k{k}"] = topk_accuracy(scores, val_labels)
    return results
