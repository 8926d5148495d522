"""Exceptions of the ``eval`` package.

Every failure a user can act on has its own class under :class:`EvalError`, so a batch job can
catch the base class per program and go on. ``str(err)`` names the input and fits on one line.
"""
from __future__ import annotations

# The project's one config error (shared plumbing) and training's checkpoint error: eval reads
# the checkpoints train writes, so a bad one is the same failure here.
from glsl_transpile.plumbing.config import ConfigError
from train.errors import CheckpointError, TrainError


class EvalError(Exception):
    """Base class of every error raised on purpose by ``eval``."""


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


class InputFileError(EvalError):
    """An input file the user named (a scores CSV, a programs.json) is missing, unreadable or
    not in the expected form."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class WeightsRequiredError(EvalError):
    """A metric needs user-supplied weights (LPIPS, Inception) that were not given or not found."""


class StudyError(EvalError):
    """A study cannot run a cell: its programs cannot be listed or rendered, or the grid asks
    for more programs than the source has."""


# What an eval entry point reports as a one-line message and a non-zero exit, not a traceback.
USER_ERRORS = (EvalError, ConfigError, TrainError)

__all__ = ["USER_ERRORS", "CheckpointError", "ConfigError", "DatasetFormatError",
           "DatasetNotFoundError", "EvalError", "InputFileError", "ProgramFolderError",
           "StudyError", "WeightsRequiredError"]
