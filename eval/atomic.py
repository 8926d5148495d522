"""Pictures, figures and tensors saved atomically through the project's one atomic writer
(``glsl_transpile.plumbing.atomic``): each is serialised in memory, then written under a
temporary name and renamed into place, so a killed job never leaves half a file.
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from glsl_transpile.plumbing.atomic import write_bytes, write_text
from train.checkpoint import save_torch

__all__ = ["save_figure", "save_image", "save_torch", "write_bytes", "write_text"]


def save_image(path: str | os.PathLike, image: Any, **save_kwargs: Any) -> Path:
    """Save a PIL image atomically; the format follows the file suffix."""
    buffer = io.BytesIO()
    fmt = Path(path).suffix.lstrip(".").upper().replace("JPG", "JPEG") or "PNG"
    image.save(buffer, format=fmt, **save_kwargs)
    return write_bytes(path, buffer.getvalue())


def save_figure(path: str | os.PathLike, figure: Any, dpi: int = 100) -> Path:
    """Save a matplotlib figure atomically as PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return write_bytes(path, buffer.getvalue())
