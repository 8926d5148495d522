"""Atomic file writes: a temporary file in the target's folder, synced, then ``os.replace``.

A killed job never leaves half a file, and a finished file survives a power cut (it is synced
before the rename). Files get the usual mode (``0666`` minus the umask), not ``mkstemp``'s
``0600``, so rendered datasets and caches are readable by the rest of a lab.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".tmp-"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_current_umask()


def write_bytes(path: str | os.PathLike, data: bytes, *, prefix: str = TEMP_PREFIX,
                sync: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically, creating parent folders.

    Args:
        prefix: name prefix of the temporary file (e.g. per rank, so that start-up cleaning
            of one process never deletes another's temporaries).
        sync: ``fsync`` the data before the rename.
    Returns:
        the path written.
    Raises:
        OSError: the folder cannot be created or written (read-only, full disk...); the
            temporary file is removed.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_text(path: str | os.PathLike, text: str, **kwargs) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (options as ``write_bytes``)."""
    return write_bytes(path, text.encode("utf-8"), **kwargs)


def remove_temporaries(folder: str | os.PathLike, prefix: str = TEMP_PREFIX) -> int:
    """Delete temporaries with ``prefix`` that a killed writer left under ``folder``;
    returns how many."""
    removed = 0
    for p in Path(folder).rglob(f"{prefix}*"):
        if p.is_file():
            p.unlink(missing_ok=True)
            removed += 1
    return removed
