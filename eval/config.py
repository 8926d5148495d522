"""Config trees of the evaluation entry points and the loader that builds them.

Each CLI has one frozen dataclass tree. :func:`load_config` builds it from an optional YAML file
and ``a.b=v`` overrides, rejecting unknown keys and wrong types with the key path in the error.
Named choices resolve through :func:`choose`, whose miss lists the valid names.
Imports nothing from ``train`` or ``render_vk``.
"""
from __future__ import annotations

import dataclasses
import os
import types
import typing
from pathlib import Path
from typing import Any, Iterable, Mapping, TypeVar

import yaml

from eval.errors import ConfigError

T = TypeVar("T")


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


@dataclasses.dataclass(frozen=True)
class BackboneConfig:
    """A frozen backbone: torchvision architecture name plus checkpoint or seeded random init."""

    name: str = "resnet18"
    checkpoint: str = ""
    random_init: bool = False
    seed: int = 0


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


def default_cache_dir() -> Path:
    """``$EVAL_CACHE_DIR`` if set, else ``~/.cache/eval-features``."""
    env = os.environ.get("EVAL_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "eval-features"


def choose(registry: Mapping[str, T], name: str, key: str) -> T:
    """Look ``name`` up in ``registry``; a miss raises :class:`ConfigError` listing valid names."""
    if name not in registry:
        valid = ", ".join(sorted(registry))
        raise ConfigError(f"{key}: unknown name {name!r}; valid names: {valid}")
    return registry[name]


def load_config(cls: type[T], path: str | os.PathLike | None = None,
                overrides: Iterable[str] = ()) -> T:
    """Build the frozen dataclass tree ``cls`` from a YAML file and ``a.b=v`` overrides.

    Args:
        cls: the root dataclass type.
        path: optional YAML file holding a (possibly partial) mapping of the tree.
        overrides: strings ``dotted.key=value``; the value is parsed as YAML (``3`` is an int,
            ``[5, 20]`` a list, ``true`` a bool).
    Returns:
        an instance of ``cls``; fields not given keep their defaults.
    Raises:
        ConfigError: unknown key, wrong type, unreadable file or malformed override.
    """
    raw: dict[str, Any] = {}
    if path:
        raw = _read_yaml(Path(path))
    for item in overrides:
        _apply_override(raw, item)
    return _build(cls, raw, prefix="", base=None)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{path}: cannot read config ({err.__class__.__name__}: {err})") from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level must be a mapping, got {type(data).__name__}")
    return data


def _apply_override(raw: dict[str, Any], item: str) -> None:
    key, sep, text = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"override {item!r}: expected the form dotted.key=value")
    try:
        value = yaml.safe_load(text) if text.strip() else ""
    except yaml.YAMLError as err:
        raise ConfigError(f"override {item!r}: value is not valid YAML") from err
    node = raw
    parts = key.strip().split(".")
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"override {item!r}: {part!r} is not a section")
        node = child
    node[parts[-1]] = value


def _build(cls: type[T], raw: Mapping[str, Any], prefix: str, base: Any) -> T:
    """``cls`` from ``raw``; unset fields keep ``base``'s values (a parent's default instance,
    e.g. ``BackboneConfig(random_init=True)``), or the class defaults when ``base`` is None."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{prefix.rstrip('.') or '<root>'}: expected a mapping, got "
                          f"{type(raw).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        where = prefix.rstrip(".") or "<root>"
        raise ConfigError(f"{where}: unknown key(s) {unknown}; valid keys: {sorted(fields)}")
    kwargs = {}
    for name, value in raw.items():
        inner = getattr(base, name) if base is not None else _field_default(fields[name])
        kwargs[name] = _coerce(hints[name], value, f"{prefix}{name}", inner)
    return dataclasses.replace(base, **kwargs) if base is not None else cls(**kwargs)


def _field_default(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return None


def _coerce(hint: Any, value: Any, key: str, default: Any = None) -> Any:
    if dataclasses.is_dataclass(hint):
        base = default if dataclasses.is_dataclass(default) else None
        return _build(hint, value if value is not None else {}, prefix=f"{key}.", base=base)
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        item_type = typing.get_args(hint)[0]
        return tuple(_coerce(item_type, v, f"{key}[{i}]") for i, v in enumerate(value))
    if origin in (typing.Union, types.UnionType):
        return _coerce_optional(hint, value, key)
    return _coerce_scalar(hint, value, key)


def _coerce_optional(hint: Any, value: Any, key: str) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if value is None:
        return None
    return _coerce(args[0], value, key)


def _coerce_scalar(hint: Any, value: Any, key: str) -> Any:
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
    else:
        return value
    raise ConfigError(f"{key}: expected {hint.__name__}, got {value!r}")


def as_dict(config: Any) -> dict[str, Any]:
    """The config tree as plain JSON-ready data."""
    return dataclasses.asdict(config)
