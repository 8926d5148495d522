"""Exceptions of the `train` package: one base class, one subclass per failure a user can act on."""

from __future__ import annotations

# A config file, a `--set` override or a registry name is wrong: the project's one config error
# (shared plumbing), raised by every config tree, training's included.
from glsl_transpile.plumbing.config import ConfigError


class TrainError(Exception):
    """Base class of every error raised on purpose by `train` (ConfigError aside: it is the
    project's shared config error)."""


class CheckpointError(TrainError):
    """A checkpoint is missing, corrupt or does not match the model; the message names the file.

    Attributes:
        path: the checkpoint file.
        reason: one line saying what is wrong.
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"checkpoint {self.path}: {reason}")


__all__ = ["CheckpointError", "ConfigError", "TrainError"]
