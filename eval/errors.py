"""Exceptions of the ``eval`` package.

Every failure a user can act on has its own class under :class:`EvalError`, so a batch job can
catch the base class per program and go on. ``str(err)`` names the input and fits on one line.
"""
from __future__ import annotations


class EvalError(Exception):
    """Base class of every error raised on purpose by ``eval``."""


class ConfigError(EvalError):
    """A config key, value or named choice is wrong; the message names the key path."""


class CheckpointError(EvalError):
    """A backbone checkpoint cannot be read or does not fit the named backbone."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class DatasetNotFoundError(EvalError):
    """An offline dataset is not on this machine; the message says which package installs it."""

    def __init__(self, dataset: str, searched: list[str], install_hint: str):
        where = ", ".join(searched) if searched else "(no location given)"
        super().__init__(f"dataset {dataset!r} not found (looked in {where}); {install_hint}")
        self.dataset = dataset
        self.searched = list(searched)
        self.install_hint = install_hint


class DatasetFormatError(EvalError):
    """A dataset file or folder exists but its content is not what the loader expects."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class ProgramFolderError(EvalError):
    """A rendered program folder (``OUT/<program>/<k:06d>.png``) is empty or unreadable."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class WeightsRequiredError(EvalError):
    """A metric needs user-supplied weights (LPIPS, Inception) that were not given or not found."""
