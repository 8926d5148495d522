"""Config sections shared by the evaluation entry points (data, backbone, features).

Each CLI has one frozen dataclass tree built by the project's one loader,
:func:`load_config` (``glsl_transpile.plumbing.config``, as training's): unknown keys, wrong
types and values out of range (each dataclass's ``checks()``) are ``ConfigError``s naming the key
path. Named choices resolve through :func:`choose`, whose miss lists the valid names.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from glsl_transpile.plumbing.config import ConfigError, choose, config_to_dict, load_config

__all__ = ["BackboneConfig", "ConfigError", "DataConfig", "FeatureConfig", "as_dict", "choose",
           "default_cache_dir", "load_config"]


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """Which labelled dataset to evaluate on and how its images become backbone inputs.

    ``name``: a key of ``eval.datasets.DATASETS``. ``root``: the ImageFolder root (holding
    ``train/`` and ``val/``) or, for the IDX datasets, a folder overriding the default location.
    ``transform``: a key of ``eval.datasets.TRANSFORMS`` or ``"auto"`` (the dataset's default).
    ``limit_train`` / ``limit_val``: keep a seeded random subset of that many images (0 = all).
    """

    name: str = "imagefolder"
    root: str = ""
    resolution: int = 224
    transform: str = "auto"
    limit_train: int = 0
    limit_val: int = 0
    limit_seed: int = 0

    def checks(self):
        yield "resolution", 0 < self.resolution <= 4096
        yield "limit_train", self.limit_train >= 0
        yield "limit_val", self.limit_val >= 0


@dataclasses.dataclass(frozen=True)
class BackboneConfig:
    """A frozen backbone: torchvision architecture name plus checkpoint or seeded random init."""

    name: str = "resnet18"
    checkpoint: str = ""
    random_init: bool = False
    seed: int = 0
    layer: str = ""  # "": the embedding training produces; else a module name to tap


@dataclasses.dataclass(frozen=True)
class FeatureConfig:
    """Feature extraction: batching, device, input normalisation and the on-disk cache.

    ``cache_dir`` empty means :func:`default_cache_dir`. ``normalize`` is a key of
    ``eval.features.NORMALIZATIONS``.
    """

    cache_dir: str = ""
    batch_size: int = 64
    num_workers: int = 0
    device: str = "cpu"
    normalize: str = "imagenet"
    use_cache: bool = True

    def checks(self):
        yield "batch_size", self.batch_size > 0
        yield "num_workers", self.num_workers >= 0


def default_cache_dir() -> Path:
    """``$EVAL_CACHE_DIR`` if set, else ``~/.cache/eval-features``."""
    env = os.environ.get("EVAL_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "eval-features"


def as_dict(config: Any) -> dict[str, Any]:
    """The config tree as plain JSON-ready data."""
    return config_to_dict(config)
