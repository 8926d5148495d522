"""Feature extraction from a frozen backbone, cached on disk.

Owns: turning ``(B, 3, H, W) uint8`` images into ``(B, D) float32`` features (normalisation,
batching, device) and the feature cache. A cache entry is keyed by the backbone identity
(checkpoint SHA-256 or random-init seed), the dataset's fingerprint, split, transform and
resolution, and the input normalisation; a changed checkpoint therefore misses.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from pathlib import Path
from typing import Sequence

import torch
from torch import nn

from eval import atomic
from eval.backbones import FrozenBackbone
from eval.config import FeatureConfig, choose, default_cache_dir
from glsl_transpile.plumbing.progress import Meter, silent

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
NORMALIZATIONS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    "none": ((0.0, 0.0, 0.0), (1.0, 1.0, 1.0)),
}


@dataclasses.dataclass(frozen=True)
class FeatureSet:
    """``features``: ``(N, D) float32`` on CPU; ``labels``: ``(N,) int64``."""

    features: torch.Tensor
    labels: torch.Tensor


def embed_images(model: nn.Module, images_nchw: torch.Tensor, *, normalize: str = "imagenet",
                 device: str = "cpu") -> torch.Tensor:
    """Features of one batch: ``(B, 3, H, W) uint8`` -> ``(B, D) float32`` on CPU."""
    mean, std = choose(NORMALIZATIONS, normalize, key="features.normalize")
    x = images_nchw.to(device=device, dtype=torch.float32) / 255.0
    x = (x - torch.tensor(mean, device=device).view(1, 3, 1, 1)) / \
        torch.tensor(std, device=device).view(1, 3, 1, 1)
    with torch.inference_mode():
        return model(x).flatten(1).float().cpu()


def extract_features(backbone: FrozenBackbone, dataset: torch.utils.data.Dataset,
                     cfg: FeatureConfig, *, meter: Meter = silent,
                     desc: str = "features") -> FeatureSet:
    """Run ``backbone`` over every ``(image uint8 (3, H, W), label)`` item of ``dataset``;
    ``meter`` shows the images done."""
    loader = torch.utils.data.DataLoader(dataset, batch_size=cfg.batch_size, shuffle=False,
                                         num_workers=cfg.num_workers)
    model = backbone.model.to(cfg.device)
    feats, labels = [], []
    with meter(len(dataset), desc, "img") as advance:
        for images, targets in loader:
            feats.append(embed_images(model, images, normalize=cfg.normalize,
                                      device=cfg.device))
            labels.append(torch.as_tensor(targets, dtype=torch.int64))
            advance(len(images))
    if not feats:
        return FeatureSet(torch.zeros(0, backbone.feature_dim), torch.zeros(0, dtype=torch.int64))
    return FeatureSet(torch.cat(feats), torch.cat(labels))


class FeatureCache:
    """Feature sets stored as ``<root>/<sha256(key)[:32]>.pt``; each file also stores its key."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pt"

    def load(self, key: str) -> FeatureSet | None:
        """The stored set for ``key``, or ``None`` when absent or stored under another key."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            blob = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as err:  # a corrupt entry is a miss, recomputed and overwritten
            log.warning("feature cache entry %s unreadable (%s); recomputing", path, err)
            return None
        if not isinstance(blob, dict) or blob.get("key") != key:
            return None
        return FeatureSet(blob["features"], blob["labels"])

    def save(self, key: str, features: FeatureSet) -> Path:
        blob = {"key": key, "features": features.features, "labels": features.labels}
        return atomic.save_torch(blob, self.path(key))


def cache_key(backbone: FrozenBackbone, dataset_key: str, normalize: str) -> str:
    """The cache key string: backbone identity + dataset/transform key + normalisation."""
    return json.dumps({"format": CACHE_FORMAT, "backbone": backbone.name,
                       "weights": backbone.identity, "data": dataset_key,
                       "normalize": normalize}, sort_keys=True)


def cached_features(backbone: FrozenBackbone, dataset: torch.utils.data.Dataset,
                    cfg: FeatureConfig, dataset_key: str | None = None, *,
                    meter: Meter = silent, desc: str = "features") -> tuple[FeatureSet, bool]:
    """Features of ``dataset`` from the cache, or extracted and stored there.

    ``dataset_key`` defaults to ``dataset.key`` (see ``eval.datasets.ImageSplit``).
    Returns ``(features, hit)`` where ``hit`` says the cache answered.
    """
    key = cache_key(backbone, dataset_key or dataset.key, cfg.normalize)
    cache = FeatureCache(cfg.cache_dir or default_cache_dir())
    if cfg.use_cache:
        found = cache.load(key)
        if found is not None:
            log.info("feature cache hit %s", cache.path(key).name)
            return found, True
    features = extract_features(backbone, dataset, cfg, meter=meter, desc=desc)
    if cfg.use_cache:
        cache.save(key, features)
        log.info("feature cache stored %s (%d x %d)", cache.path(key).name,
                 *features.features.shape)
    return features, False


class TensorImages(torch.utils.data.Dataset):
    """A dataset over a list of ``(3, H, W) uint8`` tensors (all the same size) and labels."""

    def __init__(self, images: Sequence[torch.Tensor], labels: Sequence[int] | None = None):
        self.images = list(images)
        self.labels = list(labels) if labels is not None else [0] * len(self.images)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.images[i], self.labels[i]
