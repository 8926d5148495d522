"""Per-program image metrics (paper Section 5), pure functions over ``(N, H, W, 3) uint8`` arrays.

Compressibility (gzip level 9 and JPEG quality 90 bytes per image), the ``constant`` /
``static`` flags with docs/DESIGN.md's meaning (constant: every pixel equal in every sample;
static: all samples identical), colour statistics, intra-image self-similarity (two random
crops each covering 50% of the image area, distance in a given space) and the Frechet distance
between feature sets.
For curation: per-image colour spread, fill (share of the image that is not background),
colourfulness (Hasler and Suesstrunk 2003), a pixel-space crop distance and a DCT perceptual hash.
"""
from __future__ import annotations

import gzip
import io
import math
from typing import Callable

import numpy as np
import torch
from PIL import Image

from eval.errors import EvalError


def gzip_bytes(image: np.ndarray) -> int:
    """Size of the raw ``(H, W, 3) uint8`` bytes after gzip (level 9, fixed mtime)."""
    return len(gzip.compress(np.ascontiguousarray(image).tobytes(), compresslevel=9, mtime=0))


def jpeg_bytes(image: np.ndarray, quality: int = 90) -> int:
    """Size of the image encoded as baseline JPEG at ``quality`` (4:2:0 subsampling)."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return buffer.tell()


def is_constant(images: np.ndarray) -> bool:
    """Every pixel of every sample has the same RGB value."""
    flat = images.reshape(-1, images.shape[-1])
    return bool((flat == flat[0]).all())


def is_static(images: np.ndarray) -> bool:
    """All samples are identical images."""
    return bool((images == images[:1]).all())


def colour_stats(images: np.ndarray) -> dict[str, float]:
    """Mean and std per RGB channel in [0, 1] over all pixels, their colour spread and the mean
    HSV saturation.

    ``colour_spread`` is the mean of the three channel stds (0 for one colour, 0.5 at most).
    Saturation is ``(max - min) / max`` per pixel (0 where ``max == 0``).
    """
    x = images.reshape(-1, 3).astype(np.float64) / 255.0
    hi, lo = x.max(axis=1), x.min(axis=1)
    sat = np.where(hi > 0, (hi - lo) / np.where(hi > 0, hi, 1.0), 0.0)
    stats = {f"mean_{c}": float(x[:, i].mean()) for i, c in enumerate("rgb")}
    stats.update({f"std_{c}": float(x[:, i].std()) for i, c in enumerate("rgb")})
    stats["colour_spread"] = float(np.mean([stats[f"std_{c}"] for c in "rgb"]))
    stats["saturation"] = float(sat.mean())
    return stats


def half_area_box(height: int, width: int, rng: np.random.Generator) -> tuple[int, int, int, int]:
    """A random ``(top, left, h, w)`` crop covering 50% of the area, same aspect ratio.

    Each side is scaled by ``1/sqrt(2)`` (rounded), so ``h * w ~= height * width / 2``.
    """
    h = max(1, round(height / math.sqrt(2)))
    w = max(1, round(width / math.sqrt(2)))
    return int(rng.integers(0, height - h + 1)), int(rng.integers(0, width - w + 1)), h, w


def crop_pairs(images: np.ndarray, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Two independent half-area crops per image: each ``(N, 3, h, w) uint8``."""
    n, height, width, _ = images.shape
    first, second = [], []
    for i in range(n):
        for out in (first, second):
            top, left, h, w = half_area_box(height, width, rng)
            out.append(torch.from_numpy(np.ascontiguousarray(images[i, top:top + h,
                                                                    left:left + w])))
    return (torch.stack(first).permute(0, 3, 1, 2).contiguous(),
            torch.stack(second).permute(0, 3, 1, 2).contiguous())


