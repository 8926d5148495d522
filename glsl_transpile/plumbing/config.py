"""Config trees: frozen dataclasses built from YAML and ``--set a.b=v`` overrides.

Every entry point of the project (training, evaluation, the study) has one frozen dataclass tree
and loads it with ``load_config``: unknown keys and wrong types are ``ConfigError``s that name
the key path; values are checked against the type hints (ints are accepted for floats, lists
become tuples, YAML 1.1's ``1e-4`` strings are floats, a number is never silently a string);
then every dataclass of the tree may declare range checks in a ``checks()`` method returning
``(key, ok)`` or ``(key, ok, "what is wrong")`` tuples (keys relative to that dataclass), and the
first failing one is raised.
The loaded tree is never changed afterwards; derived values are computed by named functions.
"""
from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")


class ConfigError(ValueError):
    """A config file, a ``--set`` override or a named choice is wrong; names the key path."""


def choose(registry: Mapping[str, T], name: str, *, key: str) -> T:
    """``registry[name]``; a miss raises ``ConfigError`` listing the valid names.

    Args:
        registry: the valid names and what they stand for.
        name: the name given in the config.
        key: the config key path, e.g. "model.backbone", used in the message.
    """
    try:
        return registry[name]
    except (KeyError, TypeError):
        valid = ", ".join(sorted(registry))
        raise ConfigError(f"{key}={name!r} is not one of: {valid}") from None


def load_config(cls: type[T], path: str | Path | None = None, overrides: Sequence[str] = (),
                *, defaults: T | None = None) -> T:
    """Build the tree ``cls`` from an optional YAML file and ``a.b=v`` overrides.

    Args:
        cls: the root dataclass type.
        path: YAML file holding a nested mapping (only values that differ from the defaults).
        overrides: strings "a.b=v"; v is parsed as YAML ("0.1" -> float, "[1, 2]" -> list).
        defaults: an instance of ``cls`` giving the entry point's defaults (else ``cls()``).
    Raises:
        ConfigError: unreadable file, unknown key, wrong type or a failed range check.
    """
    raw: dict[str, Any] = {}
    if path:
        raw = _read_yaml(Path(path))
    for item in overrides:
        key, value = parse_override(item)
        _set_path(raw, key, value)
    return config_from_dict(cls, raw, defaults=defaults)


def config_from_dict(cls: type[T], raw: Mapping[str, Any], *, defaults: T | None = None) -> T:
    """The tree ``cls`` from a nested mapping, e.g. a stored ``config_to_dict``: keys it lacks
    (options added since it was written) take their values from ``defaults`` (else ``cls()``),
    so a record of a run compares equal to the same run's config today.

    Raises:
        ConfigError: an unknown key (an option since removed), a wrong type or a failed check.
    """
    cfg = build_dataclass(cls, raw, "", defaults if defaults is not None else cls())
    check_tree(cfg)
    return cfg


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read config {path}: {err.strerror or err}") from err
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"config {path} is not valid YAML: {str(err).splitlines()[0]}") from err
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"config {path} must hold a mapping at the top, got "
                          f"{type(raw).__name__}")
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
    """Build dataclass ``cls`` from ``raw``, taking missing fields from the instance ``default``.

    Raises:
        ConfigError: a key of ``raw`` is not a field (the message names the path and a close
            match), or a value has the wrong type.
    """
    if not isinstance(raw, Mapping):
        where = prefix.rstrip(".") or "<root>"
        raise ConfigError(f"config key '{where}' must be a section (mapping), got {raw!r}")
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
    """Check ``value`` against type hint ``tp``; lists become tuples, ints floats.

    Raises:
        ConfigError: naming ``key``, the expected type and the value given.
    """
    if dataclasses.is_dataclass(tp):
        base = default if dataclasses.is_dataclass(default) else tp()
        return build_dataclass(tp, {} if value is None else value, key + ".", base)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return coerce(value, inner[0], key, default)
    if origin is tuple:
        return _coerce_tuple(value, args, key)
    if tp is Any:
        return value
    return _coerce_scalar(value, tp, key)


def _coerce_tuple(value: Any, args: tuple, key: str) -> tuple:
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"config key '{key}' must be a list, got {value!r}")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(coerce(v, args[0], f"{key}[{i}]") for i, v in enumerate(value))
    if len(value) != len(args):
        raise ConfigError(f"config key '{key}' must be a list of {len(args)} items, got "
                          f"{value!r}")
    return tuple(coerce(v, a, f"{key}[{i}]") for i, (v, a) in enumerate(zip(value, args)))


_YAML11_EXPONENT = re.compile(r"^[-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+$")


def _coerce_scalar(value: Any, tp: type, key: str) -> Any:
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is float and isinstance(value, str) and _YAML11_EXPONENT.match(value):
        return float(value)  # YAML 1.1 (PyYAML) reads 1e-4 as a string; the user meant a float
    if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
        raise ConfigError(f"config key '{key}' must be {tp.__name__}, got "
                          f"{type(value).__name__} {value!r}")
    return value


def check_tree(cfg: Any, prefix: str = "") -> None:
    """Run every dataclass's ``checks()`` in the tree, parents first.

    Raises:
        ConfigError: "config key 'a.b' is out of range: <value>" (or the check's own words) for
            the first failing check.
    """
    checks = getattr(cfg, "checks", None)
    for key, ok, *why in (checks() if checks else ()):
        if not ok:
            what = why[0] if why else f"is out of range: {_get_path(cfg, key)!r}"
            raise ConfigError(f"config key '{prefix}{key}' {what}")
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value):
            check_tree(value, f"{prefix}{f.name}.")


def _get_path(cfg: Any, key: str) -> Any:
    for part in key.split("."):
        cfg = getattr(cfg, part)
    return cfg


def config_to_dict(cfg: Any) -> dict[str, Any]:
    """The tree as nested plain dicts and lists (tuples become lists), ready for YAML/JSON."""
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value
    return plain(dataclasses.asdict(cfg))


def config_to_yaml(cfg: Any) -> str:
    return yaml.safe_dump(config_to_dict(cfg), sort_keys=False)


def changed_keys(saved: Mapping[str, Any], current: Mapping[str, Any], *,
                 ignore: frozenset[str] = frozenset(), prefix: str = "") -> list[str]:
    """"key: old -> new" for every key path whose value differs between two config dicts,
    except the key paths in ``ignore``."""
    diffs = []
    for key in sorted(set(saved) | set(current)):
        path = prefix + key
        a, b = saved.get(key), current.get(key)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            diffs += changed_keys(a, b, ignore=ignore, prefix=path + ".")
        elif a != b and path not in ignore:
            diffs.append(f"{path}: {a!r} -> {b!r}")
    return diffs
