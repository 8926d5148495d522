"""What a run folder records about itself before its first step.

``config.yaml`` (the resolved config), ``git_revision.txt`` (the code that runs) and
``command.txt`` (every command line that started or resumed the run, one per line).
"""
from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .atomic import write_text

CONFIG_NAME = "config.yaml"
REVISION_NAME = "git_revision.txt"
COMMAND_NAME = "command.txt"

_REPO = Path(__file__).resolve().parents[2]


def git_revision() -> str:
    """The revision of the code that runs: "<sha>[-dirty]", or "unknown (why)"."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=_REPO, capture_output=True,
                             text=True, timeout=10)
        if sha.returncode != 0:
            reason = (sha.stderr.strip() or "git failed").splitlines()[0]
            return f"unknown ({reason})"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=_REPO, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"unknown ({type(err).__name__}: {err})"
    return sha.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def command_line(argv: Sequence[str] | None = None) -> str:
    """The command that runs, shell-quoted (``argv`` without the interpreter, e.g.
    ``["-m", "train.moco", "--config", "x.yaml"]``; default ``sys.argv``)."""
    args = list(sys.argv if argv is None else argv)
    return shlex.join([sys.executable, *args])


def record_run(run_dir: str | Path, config_yaml: str, argv: Sequence[str] | None = None) -> None:
    """Write ``config.yaml`` and ``git_revision.txt`` and append the command to
    ``command.txt`` (so that resumes are visible)."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    write_text(run_dir / CONFIG_NAME, config_yaml)
    write_text(run_dir / REVISION_NAME, git_revision() + "\n")
    log = run_dir / COMMAND_NAME
    previous = log.read_text() if log.exists() else ""
    write_text(log, previous + command_line(argv) + "\n")
