"""Feature spaces for program metrics: where image distances and Frechet distances are measured.

- ``encoder``: avgpool features of a backbone (our checkpoint, or a seeded random-init
  ResNet-18 when none is given: a stand-in, labelled so in every output), cosine distance.
- ``lpips``: LPIPS v0.1 with the AlexNet trunk (Zhang et al. 2018), only from user files: the
  linear-layer weights of the ``lpips`` package (``lin0.model.1.weight`` ... ``lin4``) and a
  torchvision AlexNet state dict. Never downloaded.
- ``inception``: torchvision Inception-v3 pool features (2048) from a user-supplied state dict;
  inputs scaled to [-1, 1] as for the Google weights. Not bit-identical to TF-FID numbers.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
import torchvision
from torch import nn

from eval.backbones import FrozenBackbone
from eval.errors import WeightsRequiredError
from eval.features import embed_images

# LPIPS's ScalingLayer constants (inputs in [-1, 1]).
LPIPS_SHIFT = (-0.030, -0.088, -0.188)
LPIPS_SCALE = (0.458, 0.448, 0.450)
ALEXNET_TAPS = (1, 4, 7, 9, 11)  # ReLU outputs relu1..relu5 in torchvision's alexnet.features
ALEXNET_CHANNELS = (64, 192, 384, 256, 256)


@dataclasses.dataclass(frozen=True)
class EmbeddingSpace:
    """``embed``: ``(B, 3, H, W) uint8`` -> ``(B, D) float32``; ``size``: input side in pixels."""

    label: str
    size: int
    embed: Callable[[torch.Tensor], torch.Tensor]


@dataclasses.dataclass(frozen=True)
class DistanceSpace:
    """``distance``: two ``(B, 3, S, S) uint8`` batches -> ``(B,) float32``, 0 for equal images."""

    label: str
    size: int
    distance: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _resized(images: torch.Tensor, size: int) -> torch.Tensor:
    if images.shape[-2:] == (size, size):
        return images
    x = F.interpolate(images.float(), size=(size, size), mode="bilinear", antialias=True,
                      align_corners=False)
    return x.round().clamp(0, 255).to(torch.uint8)


def encoder_space(backbone: FrozenBackbone, size: int, device: str = "cpu") -> EmbeddingSpace:
    """Embeddings from ``backbone`` at ``size`` x ``size`` (ImageNet normalisation)."""
    model = backbone.model.to(device)
    return EmbeddingSpace(f"{backbone.label} avgpool features", size,
                          lambda x: embed_images(model, _resized(x, size), device=device))


def cosine_space(space: EmbeddingSpace) -> DistanceSpace:
    """``1 - cos(f(a), f(b))`` in an embedding space."""
    def distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return 1.0 - F.cosine_similarity(space.embed(a), space.embed(b), dim=1)
    return DistanceSpace(f"cosine distance of {space.label}", space.size, distance)


def _load_user_state(path: str, what: str) -> dict[str, torch.Tensor]:
    if not path or not Path(path).is_file():
        raise WeightsRequiredError(f"{what}: weights file not given or not found: {path!r}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many unrelated classes for a bad file
        raise WeightsRequiredError(f"{what}: cannot load {path} ({err})") from err
    return state.get("state_dict", state) if isinstance(state, dict) else state


class LpipsAlex(nn.Module):
    """LPIPS v0.1 (AlexNet): per-layer unit-normalised features, squared difference, learned
    1x1 channel weights, spatial mean, summed over the five layers."""

    def __init__(self, alexnet_state: dict[str, torch.Tensor],
                 lin_state: dict[str, torch.Tensor]):
        super().__init__()
        alexnet = torchvision.models.alexnet(weights=None)
        trunk = {k[len("features."):]: v for k, v in alexnet_state.items()
                 if k.startswith("features.")}
        self.trunk = alexnet.features[:ALEXNET_TAPS[-1] + 1]
        self.trunk.load_state_dict({k: v for k, v in trunk.items()
                                    if int(k.split(".")[0]) <= ALEXNET_TAPS[-1]})
        self.lins = nn.ParameterList(
            [nn.Parameter(lin_state[f"lin{i}.model.1.weight"].reshape(1, c, 1, 1).float(),
                          requires_grad=False) for i, c in enumerate(ALEXNET_CHANNELS)])
        self.register_buffer("shift", torch.tensor(LPIPS_SHIFT).view(1, 3, 1, 1))
        self.register_buffer("scale", torch.tensor(LPIPS_SCALE).view(1, 3, 1, 1))

    def _taps(self, images: torch.Tensor) -> list[torch.Tensor]:
        x = (images.float() / 127.5 - 1.0 - self.shift) / self.scale
        taps = []
        for index, layer in enumerate(self.trunk):
            x = layer(x)
            if index in ALEXNET_TAPS:
                taps.append(x / (x.pow(2).sum(dim=1, keepdim=True).sqrt() + 1e-10))
        return taps

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W) uint8`` pairs -> ``(B,)`` LPIPS distances."""
        total = torch.zeros(a.shape[0])
        for fa, fb, w in zip(self._taps(a), self._taps(b), self.lins):
            total = total + ((fa - fb).pow(2) * w).sum(dim=1).mean(dim=(1, 2))
        return total


def lpips_space(lin_path: str, alexnet_path: str, size: int = 64) -> DistanceSpace:
    """LPIPS from user files; raises WeightsRequiredError when either is missing or malformed."""
    lin_state = _load_user_state(lin_path, "LPIPS linear layers")
    alexnet_state = _load_user_state(alexnet_path, "LPIPS AlexNet trunk")
    try:
        model = LpipsAlex(alexnet_state, lin_state).eval()
    except (KeyError, RuntimeError, ValueError) as err:
        raise WeightsRequiredError(f"LPIPS: weights do not fit ({err})") from err

    def distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return model(_resized(a, size), _resized(b, size))
    return DistanceSpace(f"LPIPS v0.1 alex ({Path(lin_path).name})", size, distance)


def inception_space(weights_path: str, device: str = "cpu") -> EmbeddingSpace:
    """Inception-v3 pool features (2048) from a user-supplied torchvision state dict, 299 px."""
    state = _load_user_state(weights_path, "Inception-v3")
    model = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False,
                                            transform_input=False)
    state = {k: v for k, v in state.items() if not k.startswith(("AuxLogits.", "fc."))}
    try:
        result = model.load_state_dict(state, strict=False)
    except RuntimeError as err:
        raise WeightsRequiredError(f"Inception-v3: weights do not fit ({err})") from err
    missing = [k for k in result.missing_keys if not k.startswith("fc.")]
    if missing or result.unexpected_keys:
        raise WeightsRequiredError(f"Inception-v3: {weights_path} keys do not fit: missing "
                                   f"{missing[:3]}, unexpected {result.unexpected_keys[:3]}")
    model.fc = nn.Identity()
    model = model.eval().to(device)

    def embed(images: torch.Tensor) -> torch.Tensor:
        x = _resized(images, 299).to(device).float() / 127.5 - 1.0
        with torch.inference_mode():
            return model(x).float().cpu()
    return EmbeddingSpace(f"Inception-v3 pool ({Path(weights_path).name})", 299, embed)
