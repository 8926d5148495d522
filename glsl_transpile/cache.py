"""On-disk SPIR-V cache keyed by the kernel text and the compiler version.

Entries live in ``<dir>/<aa>/<sha256>.spv``; writes are atomic (``plumbing.atomic``), so
concurrent workers and killed jobs never leave a truncated entry.
The default folder is ``$GLSL_TRANSPILE_CACHE`` or ``~/.cache/glsl_transpile``.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .compiler import compiler_version
from .plumbing.atomic import write_bytes


def default_cache_dir() -> Path:
    env = os.environ.get("GLSL_TRANSPILE_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "glsl_transpile"


class SpirvCache:
    """Content-addressed store of compiled kernels."""

    def __init__(self, directory: str | os.PathLike | None = None):
        self.directory = Path(directory) if directory else default_cache_dir()
        self.version = compiler_version()

    def key(self, glsl: str) -> str:
        h = hashlib.sha256()
        h.update(self.version.encode())
        h.update(b"\0")
        h.update(glsl.encode("utf-8"))
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.spv"

    def get(self, glsl: str) -> bytes | None:
        """The cached SPIR-V for ``glsl`` or None. A damaged entry counts as a miss."""
        return self.get_by_key(self.key(glsl))

    def get_by_key(self, key: str) -> bytes | None:
        """The cached SPIR-V stored under ``key`` (``key(glsl)``) or None."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if len(data) < 20 or len(data) % 4 or data[:4] != b"\x03\x02\x23\x07":
            return None  # not a SPIR-V module (magic 0x07230203, little-endian)
        return data

    def put(self, glsl: str, spirv: bytes) -> None:
        write_bytes(self._path(self.key(glsl)), spirv, sync=False)  # a lost entry is a miss
