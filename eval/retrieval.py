"""Nearest-neighbour retrieval grids (the paper's Figure 4): each row a query, then its neighbours.

Owns the picture layout only; neighbours come from ``eval.knn.nearest_neighbours``.
Layout, in pixels, for ``rows`` queries, ``k`` neighbours and square tiles of side ``cell``::

    width  = PAD + (k + 1) * (cell + PAD) + GAP
    height = PAD + rows * (cell + PAD)

A ``GAP`` separates the query column. With ``matches`` given, each neighbour tile gets a
``BORDER``-pixel frame: green when its label equals the query's, red otherwise.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw

from eval import atomic

PAD = 2
GAP = 8
BORDER = 2
BACKGROUND = (255, 255, 255)
MATCH, MISMATCH = (40, 170, 60), (210, 40, 40)


def grid_size(rows: int, k: int, cell: int) -> tuple[int, int]:
    """``(width, height)`` of a grid of ``rows`` queries with ``k`` neighbours each."""
    return PAD + (k + 1) * (cell + PAD) + GAP, PAD + rows * (cell + PAD)


def _tile(image: np.ndarray, cell: int) -> Image.Image:
    pil = Image.fromarray(np.asarray(image, dtype=np.uint8)).convert("RGB")
    return pil if pil.size == (cell, cell) else pil.resize((cell, cell), Image.BILINEAR)


def retrieval_grid(queries: Sequence[np.ndarray], neighbours: Sequence[Sequence[np.ndarray]],
                   *, cell: int = 64, matches: np.ndarray | None = None) -> Image.Image:
    """Compose the grid.

    Args:
        queries: ``rows`` images, each ``(H, W, 3) uint8``.
        neighbours: ``rows`` lists of ``k`` images each, most similar first.
        cell: tile side in pixels (tiles are resized to it).
        matches: optional ``(rows, k) bool``: neighbour label equals query label.
    Returns:
        an RGB image of :func:`grid_size` ``(rows, k, cell)``.
    """
    rows = len(queries)
    k = len(neighbours[0]) if rows else 0
    canvas = Image.new("RGB", grid_size(rows, k, cell), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    for r in range(rows):
        top = PAD + r * (cell + PAD)
        canvas.paste(_tile(queries[r], cell), (PAD, top))
        for j in range(k):
            left = PAD + (j + 1) * (cell + PAD) + GAP
            canvas.paste(_tile(neighbours[r][j], cell), (left, top))
            if matches is not None:
                colour = MATCH if matches[r, j] else MISMATCH
                draw.rectangle([left, top, left + cell - 1, top + cell - 1], outline=colour,
                               width=BORDER)
    return canvas


def write_retrieval_grid(path: str | Path, queries: Sequence[np.ndarray],
                         neighbours: Sequence[Sequence[np.ndarray]], *, cell: int = 64,
                         matches: np.ndarray | None = None) -> Path:
    """Compose the grid and write it atomically as PNG. Returns the path."""
    grid = retrieval_grid(queries, neighbours, cell=cell, matches=matches)
    return atomic.save_image(path, grid)


def pick_queries(num_items: int, rows: int, seed: int) -> np.ndarray:
    """``min(rows, num_items)`` distinct query indices, seeded, in ascending order."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(num_items, size=min(rows, num_items), replace=False))
