"""Named choices: look a config string up in a dict registry with a helpful miss."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from train.errors import ConfigError

T = TypeVar("T")


def choose(registry: Mapping[str, T], name: str, *, key: str) -> T:
    """Return `registry[name]`.

    Args:
        registry: the valid names and what they stand for.
        name: the name given in the config.
        key: the config key path, e.g. "model.backbone", used in the error message.

    Raises:
        ConfigError: `name` is not in the registry; the message lists the valid names.
    """
    try:
        return registry[name]
    except KeyError:
        valid = ", ".join(sorted(registry))
        raise ConfigError(f"{key}={name!r} is not one of: {valid}") from None
