"""Encoding and writing images off the render thread, atomically.

Each image is encoded (PNG or JPEG) and written to a temporary file in its folder, then renamed
into place: a killed job never leaves a truncated image.
"""
from __future__ import annotations

import io
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

from glsl_transpile.plumbing import atomic

from .errors import RenderError


class OutputError(RenderError):
    """The output folder cannot be written (read-only, full disk...)."""


def atomic_write_bytes(path: Path, data: bytes, prefix: str = atomic.TEMP_PREFIX) -> None:
    """Write ``data`` to ``path`` atomically (synced, then renamed); raises ``OutputError``."""
    try:
        atomic.write_bytes(path, data, prefix=prefix)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from err


def encode_image(rgb_hwc: np.ndarray, fmt: str, quality: int) -> bytes:
    """PNG or JPEG bytes of an ``(H, W, 3) uint8`` image."""
    buf = io.BytesIO()
    img = Image.fromarray(np.ascontiguousarray(rgb_hwc), "RGB")
    if fmt == "png":
        img.save(buf, format="PNG", compress_level=1)
    else:
        img.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


class ImageWriter:
    """A small thread pool that encodes and writes images; ``submit`` blocks while the images
    waiting to be written hold more than ``max_pending_bytes`` of pixels (so memory stays
    bounded whatever the resolution). ``on_written(path, size_bytes, tag)`` runs after each
    file is in place (on a writer thread)."""

    def __init__(self, fmt: str = "png", quality: int = 95, threads: int = 2,
                 max_pending_bytes: int = 512 << 20, tmp_prefix: str = ".tmp-",
                 on_written: Callable[[Path, int, object], None] | None = None):
        self.fmt, self.quality, self.tmp_prefix = fmt, quality, tmp_prefix
        self._pool = ThreadPoolExecutor(max_workers=threads)
        self._pending: deque[tuple[Future, int]] = deque()
        self._pending_bytes = 0
        self._max_pending_bytes = max_pending_bytes
        self._on_written = on_written

    def submit(self, path: Path, rgb_hwc: np.ndarray, tag: object = None) -> None:
        """Queue one image (the array is copied, so the caller may reuse its buffer)."""
        image = np.array(rgb_hwc, copy=True)
        self._pending.append((self._pool.submit(self._write, path, image, tag), image.nbytes))
        self._pending_bytes += image.nbytes
        while self._pending_bytes > self._max_pending_bytes and len(self._pending) > 1:
            self._pop()

    def _write(self, path: Path, image: np.ndarray, tag: object) -> None:
        data = encode_image(image, self.fmt, self.quality)
        atomic_write_bytes(path, data, self.tmp_prefix)
        if self._on_written is not None:
            self._on_written(path, len(data), tag)

    def _pop(self) -> None:
        future, size = self._pending.popleft()
        self._pending_bytes -= size
        future.result()

    def drain(self) -> None:
        """Wait for every pending write; re-raise the first write error."""
        while self._pending:
            self._pop()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            self._pool.shutdown(wait=True)


def remove_stale_temporaries(out: Path, prefix: str) -> int:
    """Delete temporaries a killed run left behind (only this rank's ``prefix``)."""
    return atomic.remove_temporaries(out, prefix)
