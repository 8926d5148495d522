"""Torchvision backbones that return embeddings, and their export in torchvision's format.

A backbone is the torchvision model with its last classification layer replaced by Identity, so
its state dict is torchvision's minus that layer and loads into `torchvision.models.<name>()`
with `strict=False`, only that layer missing. Weights are always random at start: this project
trains from scratch and never downloads weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torchvision
from torch import Tensor, nn

from train.registry import choose


@dataclass(frozen=True)
class BackboneSpec:
    """How to build one torchvision model and which of its layers is the classifier."""

    build: Callable[[], nn.Module]
    classifier: str  # dotted path of the last layer, replaced by Identity
    embed_dim: int


BACKBONES: dict[str, BackboneSpec] = {
    "resnet18": BackboneSpec(lambda: torchvision.models.resnet18(weights=None), "fc", 512),
    "resnet50": BackboneSpec(lambda: torchvision.models.resnet50(weights=None), "fc", 2048),
    # AlexNet needs inputs of at least 63 x 63 pixels (its last max-pool).
    "alexnet": BackboneSpec(lambda: torchvision.models.alexnet(weights=None), "classifier.6", 4096),
}


def strip_classifier(net: nn.Module, spec: BackboneSpec) -> None:
    """Replace the classifier layer of the torchvision model ``net`` by Identity (in place)."""
    parent_path, _, leaf = spec.classifier.rpartition(".")
    setattr(net.get_submodule(parent_path) if parent_path else net, leaf, nn.Identity())


class Backbone(nn.Module):
    """A torchvision model whose classifier is Identity: images (B, 3, H, W) -> (B, embed_dim)."""

    def __init__(self, name: str, spec: BackboneSpec) -> None:
        super().__init__()
        self.name = name
        self.embed_dim = spec.embed_dim
        self.classifier_path = spec.classifier
        self.net = spec.build()
        strip_classifier(self.net, spec)

    def forward(self, images: Tensor) -> Tensor:
        return self.net(images)

    def torchvision_state_dict(self) -> dict[str, Tensor]:
        """State dict in torchvision's key format, without the classifier; tensors on CPU."""
        return {k: v.detach().cpu().clone() for k, v in self.net.state_dict().items()}


def build_backbone(name: str) -> Backbone:
    """Build backbone `name` with random weights.

    Raises:
        ConfigError: unknown name (the message lists BACKBONES).
    """
    return Backbone(name, choose(BACKBONES, name, key="model.backbone"))


def build_torchvision_model(name: str) -> nn.Module:
    """The full torchvision model `name` (classifier included), random weights; for checks."""
    return choose(BACKBONES, name, key="model.backbone").build()


def missing_after_export(name: str) -> set[str]:
    """Keys a full torchvision model of `name` misses after loading an exported backbone."""
    prefix = choose(BACKBONES, name, key="model.backbone").classifier
    return {prefix + ".weight", prefix + ".bias"}
