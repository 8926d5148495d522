"""MixUp and CutMix of rendered images, batched, on the device that holds the images.

Paper: a mixed image is ``sum_i w_i * img_i`` over k images of different programs with
``w ~ Dirichlet(1, ..., 1)``; CutMix pastes boxes whose areas follow the sampled weights.
"""
from __future__ import annotations

import torch


def dirichlet_weights(batch: int, k: int, generator: torch.Generator | None = None,
                      device: torch.device | str = "cpu") -> torch.Tensor:
    """``(batch, k)`` float32 weights, each row ~ Dirichlet(1, ..., 1) (normalised exponentials)."""
    e = -torch.log1p(-torch.rand(batch, k, generator=generator, dtype=torch.float64))
    return (e / e.sum(dim=1, keepdim=True)).to(device=device, dtype=torch.float32)


def mixup(images: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Weighted sums of groups of k images.

    Args:
        images: ``(B*k, 3, H, W)`` uint8 (any strides), group g = rows ``g*k .. g*k+k-1``.
        weights: ``(B, k)`` float, rows summing to 1.
    Returns:
        ``(B, 3, H, W)`` uint8, ``round(sum_i w_i * img_i)``.
    """
    b, k = weights.shape
    x = images.reshape(b, k, *images.shape[1:]).to(torch.float32)
    w = weights.to(device=images.device, dtype=torch.float32).view(b, k, 1, 1, 1)
    return (x * w).sum(dim=1).round_().clamp_(0, 255).to(torch.uint8)


def cutmix_boxes(weights: torch.Tensor, height: int, width: int,
                 generator: torch.Generator | None = None) -> torch.Tensor:
    """Boxes ``(B, k, 4)`` int64 as (y0, x0, y1, x1): box i of a group covers about ``w_i`` of
    the image (side ratios sqrt(w_i)); box 0 is the whole image (the background)."""
    b, k = weights.shape
    side = weights.double().sqrt()
    hh = (side * height).round().long().clamp(0, height)
    ww = (side * width).round().long().clamp(0, width)
    y0 = (torch.rand(b, k, generator=generator, dtype=torch.float64) * (height - hh + 1)).long()
    x0 = (torch.rand(b, k, generator=generator, dtype=torch.float64) * (width - ww + 1)).long()
    boxes = torch.stack([y0, x0, y0 + hh, x0 + ww], dim=-1)
    boxes[:, 0] = torch.tensor([0, 0, height, width])
    return boxes


def cutmix(images: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    """Paste image i of each group into its box, in order (later boxes on top).

    Args:
        images: ``(B*k, 3, H, W)`` uint8; boxes: ``(B, k, 4)`` from ``cutmix_boxes``.
    Returns:
        ``(B, 3, H, W)`` uint8.
    """
    b, k = boxes.shape[:2]
    h, w = images.shape[-2:]
    groups = images.reshape(b, k, 3, h, w)
    ys = torch.arange(h, device=images.device).view(1, h, 1)
    xs = torch.arange(w, device=images.device).view(1, 1, w)
    out = groups[:, 0].clone()
    bx = boxes.to(images.device)
    for i in range(1, k):
        y0, x0, y1, x1 = (bx[:, i, j].view(b, 1, 1) for j in range(4))
        inside = ((ys >= y0) & (ys < y1) & (xs >= x0) & (xs < x1)).unsqueeze(1)
        out = torch.where(inside, groups[:, i], out)
    return out


def is_constant(images: torch.Tensor) -> bool:
    """True if every pixel of every image ``(N, 3, H, W)`` has the same colour."""
    first = images[:1, :, :1, :1]
    return bool((images == first).all())


def is_static(images: torch.Tensor) -> bool:
    """True if all samples ``(N, 3, H, W)`` are identical."""
    return bool((images == images[:1]).all())
