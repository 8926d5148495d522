"""The training config: one frozen dataclass tree, loaded from YAML plus `--set a.b=v` overrides.

Owns the schema (`TrainConfig(data, model, loss, optim, run)`), type checking with key paths, and
the named functions that compute derived values (scaled LR, per-rank batch). Derived values are
never written back into the config, so the saved config always says what the user asked for.
Must not import torch: building things from the config is the job of the modules that own them.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from train.errors import ConfigError

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


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
    output: str = "auto"  # where images are rendered: "auto" (the training device), "cpu", "cuda"
    consistency_every: int = 0  # re-render a fixed sample every N batches and compare; 0 = off


@dataclass(frozen=True)
class LatentConfig:
    """GenRep-style latent views: views G(z) and G(z + sigma * N(0, I))."""

    generator: str = ""  # "package.module:factory"; factory() returns the callable G
    latent_dim: int = 128
    sigma: float = 0.2


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


@dataclass(frozen=True)
class ModelConfig:
    backbone: str = "resnet18"  # registry: train.models.backbones.BACKBONES
    head: str = "mlp"  # registry: train.models.heads.HEADS
    head_hidden_dim: int | None = None  # None: the backbone's embedding size
    embed_dim: int = 128  # output of the contrastive head


@dataclass(frozen=True)
class LossConfig:
    temperature: float = 0.2
    queue_size: int = 65536  # MoCo negatives
    key_momentum: float = 0.999  # MoCo key encoder EMA
    shuffle_bn: bool = True  # MoCo under DDP: shuffle keys across ranks before the key encoder
    gather_negatives: bool = True  # SimCLR/SupCon under DDP: contrast against all ranks
    label_smoothing: float = 0.0  # cross-entropy


@dataclass(frozen=True)
class OptimConfig:
    name: str = "sgd"  # registry: train.optimization.OPTIMIZERS
    base_lr: float = 0.03  # for a global batch of 256; see scaled_lr
    momentum: float = 0.9
    weight_decay: float = 1e-4
    warmup_epochs: float = 0.0


@dataclass(frozen=True)
class RunConfig:
    dir: str = "runs/default"
    epochs: int = 200
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    amp: bool = True  # bf16 autocast, CUDA only
    channels_last: bool = True  # CUDA only
    checkpoint_every_epochs: int = 10
    max_steps: int | None = None  # stop (with a checkpoint) after this many steps in total
    tensorboard: bool = True
    progress: bool = True  # tqdm bar in the CLI


@dataclass(frozen=True)
class TrainConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    run: RunConfig = field(default_factory=RunConfig)


# Keys that may differ between a checkpoint and the config that resumes it: they change how a run
# is driven or logged, not what it computes.
RESUME_FREE_KEYS = frozenset({
    "run.max_steps", "run.checkpoint_every_epochs", "run.tensorboard", "run.progress",
    "run.dir", "data.num_workers",
})


def load_config(path: str | Path | None, overrides: Sequence[str] = (), *,
                defaults: TrainConfig | None = None) -> TrainConfig:
    """Load a YAML config over `defaults`, then apply `--set a.b=v` overrides.

    Args:
        path: YAML file holding a nested mapping (only values that differ from defaults), or None.
        overrides: strings "a.b=v"; v is parsed as YAML ("0.1" -> float, "[1, 2]" -> list).
        defaults: the entry point's defaults; `TrainConfig()` if None.

    Raises:
        ConfigError: unreadable file, unknown key or wrong type; the message names the key path.
    """
    raw: dict[str, Any] = {}
    if path is not None:
        raw = _read_yaml(Path(path))
    for item in overrides:
        key, value = parse_override(item)
        _set_path(raw, key, value)
    cfg = build_dataclass(TrainConfig, raw, "", defaults or TrainConfig())
    validate(cfg)
    return cfg


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except OSError as err:
        raise ConfigError(f"cannot read config {path}: {err.strerror}") from err
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"config {path} is not valid YAML: {str(err).splitlines()[0]}") from err
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"config {path} must hold a mapping at the top, got {type(raw).__name__}")
    return raw


def parse_override(item: str) -> tuple[str, Any]:
    """Split "a.b=v" into ("a.b", parsed v).

    Raises:
        ConfigError: no "=", an empty key, or a value that is not valid YAML.
    """
    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. optim.base_lr=0.1")
    try:
        return key, yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"--set {key}: value {text!r} is not valid YAML") from err


def _set_path(raw: dict[str, Any], key: str, value: Any) -> None:
    node = raw
    parts = key.split(".")
    for depth, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            where = ".".join(parts[: depth + 1])
            raise ConfigError(f"--set {key}: '{where}' holds a value, not a section")
        node = child
    node[parts[-1]] = value


def build_dataclass(cls: type, raw: Mapping[str, Any], prefix: str, default: Any) -> Any:
    """Build dataclass `cls` from `raw`, taking missing fields from the instance `default`.

    Raises:
        ConfigError: a key of `raw` is not a field (message names the path and close matches),
            or a value has the wrong type.
    """
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    for key in raw:
        if key not in names:
            raise ConfigError(_unknown_key_message(prefix + str(key), str(key), names))
    values = {}
    for name in names:
        default_value = getattr(default, name)
        if name in raw:
            values[name] = coerce(raw[name], hints[name], prefix + name, default_value)
        else:
            values[name] = default_value
    return cls(**values)


def _unknown_key_message(path: str, key: str, names: list[str]) -> str:
    close = difflib.get_close_matches(key, names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown config key '{path}'{hint} (valid here: {', '.join(names)})"


def coerce(value: Any, tp: Any, key: str, default: Any = None) -> Any:
    """Check `value` against type hint `tp` and convert lists to tuples, ints to floats.

    Raises:
        ConfigError: naming `key`, the expected type and the value given.
    """
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise ConfigError(f"config key '{key}' must be a section (mapping), got {value!r}")
        return build_dataclass(tp, value, key + ".", default)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return coerce(value, inner[0], key, default)
    if origin is tuple:
        return _coerce_tuple(value, args, key)
    return _coerce_scalar(value, tp, key)


def _coerce_tuple(value: Any, args: tuple, key: str) -> tuple:
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"config key '{key}' must be a list, got {value!r}")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_coerce_scalar(v, args[0], f"{key}[{i}]") for i, v in enumerate(value))
    if len(value) != len(args):
        raise ConfigError(f"config key '{key}' must be a list of {len(args)} items, got {value!r}")
    return tuple(_coerce_scalar(v, a, f"{key}[{i}]") for i, (v, a) in enumerate(zip(value, args)))


_YAML11_EXPONENT = re.compile(r"^[-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+$")


def _coerce_scalar(value: Any, tp: type, key: str) -> Any:
    ok = isinstance(value, tp) and not (tp is int and isinstance(value, bool))
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is float and isinstance(value, str) and _YAML11_EXPONENT.match(value):
        return float(value)  # YAML 1.1 (PyYAML) reads 1e-4 as a string; the user meant a float
    if not ok:
        raise ConfigError(
            f"config key '{key}' must be {tp.__name__}, got {type(value).__name__} {value!r}")
    return value


def validate(cfg: TrainConfig) -> None:
    """Check ranges that types cannot express.

    Raises:
        ConfigError: naming the first offending key.
    """
    checks = [
        ("data.batch_size", cfg.data.batch_size > 0), ("run.epochs", cfg.run.epochs > 0),
        ("data.augment.crop_size", cfg.data.augment.crop_size > 0),
        ("data.images_per_epoch", cfg.data.images_per_epoch > 0),
        ("data.live.mixup_k", cfg.data.live.mixup_k >= 1),
        ("data.live.output", cfg.data.live.output in ("auto", "cpu", "cuda")),
        ("data.live.consistency_every", cfg.data.live.consistency_every >= 0),
        ("loss.temperature", cfg.loss.temperature > 0),
        ("loss.queue_size", cfg.loss.queue_size > 0),
        ("loss.key_momentum", 0.0 <= cfg.loss.key_momentum <= 1.0),
        ("optim.base_lr", cfg.optim.base_lr > 0),
        ("optim.warmup_epochs", 0 <= cfg.optim.warmup_epochs <= cfg.run.epochs),
        ("run.checkpoint_every_epochs", cfg.run.checkpoint_every_epochs > 0),
        ("run.max_steps", cfg.run.max_steps is None or cfg.run.max_steps > 0),
    ]
    aug = cfg.data.augment
    for name in ("jitter_prob", "grayscale_prob", "blur_prob", "flip_prob"):
        checks.append((f"data.augment.{name}", 0.0 <= getattr(aug, name) <= 1.0))
    for name in ("crop_scale", "crop_ratio", "blur_sigma"):
        low, high = getattr(aug, name)
        checks.append((f"data.augment.{name}", 0 < low <= high))
    for key, ok in checks:
        if not ok:
            raise ConfigError(f"config key '{key}' is out of range: {_get_path(cfg, key)!r}")


def _get_path(cfg: Any, key: str) -> Any:
    for part in key.split("."):
        cfg = getattr(cfg, part)
    return cfg


def config_to_dict(cfg: TrainConfig) -> dict[str, Any]:
    """The config as nested plain dicts/lists (tuples become lists), ready for YAML."""
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value
    return plain(dataclasses.asdict(cfg))


def config_to_yaml(cfg: TrainConfig) -> str:
    return yaml.safe_dump(config_to_dict(cfg), sort_keys=False)


def resume_mismatches(saved: Mapping[str, Any], current: Mapping[str, Any],
                      prefix: str = "") -> list[str]:
    """Key paths whose values differ between two config dicts, except RESUME_FREE_KEYS."""
    diffs = []
    for key in sorted(set(saved) | set(current)):
        path = prefix + key
        a, b = saved.get(key), current.get(key)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            diffs += resume_mismatches(a, b, path + ".")
        elif a != b and path not in RESUME_FREE_KEYS:
            diffs.append(f"{path}: {a!r} -> {b!r}")
    return diffs


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
