"""The training config: one frozen dataclass tree, loaded from YAML plus `--set a.b=v` overrides.

Owns the schema (`TrainConfig(data, model, loss, optim, run)`), its range checks (each dataclass's
`checks()`), and the named functions that compute derived values (scaled LR, per-rank batch).
Loading, type checking and key paths in errors are the project's shared config plumbing
(`glsl_transpile.plumbing.config`). Derived values are never written back into the config, so
the saved config always says what the user asked for. Must not import torch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glsl_transpile.plumbing import config as plumbing
from glsl_transpile.plumbing.config import (ConfigError, config_to_dict, config_to_yaml,
                                            parse_override)

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
MAX_RESOLUTION = 4096  # pixels per side: beyond it one image needs more memory than is sane


@dataclass(frozen=True)
class AugmentConfig:
    """Per-sample augmentations; defaults are MoCo v2 "aug+" (Chen et al. 2020, sec. 3)."""

    crop_size: int = 224  # output side h = w of every view, pixels
    crop_scale: tuple[float, float] = (0.2, 1.0)  # crop area as a fraction of the image
    crop_ratio: tuple[float, float] = (3 / 4, 4 / 3)  # crop aspect ratio w / h
    jitter_prob: float = 0.8
    brightness: float = 0.4
    contrast: float = 0.4
    saturation: float = 0.4
    hue: float = 0.1
    grayscale_prob: float = 0.2
    blur_prob: float = 0.5
    blur_sigma: tuple[float, float] = (0.1, 2.0)  # in pixels of the output view
    flip_prob: float = 0.5
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD

    def checks(self):
        yield "crop_size", 0 < self.crop_size <= MAX_RESOLUTION
        for name in ("jitter_prob", "grayscale_prob", "blur_prob", "flip_prob"):
            yield name, 0.0 <= getattr(self, name) <= 1.0
        for name in ("crop_scale", "crop_ratio", "blur_sigma"):
            low, high = getattr(self, name)
            yield name, 0 < low <= high
        yield "std", all(v > 0 for v in self.std)


@dataclass(frozen=True)
class LiveConfig:
    """Live rendering of programs through a render callable (needs `render_vk`)."""

    programs: tuple[str, ...] = ()  # program files, folders, Shadertoy JSON or manifests
    time_sampling: str = "continuous"  # registry: train.data.time_sampling.TIME_SAMPLERS
    fps: float = 4.0  # "continuous": frame n gets t ~ U[n/fps, (n+1)/fps]
    time_range_seconds: tuple[float, float] = (0.1, 10.0)  # "random": t ~ U[lo, hi]
    time_sigma_seconds: float = 0.5  # source "program_time": positive view at t + N(0, sigma)
    theta_sigma: float = 0.2  # source "program_theta": offset of the positive's theta, in units
    #                           of each prior's std (GenRep found ~0.2 of the prior best)
    theta_views: str = "theta"  # "program_theta": "theta" (same t) or "both" (also t + dt)
    theta_anchor: str = "prior"  # "program_theta": anchor theta drawn from the "prior" or "baked"
    mixup_k: int = 1  # images of different programs mixed per image; 1 = off
    fixed_dataset: bool = False  # same (program, time) set every epoch instead of fresh draws
    balanced: bool = False  # with fixed_dataset and mixup_k 1: every program gets
    #                         images_per_epoch / programs images or one more (a fixed budget)
    output: str = "auto"  # where images are rendered: "auto" (the training device), "cpu", "cuda"
    consistency_every: int = 0  # re-render a fixed sample every N batches and compare; 0 = off
    shard_programs: int = 0  # draw from shards of this many programs (bounded working set,
                             # render_vk.program_draws); 0 = uniform over all programs
    shard_images: int = 0  # images drawn from a shard before the next; 0 = 32 x shard_programs
    drop_constant: bool = True  # leave out programs whose probe renders are one colour
    drop_static: bool = True  # ... or all identical (render_vk.hygiene; logged at start)

    def checks(self):
        yield "mixup_k", self.mixup_k >= 1
        yield "shard_programs", self.shard_programs >= 0
        yield "shard_images", self.shard_images >= 0
        yield "shard_programs", not (self.shard_programs and self.fixed_dataset), \
            "works with fresh draws, not with fixed_dataset=true"
        yield "balanced", not self.balanced or (self.fixed_dataset and self.mixup_k == 1), \
            "splits a fixed dataset of one program an image: needs fixed_dataset=true, mixup_k=1"
        yield "output", self.output in ("auto", "cpu", "cuda")
        yield "consistency_every", self.consistency_every >= 0
        yield "fps", self.fps > 0
        yield "time_range_seconds", 0 <= self.time_range_seconds[0] <= self.time_range_seconds[1]
        yield "time_sigma_seconds", self.time_sigma_seconds >= 0


@dataclass(frozen=True)
class LatentConfig:
    """GenRep-style latent views: views G(z) and G(z + sigma * N(0, I))."""

    generator: str = ""  # "package.module:factory"; factory() returns the callable G
    latent_dim: int = 128
    sigma: float = 0.2

    def checks(self):
        yield "latent_dim", self.latent_dim > 0
        yield "sigma", self.sigma >= 0


@dataclass(frozen=True)
class DataConfig:
    source: str = "folder"  # registry: train.data.build.SOURCES
    path: str = ""  # "folder": root/<class>/<image>.png|jpg
    resolution: int | None = None  # folder: resize on load (None: keep); live: render size
    batch_size: int = 256  # global batch over all ranks
    num_workers: int = 4  # folder decoding processes per rank
    images_per_epoch: int = 100_000  # virtual epoch of generated sources (latent, live)
    live: LiveConfig = field(default_factory=LiveConfig)
    latent: LatentConfig = field(default_factory=LatentConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)

    def checks(self):
        yield "batch_size", self.batch_size > 0
        yield "resolution", self.resolution is None or 0 < self.resolution <= MAX_RESOLUTION
        yield "num_workers", self.num_workers >= 0
        yield "images_per_epoch", self.images_per_epoch > 0


@dataclass(frozen=True)
class ModelConfig:
    backbone: str = "resnet18"  # registry: train.models.backbones.BACKBONES
    head: str = "mlp"  # registry: train.models.heads.HEADS
    head_hidden_dim: int | None = None  # None: the backbone's embedding size
    embed_dim: int = 128  # output of the contrastive head

    def checks(self):
        yield "embed_dim", self.embed_dim > 0
        yield "head_hidden_dim", self.head_hidden_dim is None or self.head_hidden_dim > 0


@dataclass(frozen=True)
class LossConfig:
    temperature: float = 0.2
    queue_size: int = 65536  # MoCo negatives
    key_momentum: float = 0.999  # MoCo key encoder EMA
    shuffle_bn: bool = True  # MoCo under DDP: shuffle keys across ranks before the key encoder
    gather_negatives: bool = True  # SimCLR/SupCon under DDP: contrast against all ranks
    label_smoothing: float = 0.0  # cross-entropy

    def checks(self):
        yield "temperature", self.temperature > 0
        yield "queue_size", self.queue_size > 0
        yield "key_momentum", 0.0 <= self.key_momentum <= 1.0
        yield "label_smoothing", 0.0 <= self.label_smoothing < 1.0


@dataclass(frozen=True)
class OptimConfig:
    name: str = "sgd"  # registry: train.optimization.OPTIMIZERS
    base_lr: float = 0.03  # for a global batch of 256; see scaled_lr
    momentum: float = 0.9
    weight_decay: float = 1e-4
    warmup_epochs: float = 0.0

    def checks(self):
        yield "base_lr", self.base_lr > 0
        yield "momentum", 0.0 <= self.momentum < 1.0
        yield "weight_decay", self.weight_decay >= 0
        yield "warmup_epochs", self.warmup_epochs >= 0


@dataclass(frozen=True)
class RunConfig:
    dir: str = "runs/default"
    epochs: int = 200
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    amp: bool = True  # bf16 autocast, CUDA only
    channels_last: bool = True  # CUDA only
    checkpoint_every_epochs: int = 10
    checkpoint_every_steps: int = 0  # also a checkpoint every N steps in total; 0 = off
    max_steps: int | None = None  # stop (with a checkpoint and the export) after this many
                                  # steps in total
    tensorboard: bool = True
    progress: bool = True  # tqdm bar in the CLI

    def checks(self):
        yield "epochs", self.epochs > 0
        yield "device", self.device in ("auto", "cpu", "cuda") or self.device.startswith("cuda:")
        yield "checkpoint_every_epochs", self.checkpoint_every_epochs > 0
        yield "checkpoint_every_steps", self.checkpoint_every_steps >= 0
        yield "max_steps", self.max_steps is None or self.max_steps > 0


@dataclass(frozen=True)
class TrainConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def checks(self):  # across sections
        yield "optim.warmup_epochs", self.optim.warmup_epochs <= self.run.epochs


# Keys that may differ between a checkpoint and the config that resumes it: they change how a run
# is driven or logged, not what it computes. run.epochs may grow (or shrink down to the epochs
# done): the remaining steps then follow the learning-rate schedule of the new length.
RESUME_FREE_KEYS = frozenset({
    "run.max_steps", "run.checkpoint_every_epochs", "run.checkpoint_every_steps",
    "run.tensorboard", "run.progress", "run.dir", "run.epochs", "data.num_workers",
})


def load_config(path: str | Path | None, overrides: Sequence[str] = (), *,
                defaults: TrainConfig | None = None) -> TrainConfig:
    """Load a YAML config over `defaults`, then apply `--set a.b=v` overrides.

    Args:
        path: YAML file holding a nested mapping (only values that differ from defaults), or None.
        overrides: strings "a.b=v"; v is parsed as YAML ("0.1" -> float, "[1, 2]" -> list).
        defaults: the entry point's defaults; `TrainConfig()` if None.

    Raises:
        ConfigError: unreadable file, unknown key, wrong type or a value out of range; the
            message names the key path.
    """
    return plumbing.load_config(TrainConfig, path, overrides, defaults=defaults)


def resume_mismatches(saved: Mapping[str, Any], current: Mapping[str, Any], *,
                      defaults: TrainConfig | None = None) -> list[str]:
    """Key paths whose values differ between two config dicts, except RESUME_FREE_KEYS.

    With ``defaults`` (the entry point's), ``saved`` is read back first as a config of today:
    an option added since the checkpoint was written counts at its default (the behaviour the
    run had), and one since removed is a difference.
    """
    if defaults is not None:
        try:
            saved = config_to_dict(plumbing.config_from_dict(TrainConfig, saved,
                                                             defaults=defaults))
        except ConfigError as err:
            return [f"the checkpoint's config does not load today: {err}"]
    return plumbing.changed_keys(saved, current, ignore=RESUME_FREE_KEYS)


def scaled_lr(base_lr: float, *, global_batch: int) -> float:
    """Linear scaling rule (Goyal et al. 2017): lr = base_lr * global_batch / 256."""
    return base_lr * global_batch / 256


def per_rank_batch(global_batch: int, world_size: int) -> int:
    """Batch size of one rank.

    Raises:
        ConfigError: `data.batch_size` is not divisible by the number of ranks.
    """
    if global_batch % world_size:
        raise ConfigError(
            f"config key 'data.batch_size'={global_batch} is not divisible by {world_size} ranks")
    return global_batch // world_size
