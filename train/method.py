"""What the engine needs from a training method, and the pieces methods share.

A method is an nn.Module whose forward takes the augmented views and labels of one batch and
returns a StepOutput; it exposes the backbone to export. Momentum updates and queues stay inside
the method's forward, so DistributedDataParallel sees one forward per step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import Tensor, nn

from train.config import TrainConfig
from train.models.backbones import Backbone
from train.models.encoder import build_encoder


class StepOutput(NamedTuple):
    """loss: scalar to minimise. top1: scalar in [0, 1], detached: the share of anchors whose
    highest logit is a positive (contrastive top-1 accuracy) or the classification accuracy."""

    loss: Tensor
    top1: Tensor


class Method(nn.Module):
    """Base class: subclasses set `backbone` and implement forward(views, labels)."""

    backbone: Backbone

    def forward(self, views: tuple[Tensor, ...], labels: Tensor) -> StepOutput:
        """views: num_views tensors (B, 3, h, w) float, normalised; labels: (B,) int64."""
        raise NotImplementedError


class ContrastiveMethod(Method):
    """A method with one encoder (backbone + projection head) over both views, a temperature
    and optional cross-rank negatives: SimCLR and SupCon."""

    def __init__(self, cfg: TrainConfig) -> None:
        super().__init__()
        self.encoder = build_encoder(cfg.model)
        self.temperature = cfg.loss.temperature
        self.gather = cfg.loss.gather_negatives

    @property
    def backbone(self) -> Backbone:  # type: ignore[override]
        return self.encoder.backbone


@dataclass(frozen=True)
class MethodSpec:
    """An entry point's method: its name, views per image, defaults and how to build it.

    build(cfg, num_classes) -> Method; num_classes is the source's (None: one class per sample).
    needs_labels: the loss uses class labels (SupCon, CE), so an unlabelled source (a flat image
    folder) is an error instead of one class per image.
    """

    name: str
    num_views: int
    defaults: TrainConfig
    build: Callable[[TrainConfig, int | None], Method]
    needs_labels: bool = False


def float32_losses(like: Tensor) -> torch.autocast:
    """Context that turns the engine's bf16 autocast off, so that similarities divided by a small
    temperature and their softmax are computed in float32; pass float32 inputs inside it."""
    return torch.autocast(device_type=like.device.type, enabled=False)


@torch.no_grad()
def top1_accuracy(logits: Tensor, targets: Tensor) -> Tensor:
    """Share of rows (B, C) whose argmax is the target (B,) column; a detached scalar."""
    return (logits.argmax(dim=1) == targets).float().mean()


@torch.no_grad()
def top1_positive(logits: Tensor, positives: Tensor) -> Tensor:
    """Share of rows (N, M) whose argmax column is marked in positives (N, M) bool."""
    best = logits.argmax(dim=1, keepdim=True)
    return positives.gather(1, best).float().mean()
