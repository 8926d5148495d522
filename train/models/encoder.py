"""Backbone plus head as one module, built from the model config."""

from __future__ import annotations

from torch import Tensor, nn

from train.config import ModelConfig
from train.models.backbones import Backbone, build_backbone
from train.models.heads import build_head


class Encoder(nn.Module):
    """images (B, 3, h, w) -> backbone embedding (B, E) -> head output (B, out_dim)."""

    def __init__(self, backbone: Backbone, head: nn.Module) -> None:
        super().__init__()
        self.backbone = backbone
        self.head = head

    def forward(self, images: Tensor) -> Tensor:
        return self.head(self.backbone(images))


def build_encoder(cfg: ModelConfig, out_dim: int | None = None) -> Encoder:
    """Encoder of cfg.backbone and cfg.head; the head outputs out_dim (default cfg.embed_dim).

    Raises:
        ConfigError: unknown backbone or head name.
    """
    backbone = build_backbone(cfg.backbone)
    head = build_head(cfg.head, backbone.embed_dim, out_dim or cfg.embed_dim,
                      hidden_dim=cfg.head_hidden_dim)
    return Encoder(backbone, head)
