"""Batched augmentations on the batch's own device, with random parameters drawn per sample.

Owns the MoCo v2 "aug+" pipeline (Chen et al. 2020, "Improved Baselines with Momentum Contrastive
Learning", sec. 3): random resized crop, horizontal flip, colour jitter (p=0.8), grayscale (p=0.2),
gaussian blur (p=0.5), then normalisation. No PIL and no per-image Python loop: every step works
on the whole (B, 3, H, W) tensor with one parameter row per sample. Must not import render code.

Deliberate differences from torchvision's PIL pipeline, for speed on a batch:
- colour jitter applies brightness, contrast, saturation, hue in this fixed order (torchvision
  draws a random order per image);
- crop boxes are continuous (not rounded to whole pixels), and the crop is resampled by
  `roi_align`, which averages ceil(box/out) samples per output pixel: an area filter, so
  shrinking a 384 px render to a 64 px view does not alias.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor
from torchvision.ops import roi_align

from train.config import AugmentConfig

_GRAY_WEIGHTS = (0.299, 0.587, 0.114)  # ITU-R 601-2 luma, as torchvision
_CROP_TRIES = 10


@dataclass(frozen=True)
class ViewParams:
    """Random parameters of one view per sample; B = batch size.

    boxes: (B, 4) float crop boxes x1, y1, x2, y2 in input pixels (image spans [0, W] x [0, H]).
    flip: (B,) bool. jitter: (B, 4) float brightness, contrast, saturation factors and hue shift,
    already set to identity (1, 1, 1, 0) where `jitter_on` is False. jitter_on, gray, blur_on:
    (B,) bool. blur_sigma: (B,) float, pixels of the output view.
    """

    boxes: Tensor
    flip: Tensor
    jitter: Tensor
    jitter_on: Tensor
    gray: Tensor
    blur_on: Tensor
    blur_sigma: Tensor


def augment(images: Tensor, cfg: AugmentConfig, generator: torch.Generator) -> Tensor:
    """Augment a batch, each sample with its own random parameters.

    Args:
        images: (B, 3, H, W) uint8 in [0, 255] or float in [0, 1], any strides (e.g. a view of
            an RGBA buffer), on the device where the work should happen.
        cfg: augmentation settings; `cfg.crop_size` is the output side.
        generator: torch.Generator on `images.device`; its state decides every random draw.

    Returns:
        (B, 3, crop_size, crop_size) float32, normalised with cfg.mean / cfg.std.
    """
    x = to_unit_float(images)
    params = sample_view_params(x.shape[0], x.shape[-2:], cfg, generator)
    return apply_view_params(x, params, cfg)


def to_unit_float(images: Tensor) -> Tensor:
    """(B, 3, H, W) uint8 or float -> contiguous float32 in [0, 1] (floats are not rescaled)."""
    if images.dim() != 4 or images.shape[1] != 3:
        raise ValueError(f"expected images (B, 3, H, W), got shape {tuple(images.shape)}")
    if images.dtype == torch.uint8:
        return images.to(torch.float32).div_(255.0).contiguous()
    if not images.is_floating_point():
        raise ValueError(f"expected uint8 or float images, got {images.dtype}")
    return images.to(torch.float32).contiguous()


def sample_view_params(batch: int, size_hw: tuple[int, int] | torch.Size, cfg: AugmentConfig,
                       generator: torch.Generator) -> ViewParams:
    """Draw every random parameter of one view for `batch` samples of size (H, W)."""
    dev = generator.device

    def uniform(low: float, high: float, *shape: int) -> Tensor:
        return low + (high - low) * torch.rand(*shape, generator=generator, device=dev)

    def coin(p: float) -> Tensor:
        return torch.rand(batch, generator=generator, device=dev) < p

    boxes = sample_crop_boxes(batch, size_hw, cfg, generator)
    flip = coin(cfg.flip_prob)
    jitter = torch.stack([
        uniform(max(0.0, 1 - cfg.brightness), 1 + cfg.brightness, batch),
        uniform(max(0.0, 1 - cfg.contrast), 1 + cfg.contrast, batch),
        uniform(max(0.0, 1 - cfg.saturation), 1 + cfg.saturation, batch),
        uniform(-cfg.hue, cfg.hue, batch),
    ], dim=1)
    jitter_on = coin(cfg.jitter_prob)
    identity = torch.tensor([1.0, 1.0, 1.0, 0.0], device=dev)
    jitter = torch.where(jitter_on[:, None], jitter, identity)
    gray = coin(cfg.grayscale_prob)
    blur_on = coin(cfg.blur_prob)
    blur_sigma = uniform(cfg.blur_sigma[0], cfg.blur_sigma[1], batch)
    return ViewParams(boxes, flip, jitter, jitter_on, gray, blur_on, blur_sigma)


def sample_crop_boxes(batch: int, size_hw: tuple[int, int] | torch.Size, cfg: AugmentConfig,
                      generator: torch.Generator) -> Tensor:
    """RandomResizedCrop boxes, vectorised: up to 10 tries per sample, then a centre crop.

    Returns:
        (B, 4) float32 boxes x1, y1, x2, y2 in input pixels.
    """
    height, width = float(size_hw[0]), float(size_hw[1])
    dev = generator.device
    rand = torch.rand(batch, _CROP_TRIES, 4, generator=generator, device=dev)
    low, high = cfg.crop_scale
    area = height * width * (low + (high - low) * rand[..., 0])
    log_lo, log_hi = math.log(cfg.crop_ratio[0]), math.log(cfg.crop_ratio[1])
    ratio = torch.exp(log_lo + (log_hi - log_lo) * rand[..., 1])
    w = torch.sqrt(area * ratio)
    h = torch.sqrt(area / ratio)
    valid = (w <= width) & (h <= height)
    first = valid.to(torch.int8).argmax(dim=1)  # index of the first valid try
    pick = lambda t: t.gather(1, first[:, None]).squeeze(1)  # noqa: E731
    w, h, any_valid = pick(w), pick(h), valid.any(dim=1)
    x1 = pick(rand[..., 2]) * (width - w)
    y1 = pick(rand[..., 3]) * (height - h)
    fallback = _centre_crop_box(height, width, cfg.crop_ratio, dev)
    boxes = torch.stack([x1, y1, x1 + w, y1 + h], dim=1)
    return torch.where(any_valid[:, None], boxes, fallback)


def _centre_crop_box(height: float, width: float, ratio: tuple[float, float],
                     device: torch.device) -> Tensor:
    in_ratio = width / height
    if in_ratio < ratio[0]:
        w, h = width, width / ratio[0]
    elif in_ratio > ratio[1]:
        w, h = height * ratio[1], height
    else:
        w, h = width, height
    x1, y1 = (width - w) / 2, (height - h) / 2
    return torch.tensor([x1, y1, x1 + w, y1 + h], device=device)


def apply_view_params(x: Tensor, params: ViewParams, cfg: AugmentConfig) -> Tensor:
    """Apply sampled parameters to x (B, 3, H, W) float32 in [0, 1]; returns normalised views."""
    out = resized_crop(x, params.boxes, cfg.crop_size)
    out = torch.where(params.flip[:, None, None, None], out.flip(-1), out)
    out = colour_jitter(out, params.jitter, params.jitter_on)
    gray = rgb_to_gray(out).expand_as(out)
    out = torch.where(params.gray[:, None, None, None], gray, out)
    out = gaussian_blur(out, params.blur_sigma, params.blur_on, max_sigma=cfg.blur_sigma[1])
    mean = torch.tensor(cfg.mean, device=out.device).view(1, 3, 1, 1)
    std = torch.tensor(cfg.std, device=out.device).view(1, 3, 1, 1)
    return ((out - mean) / std).contiguous()


def resized_crop(x: Tensor, boxes: Tensor, size: int) -> Tensor:
    """Crop boxes (B, 4) out of x (B, C, H, W); resample each to (size, size), area-averaged."""
    index = torch.arange(x.shape[0], device=x.device, dtype=x.dtype)[:, None]
    rois = torch.cat([index, boxes.to(x.dtype)], dim=1)
    # aligned=True puts pixel i's centre at i + 0.5, matching the box convention above.
    return roi_align(x, rois, output_size=(size, size), spatial_scale=1.0,
                     sampling_ratio=-1, aligned=True)


def rgb_to_gray(x: Tensor) -> Tensor:
    """(B, 3, H, W) -> (B, 1, H, W) luma."""
    r, g, b = x.unbind(1)
    return (_GRAY_WEIGHTS[0] * r + _GRAY_WEIGHTS[1] * g + _GRAY_WEIGHTS[2] * b).unsqueeze(1)


def colour_jitter(x: Tensor, factors: Tensor, enabled: Tensor) -> Tensor:
    """Brightness, contrast, saturation, hue with per-sample factors (B, 4); see ViewParams."""
    view = lambda t: t.view(-1, 1, 1, 1)  # noqa: E731
    out = (x * view(factors[:, 0])).clamp(0, 1)
    mean = rgb_to_gray(out).mean(dim=(1, 2, 3), keepdim=True)
    out = (view(factors[:, 1]) * out + (1 - view(factors[:, 1])) * mean).clamp(0, 1)
    gray = rgb_to_gray(out)
    out = (view(factors[:, 2]) * out + (1 - view(factors[:, 2])) * gray).clamp(0, 1)
    out = shift_hue(out, factors[:, 3])
    return torch.where(view(enabled), out, x)


def shift_hue(x: Tensor, shift: Tensor) -> Tensor:
    """Rotate hue by `shift` (B,) turns (1.0 = 360 degrees) via HSV; x: (B, 3, H, W) in [0, 1]."""
    hue, sat, val = rgb_to_hsv(x).unbind(1)
    hue = torch.remainder(hue + shift.view(-1, 1, 1), 1.0)
    return hsv_to_rgb(torch.stack([hue, sat, val], dim=1))


def rgb_to_hsv(x: Tensor) -> Tensor:
    """(B, 3, H, W) RGB in [0, 1] -> HSV with hue in [0, 1) turns."""
    r, g, b = x.unbind(1)
    maxc, _ = x.max(dim=1)
    minc, _ = x.min(dim=1)
    delta = maxc - minc
    safe = torch.where(delta > 0, delta, torch.ones_like(delta))
    sat = delta / torch.where(maxc > 0, maxc, torch.ones_like(maxc))
    hue = torch.where(maxc == r, (g - b) / safe,
                      torch.where(maxc == g, 2.0 + (b - r) / safe, 4.0 + (r - g) / safe))
    hue = torch.where(delta > 0, torch.remainder(hue / 6.0, 1.0), torch.zeros_like(hue))
    return torch.stack([hue, sat, maxc], dim=1)


def hsv_to_rgb(x: Tensor) -> Tensor:
    """(B, 3, H, W) HSV (hue in turns) -> RGB, by f(n) = v - v s max(0, min(k, 4 - k, 1))."""
    hue, sat, val = x.unbind(1)
    channels = []
    for n in (5.0, 3.0, 1.0):
        k = torch.remainder(n + hue * 6.0, 6.0)
        channels.append(val - val * sat * torch.clamp(torch.minimum(k, 4.0 - k), 0.0, 1.0))
    return torch.stack(channels, dim=1)


def gaussian_blur(x: Tensor, sigma: Tensor, enabled: Tensor, *, max_sigma: float) -> Tensor:
    """Separable gaussian blur with a per-sample sigma (B,) in pixels; samples not `enabled` pass.

    The kernel radius is ceil(3 * max_sigma) for the whole batch (replicate padding), so one
    grouped convolution serves every sample.
    """
    batch, chans, height, width = x.shape
    radius = max(1, math.ceil(3 * max_sigma))
    offsets = torch.arange(-radius, radius + 1, device=x.device, dtype=x.dtype)
    kernel = torch.exp(-0.5 * (offsets[None, :] / sigma[:, None]) ** 2)
    kernel = (kernel / kernel.sum(dim=1, keepdim=True)).repeat_interleave(chans, dim=0)
    flat = x.reshape(1, batch * chans, height, width)
    flat = F.pad(flat, (radius, radius, 0, 0), mode="replicate")
    flat = F.conv2d(flat, kernel[:, None, None, :], groups=batch * chans)
    flat = F.pad(flat, (0, 0, radius, radius), mode="replicate")
    flat = F.conv2d(flat, kernel[:, None, :, None], groups=batch * chans)
    return torch.where(enabled.view(-1, 1, 1, 1), flat.view_as(x), x)