def self_distance(images: np.ndarray, distance: Callable[[torch.Tensor, torch.Tensor],
                                                         torch.Tensor],
                  rng: np.random.Generator) -> float:
    """Mean distance between two half-area crops of the same image (0 = perfectly self-similar).

    ``distance`` maps two ``(N, 3, h, w) uint8`` batches to ``(N,)`` distances.
    """
    a, b = crop_pairs(images, rng)
    return float(distance(a, b).mean())


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to two feature sets ``(N, D)``, ``(M, D)``.

    ``||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))`` (Heusel et al. 2017), float64.
    With centred, scaled samples ``A (D, N)`` and ``B (D, M)`` (``S_a = A A^T``), the trace of
    the square root equals the nuclear norm of ``A^T B``: a small ``N x M`` SVD when the sets
    are smaller than the feature width (program metrics), else ``sum sqrt(eig(S_a^(1/2) S_b
    S_a^(1/2)))`` in ``D x D``. Both are exact for covariances of any rank.
    Raises EvalError with fewer than 2 samples in either set or unequal widths.
    """
    a, b = np.asarray(features_a, np.float64), np.asarray(features_b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or min(len(a), len(b)) < 2 or a.shape[1] != b.shape[1]:
        raise EvalError(f"frechet_distance: need >= 2 samples of equal width, got {a.shape} "
                        f"and {b.shape}")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    centred_a = (a - mu_a) / math.sqrt(len(a) - 1)   # rows are columns of A
    centred_b = (b - mu_b) / math.sqrt(len(b) - 1)
    if len(a) * len(b) <= a.shape[1] ** 2:
        trace_root = np.linalg.svd(centred_a @ centred_b.T, compute_uv=False).sum()
    else:
        root_a = _psd_sqrt(centred_a.T @ centred_a)
        middle = root_a @ (centred_b.T @ centred_b) @ root_a
        trace_root = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    value = (((mu_a - mu_b) ** 2).sum() + (centred_a ** 2).sum() + (centred_b ** 2).sum()
             - 2 * trace_root)
    return float(max(value, 0.0))


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def basic_metrics(images: np.ndarray, jpeg_quality: int = 90) -> dict[str, float | bool | int]:
    """Everything that needs no feature space: sizes, flags and colour statistics."""
    row: dict[str, float | bool | int] = {
        "n_images": int(images.shape[0]),
        "gzip_bytes": float(np.mean([gzip_bytes(im) for im in images])),
        "jpeg_bytes": float(np.mean([jpeg_bytes(im, jpeg_quality) for im in images])),
        "constant": is_constant(images),
        "static": is_static(images),
    }
    row.update(colour_stats(images))
    return row


def image_colour_spread(images: np.ndarray) -> float:
    """Mean over RGB channels of each image's own standard deviation in [0, 1], averaged over
    images: 0 for flat images (even if they change over time, unlike ``colour_stats``'s
    ``colour_spread`` over all samples pooled), about 0.29 for uniform noise."""
    x = images.reshape(images.shape[0], -1, 3).astype(np.float64) / 255.0
    return float(x.std(axis=1).mean())


def fill_fraction(images: np.ndarray, tolerance: int = 24) -> float:
    """Share of pixels that differ from their image's background by more than ``tolerance``
    levels in some channel, averaged over images. The background is the most common colour
    after quantising each channel to 16 levels (0 for a flat image, near 1 for a busy one)."""
    shares = []
    for image in images:
        pixels = image.reshape(-1, 3).astype(np.int32)
        bins = (pixels >> 4) @ np.array([256, 16, 1])
        mode = np.bincount(bins).argmax()
        background = np.median(pixels[bins == mode], axis=0)
        shares.append(float((np.abs(pixels - background).max(axis=1) > tolerance).mean()))
    return float(np.mean(shares))


def colourfulness(images: np.ndarray) -> float:
    """Hasler and Suesstrunk's colourfulness (2003) on the 0..255 scale, averaged over images:
    ``sqrt(var(rg) + var(yb)) + 0.3 * sqrt(mean(rg)^2 + mean(yb)^2)`` with ``rg = R - G`` and
    ``yb = (R + G) / 2 - B`` (0 for grey images; above about 60 reads as very colourful)."""
    x = images.reshape(images.shape[0], -1, 3).astype(np.float64)
    rg = x[..., 0] - x[..., 1]
    yb = 0.5 * (x[..., 0] + x[..., 1]) - x[..., 2]
    spread = np.sqrt(rg.var(axis=1) + yb.var(axis=1))
    centre = np.sqrt(rg.mean(axis=1) ** 2 + yb.mean(axis=1) ** 2)
    return float((spread + 0.3 * centre).mean())


def pixel_crop_distance(a: torch.Tensor, b: torch.Tensor, side: int = 16) -> torch.Tensor:
    """Mean absolute difference in [0, 1] of two ``(N, 3, h, w) uint8`` batches, each crop
    box-filtered to ``side`` x ``side`` first (a cheap space for ``self_distance``: fine noise
    averages out, large-scale structure does not)."""
    def small(batch: torch.Tensor) -> np.ndarray:
        crops = batch.permute(0, 2, 3, 1).contiguous().numpy()
        return np.stack([np.asarray(Image.fromarray(c).resize((side, side), Image.BOX),
                                    dtype=np.float64) / 255.0 for c in crops])
    return torch.from_numpy(np.abs(small(a) - small(b)).mean(axis=(1, 2, 3)))


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    return np.cos(np.pi * (2 * np.arange(n)[None, :] + 1) * k / (2 * n)) * np.sqrt(2.0 / n)


_DCT32 = _dct_matrix(32)


def perceptual_hash(image: np.ndarray) -> np.ndarray:
    """64 bits ``(64,) bool`` of an ``(H, W, 3) uint8`` image: the grey image is area-resized
    to 32x32, transformed by a 2-D DCT, and the 8x8 lowest frequencies (DC left out, so the
    hash ignores overall brightness) are compared with their median. Near-identical images
    differ in few bits; unrelated images in about half."""
    grey = Image.fromarray(image).convert("L").resize((32, 32), Image.BOX)
    coeffs = _DCT32 @ np.asarray(grey, dtype=np.float64) @ _DCT32.T
    low = coeffs[:8, :8].reshape(-1)[1:]
    bits = np.zeros(64, dtype=bool)
    bits[1:] = low > np.median(low)
    return bits
