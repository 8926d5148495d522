"""Encoding and writing images off the render thread, atomically.

Each image is encoded (PNG or JPEG) and written to a temporary file in its folder, then renamed
into place: a killed job never leaves a truncated image.
"""
from __future__ import annotations

import io
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

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
    """A small thread pool that encodes and writes; ``submit`` blocks when too far behind."""

    def __init__(self, fmt: str = "png", quality: int = 95, threads: int = 2,
                 max_pending: int = 4096, tmp_prefix: str = ".tmp-"):
        self.fmt, self.quality, self.tmp_prefix = fmt, quality, tmp_prefix
        self._pool = ThreadPoolExecutor(max_workers=threads)
        self._pending: list[Future] = []
        self._max_pending = max_pending

    def submit(self, path: Path, rgb_hwc: np.ndarray) -> None:
        """Queue one image (the array is copied, so the caller may reuse its buffer)."""
        image = np.array(rgb_hwc, copy=True)
        self._pending.append(self._pool.submit(self._write, path, image))
        if len(self._pending) > self._max_pending:
            self.drain(self._max_pending // 2)

    def _write(self, path: Path, image: np.ndarray) -> None:
        atomic_write_bytes(path, encode_image(image, self.fmt, self.quality), self.tmp_prefix)

    def drain(self, keep: int = 0) -> None:
        """Wait until at most ``keep`` writes are pending; re-raise the first write error."""
        while len(self._pending) > keep:
            self._pending.pop(0).result()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            self._pool.shutdown(wait=True)


def remove_stale_temporaries(out: Path, prefix: str) -> int:
    """Delete temporaries a killed run left behind (only this rank's ``prefix``)."""
    return atomic.remove_temporaries(out, prefix)
