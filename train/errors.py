"""Exceptions of the `train` package: one base class, one subclass per failure a user can act on."""

from __future__ import annotations


class TrainError(Exception):
    """Base class of every error raised on purpose by `train`."""


class ConfigError(TrainError):
    """A config file, a `--set` override or a registry name is wrong; the message names the key."""


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
