"""Reading rendered program folders: ``OUT/<program>/<k:06d>.<png|jpg>`` (docs/DESIGN.md contract).

Owns listing programs, reading their first N samples as ``(N, H, W, 3) uint8`` and reading the
renderer's ``OUT/report.json``. Also reads a plain reference image folder (any layout).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
from PIL import Image

from eval.datasets import IMAGE_EXTENSIONS, resize_center_crop
from eval.errors import DatasetFormatError, ProgramFolderError

SAMPLE_NAME = re.compile(r"^(\d{6})\.(png|jpg|jpeg)$", re.IGNORECASE)


def sample_files(folder: Path) -> list[Path]:
    """The folder's sample images, sorted by their 6-digit index."""
    found = [(int(m.group(1)), folder / name) for name in os.listdir(folder)
             if (m := SAMPLE_NAME.match(name))]
    return [path for _, path in sorted(found)]


def list_programs(root: str | Path) -> list[Path]:
    """Sub-folders of ``root`` holding at least one sample image, sorted by name.

    Raises ProgramFolderError when ``root`` is not a folder or holds no program.
    """
    root = Path(root)
    if not root.is_dir():
        raise ProgramFolderError(str(root), "not a folder of rendered programs")
    programs = [p for p in sorted(root.iterdir()) if p.is_dir() and sample_files(p)]
    if not programs:
        raise ProgramFolderError(str(root), "no <program>/<k:06d>.png folders found")
    return programs


def read_program_images(folder: str | Path, n_images: int) -> np.ndarray:
    """The first ``n_images`` samples (by index) as ``(N, H, W, 3) uint8``, N <= n_images.

    Raises ProgramFolderError for an empty folder, an unreadable file or mixed image sizes.
    """
    folder = Path(folder)
    files = sample_files(folder)[:n_images]
    if not files:
        raise ProgramFolderError(str(folder), "no <k:06d>.png samples")
    images = []
    for path in files:
        try:
            with Image.open(path) as image:
                images.append(np.array(image.convert("RGB"), dtype=np.uint8))
        except OSError as err:
            raise ProgramFolderError(str(path), f"cannot decode image ({err})") from err
    if len({im.shape for im in images}) != 1:
        raise ProgramFolderError(str(folder), "samples have different sizes")
    return np.stack(images)


def read_render_report(root: str | Path) -> dict[str, dict]:
    """``OUT/report.json`` of the renderer keyed by program name, or ``{}`` when absent."""
    path = Path(root) / "report.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ProgramFolderError(str(path), f"unreadable render report ({err})") from err
    return data if isinstance(data, dict) else {}


def read_reference_images(root: str | Path, size: int, limit: int) -> np.ndarray:
    """Up to ``limit`` images found under ``root`` (recursive, sorted), centre-cropped to
    ``size`` x ``size``: ``(N, size, size, 3) uint8``. Raises DatasetFormatError if none."""
    root = Path(root)
    paths = sorted(Path(d) / f for d, _, files in os.walk(root, followlinks=True)
                   for f in files if f.lower().endswith(IMAGE_EXTENSIONS))[:limit]
    if not paths:
        raise DatasetFormatError(str(root), "no reference images found")
    images = []
    for path in paths:
        with Image.open(path) as image:
            images.append(np.array(resize_center_crop(image.convert("RGB"), size), np.uint8))
    return np.stack(images)
