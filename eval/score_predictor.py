"""Performance predictor (paper Section 5): which unseen programs make good training data.

Each program is described by ``[mean, min, max]`` over its first 50 frames of encoder features
(``(3D,)``). A small MLP (``Linear(3D, 32) -> ReLU -> Linear(32, 1)``) trained with an L1 loss
maps the description to a per-program score (e.g. linear-probe accuracy of an encoder trained on
that program). Unseen programs are ranked by the prediction and a greedy top-k is selected.
Pure functions over tensors; the entry point ``python -m eval.predictor`` (``eval/predictor.py``)
runs ``eval.program_ranking``.
"""
from __future__ import annotations

import dataclasses
import logging

import torch
import torch.nn.functional as F
from torch import nn

from eval.errors import ConfigError, EvalError

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class PredictorConfig:
    """MLP width, full-batch Adam schedule and seed; inputs and targets are standardised."""

    hidden: int = 32
    epochs: int = 2000
    lr: float = 1e-3
    weight_decay: float = 1e-4
    seed: int = 0


def program_descriptor(frame_features: torch.Tensor) -> torch.Tensor:
    """``(F, D)`` frame features -> ``(3D,)``: mean, min and max over frames, concatenated."""
    if frame_features.ndim != 2 or frame_features.shape[0] < 1:
        raise EvalError(f"program_descriptor: expected (F, D) with F >= 1, got "
                        f"{tuple(frame_features.shape)}")
    x = frame_features.float()
    return torch.cat([x.mean(dim=0), x.min(dim=0).values, x.max(dim=0).values])


class ScorePredictor(nn.Module):
    """``(P, 3D)`` descriptors -> ``(P,)`` predicted scores; standardisation kept as buffers."""

    def __init__(self, in_dim: int, hidden: int = 32):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        self.register_buffer("x_mean", torch.zeros(in_dim))
        self.register_buffer("x_std", torch.ones(in_dim))
        self.register_buffer("y_mean", torch.zeros(()))
        self.register_buffer("y_std", torch.ones(()))

    def forward_standardized(self, x: torch.Tensor) -> torch.Tensor:
        return self.mlp((x - self.x_mean) / self.x_std).squeeze(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_standardized(x) * self.y_std + self.y_mean


def fit_predictor(descriptors: torch.Tensor, scores: torch.Tensor,
                  cfg: PredictorConfig = PredictorConfig()) -> ScorePredictor:
    """Fit the MLP with full-batch Adam on the L1 loss of standardised scores.

    Args:
        descriptors: ``(P, 3D) float``; scores: ``(P,) float``, P >= 2.
    Raises:
        ConfigError: fewer than 2 programs or non-positive epochs / hidden width.
    """
    if descriptors.shape[0] < 2 or descriptors.shape[0] != scores.shape[0]:
        raise ConfigError(f"predictor: need >= 2 scored programs, got {descriptors.shape[0]} "
                          f"descriptors and {scores.shape[0]} scores")
    if cfg.epochs < 1 or cfg.hidden < 1:
        raise ConfigError("predictor: epochs and hidden must be positive")
    torch.manual_seed(cfg.seed)
    x, y = descriptors.float(), scores.float()
    model = ScorePredictor(x.shape[1], cfg.hidden)
    model.x_mean.copy_(x.mean(dim=0))
    model.x_std.copy_(x.std(dim=0, unbiased=False).clamp_min(1e-6))
    model.y_mean.copy_(y.mean())
    model.y_std.copy_(y.std(unbiased=False).clamp_min(1e-6))
    target = (y - model.y_mean) / model.y_std
    # foreach=False: the fused multi-tensor path is slower for a 2-layer MLP on CPU.
    opt = torch.optim.Adam(model.mlp.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay,
                           foreach=False)
    with torch.enable_grad():
        for _ in range(cfg.epochs):
            loss = F.l1_loss(model.forward_standardized(x), target)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    log.info("predictor fitted on %d programs, final L1 (standardised) %.4f", len(y), loss.item())
    return model.eval()


def predict_scores(model: ScorePredictor, descriptors: torch.Tensor) -> torch.Tensor:
    """``(P, 3D)`` -> ``(P,)`` predicted scores."""
    with torch.no_grad():
        return model(descriptors.float())


def greedy_select(predicted: torch.Tensor, descriptors: torch.Tensor, k: int,
                  max_similarity: float = 1.0) -> list[int]:
    """Greedy top-k: walk programs by descending prediction, keep one unless its descriptor's
    cosine similarity to an already kept one exceeds ``max_similarity`` (1.0: plain top-k).

    Args:
        predicted: ``(P,)``; descriptors: ``(P, 3D)``; k: how many to keep (<= P).
    Returns:
        indices of the kept programs, best first (fewer than k if the diversity rule runs out).
    """
    order = torch.argsort(predicted, descending=True, stable=True).tolist()
    unit = F.normalize(descriptors.float(), dim=1)
    kept: list[int] = []
    for index in order:
        if len(kept) >= k:
            break
        if max_similarity < 1.0 and kept:
            if (unit[kept] @ unit[index]).max().item() > max_similarity:
                continue
        kept.append(index)
    return kept
