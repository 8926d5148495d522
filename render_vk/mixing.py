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


MIX_LAYOUTS = ("group", "component")


def mixup(images: torch.Tensor, weights: torch.Tensor, *, layout: str = "group",
          out_dtype: torch.dtype = torch.uint8) -> torch.Tensor:
    """Weighted sums of k images each: ``sum_i w_i * img_i`` (the project's one MixUp).

    The sum runs on the images' device one component at a time, so memory stays at one float
    batch whatever k is.

    Args:
        images: ``(B*k, 3, H, W)`` uint8 (0..255) or float (0..1), any strides. ``layout``
            "group": image b's components are rows ``b*k .. b*k+k-1`` (the render CLI draws a
            group per image); "component": component i of every image is rows
            ``i*B .. i*B+B-1`` (live training renders one batch per component).
        weights: ``(B, k)`` float, rows summing to 1 (moved to the images' device).
        out_dtype: ``torch.uint8`` -> ``round(sum)`` clamped to 0..255 (uint8 images only);
            a float type -> the sum in [0, 1] (uint8 images are scaled by 1/255).
    Returns:
        ``(B, 3, H, W)`` of ``out_dtype``.
    Raises:
        ValueError: unknown layout, a row count that is not B*k, or uint8 output of float
            images.
    """
    b, k = weights.shape
    if layout not in MIX_LAYOUTS or images.shape[0] != b * k:
        raise ValueError(f"mixup: layout {layout!r} (valid: {', '.join(MIX_LAYOUTS)}) of "
                         f"{images.shape[0]} images does not hold {b} x {k} components")
    uint8_in = images.dtype == torch.uint8
    if out_dtype == torch.uint8 and not uint8_in:
        raise ValueError("mixup: uint8 output needs uint8 images")
    w = weights.to(device=images.device, dtype=torch.float32)
    if uint8_in and out_dtype != torch.uint8:
        w = w / 255.0
    mixed = torch.zeros((b, *images.shape[1:]), device=images.device)
    for i in range(k):
        part = images[i::k] if layout == "group" else images[i * b:(i + 1) * b]
        mixed.add_(part.to(torch.float32) * w[:, i].view(-1, 1, 1, 1))
    if out_dtype == torch.uint8:
        return mixed.round_().clamp_(0, 255).to(torch.uint8)
    return mixed.clamp_(0.0, 1.0).to(out_dtype)


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
