"""Frozen backbones for evaluation, loaded from the checkpoints ``train`` exports.

The architectures are training's registry (``train.models.backbones.BACKBONES``), so a backbone
is evaluated on the embedding it was trained to produce: ResNet global average pool (512 / 2048),
AlexNet fc7 (4096). ``backbone.layer`` taps another layer instead (any module name of the
torchvision model, e.g. ``layer3`` or ``features``; a map output is global-average-pooled).

Contract with ``train``: a checkpoint file is either a torchvision-format state dict
(``torch.save(model.state_dict())`` of ``torchvision.models.resnet18/resnet50/alexnet``, the last
classifier layer possibly missing) or a training checkpoint (``train.checkpoint``, digest
checked) holding such a state dict under ``"backbone_torchvision"`` plus ``"config"`` with
``model.backbone`` naming the architecture.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
from pathlib import Path
from typing import Any, Mapping

import torch
import torchvision
from torch import nn

from eval.config import BackboneConfig, choose
from eval.errors import CheckpointError, ConfigError
from train.checkpoint import load_torch_file
from train.models.backbones import BACKBONES, BackboneSpec, strip_classifier

log = logging.getLogger(__name__)


class LayerTap(nn.Module):
    """``net`` run to the end, returning the output of its module ``layer`` instead, pooled to
    ``(B, C)`` when it is a feature map."""

    def __init__(self, net: nn.Module, layer: str):
        super().__init__()
        self.net, self.layer = net, layer
        self._out: torch.Tensor | None = None
        net.get_submodule(layer).register_forward_hook(self._keep)

    def _keep(self, module, inputs, output) -> None:
        self._out = output

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        self.net(images)
        out, self._out = self._out, None
        return out.mean(dim=(2, 3)) if out.ndim == 4 else out.flatten(1)


@dataclasses.dataclass(frozen=True)
class FrozenBackbone:
    """A backbone in eval mode mapping ``(B, 3, H, W) float32`` (normalised) to ``(B, D) float32``.

    ``identity`` names the weights for the feature cache: ``sha256:<hex>`` of the checkpoint
    file, or ``random-init:<name>:seed=<s>:torchvision=<version>``.
    """

    name: str
    model: nn.Module
    feature_dim: int
    identity: str
    label: str


def file_sha256(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_bytes), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_backbone(cfg: BackboneConfig) -> FrozenBackbone:
    """Build the backbone ``cfg.name`` with checkpoint weights or a seeded random init, frozen.

    Raises:
        ConfigError: unknown name or layer, or neither / both of ``checkpoint`` and
            ``random_init``.
        CheckpointError: the checkpoint is unreadable, names another architecture or its keys
            do not match (only the classifier layer may be missing).
    """
    spec = choose(BACKBONES, cfg.name, key="backbone.name")
    if bool(cfg.checkpoint) == bool(cfg.random_init):
        raise ConfigError("backbone: give exactly one of backbone.checkpoint or "
                          "backbone.random_init=true")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(cfg.seed)
        net = spec.build()
    if cfg.random_init:
        identity = f"random-init:{cfg.name}:seed={cfg.seed}:torchvision={torchvision.__version__}"
        label = f"random-init {cfg.name} (seed {cfg.seed})"
    else:
        state = read_backbone_state(cfg.checkpoint, expected_name=cfg.name)
        _load_state(net, state, spec, cfg.checkpoint)
        identity = f"sha256:{file_sha256(cfg.checkpoint)}"
        path = Path(cfg.checkpoint).resolve()
        label = f"{cfg.name} {path.parent.name}/{path.name}"
    strip_classifier(net, spec)
    model, dim = _tap(net, cfg, spec)
    if cfg.layer:
        identity, label = f"{identity}:layer={cfg.layer}", f"{label} [{cfg.layer}]"
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
    log.info("backbone %s ready (%s)", label, identity[:24])
    return FrozenBackbone(cfg.name, model, dim, identity, label)


def _tap(net: nn.Module, cfg: BackboneConfig, spec: BackboneSpec) -> tuple[nn.Module, int]:
    """The frozen model (the embedding, or ``cfg.layer`` tapped) and its feature size."""
    if not cfg.layer:
        return net, spec.embed_dim
    try:
        net.get_submodule(cfg.layer)
    except AttributeError:
        layers = ", ".join(n for n, _ in net.named_children())
        raise ConfigError(f"backbone.layer={cfg.layer!r} is not a module of {cfg.name} "
                          f"(top-level modules: {layers})") from None
    tap = LayerTap(net, cfg.layer)
    with torch.no_grad():
        dim = tap.eval()(torch.zeros(1, 3, 64, 64)).shape[1]
    return tap, int(dim)


def read_backbone_state(path: str, expected_name: str) -> dict[str, torch.Tensor]:
    """Read a checkpoint file and return its torchvision-format backbone state dict.

    Accepts a bare state dict or a training checkpoint with ``"backbone_torchvision"``; in the
    latter, ``config.model.backbone`` (when present) must equal ``expected_name``.
    """
    obj = load_torch_file(path)
    if not isinstance(obj, Mapping):
        raise CheckpointError(path, f"expected a dict, got {type(obj).__name__}")
    if "backbone_torchvision" in obj:
        named = _checkpoint_backbone_name(obj.get("config"))
        if named is not None and named != expected_name:
            raise CheckpointError(path, f"checkpoint config names backbone {named!r}, "
                                        f"not {expected_name!r}")
        obj = obj["backbone_torchvision"]
    state = {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}
    if not state or len(state) != len(obj):
        raise CheckpointError(path, "not a state dict (expected str -> Tensor entries, or a "
                                    "training checkpoint with 'backbone_torchvision')")
    return _strip_module_prefix(state)


def _checkpoint_backbone_name(config: Any) -> str | None:
    model = config.get("model") if isinstance(config, Mapping) else getattr(config, "model", None)
    if model is None:
        return None
    name = model.get("backbone") if isinstance(model, Mapping) else getattr(model, "backbone", None)
    return name if isinstance(name, str) else None


def _strip_module_prefix(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    # DistributedDataParallel prefixes every key with "module."; the weights are the same.
    if all(k.startswith("module.") for k in state):
        return {k[len("module."):]: v for k, v in state.items()}
    return state


def _load_state(model: nn.Module, state: dict[str, torch.Tensor], spec: BackboneSpec,
                path: str) -> None:
    try:
        result = model.load_state_dict(state, strict=False)
    except RuntimeError as err:  # shape mismatches
        first = str(err).strip().splitlines()[-1].strip()
        raise CheckpointError(path, f"tensor shapes do not match: {first}") from err
    missing = [k for k in result.missing_keys if not k.startswith(spec.classifier + ".")]
    if missing or result.unexpected_keys:
        raise CheckpointError(path, f"keys do not match the architecture: missing "
                                    f"{missing[:5]}, unexpected {result.unexpected_keys[:5]}")
