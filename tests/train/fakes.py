"""Test doubles: an analytic program renderer and synthetic image folders, all in torch."""

from __future__ import annotations

import math
from pathlib import Path

import torch
from torch import Tensor
from PIL import Image


class FakeRenderer:
    """A render callable as `train.data.render_protocol` describes, drawing analytic patterns.

    Program p is a sine grating with its own orientation, frequency and colour pair; time shifts
    its phase. Like the real renderer it returns a strided RGB view of one RGBA NHWC buffer that
    the next call overwrites, so sources that forget to copy are caught.
    """

    def __init__(self, num_programs: int = 6, size: int = 32) -> None:
        self.num_programs = num_programs
        self.size = size
        self.calls: list[tuple[Tensor, Tensor]] = []
        self.buffer = torch.empty(0, size, size, 4, dtype=torch.uint8)

    def __call__(self, program_ids: Tensor, times_seconds: Tensor) -> Tensor:
        assert program_ids.dtype == torch.int64 and times_seconds.dtype == torch.float32
        assert program_ids.device.type == "cpu" and times_seconds.device.type == "cpu"
        assert int(program_ids.min()) >= 0 and int(program_ids.max()) < self.num_programs
        self.calls.append((program_ids.clone(), times_seconds.clone()))
        rgb = pattern_images(program_ids, times_seconds, self.size)
        count = program_ids.shape[0]
        if self.buffer.shape[0] < count:
            self.buffer = torch.empty(count, self.size, self.size, 4, dtype=torch.uint8)
        self.buffer[:count, ..., :3] = rgb.permute(0, 2, 3, 1)
        self.buffer[:count, ..., 3] = 255
        return self.buffer[:count, ..., :3].permute(0, 3, 1, 2)


def pattern_images(program_ids: Tensor, times_seconds: Tensor, size: int) -> Tensor:
    """(N,) programs, (N,) seconds -> (N, 3, size, size) uint8 gratings (see FakeRenderer)."""
    p = program_ids.to(torch.float32)[:, None, None]
    t = times_seconds[:, None, None]
    coords = (torch.arange(size, dtype=torch.float32) + 0.5) / size
    y, x = torch.meshgrid(coords, coords, indexing="ij")
    angle = p * (math.pi / 7.0)
    freq = 2.0 + (p % 3)
    wave = torch.sin(2 * math.pi * (freq * (x * torch.cos(angle) + y * torch.sin(angle)) + t))
    value = (0.5 + 0.5 * wave)[:, None]
    hue = torch.stack([p % 2, (p // 2) % 2, (p // 4) % 2], dim=1).squeeze(-1).squeeze(-1)
    colour = (0.2 + 0.6 * hue)[:, :, None, None]
    rgb = value * colour + (1 - value) * (1 - colour)
    return (rgb * 255).round().clamp(0, 255).to(torch.uint8)


def class_pattern(label: int, size: int, gen: torch.Generator, *, colour: bool = True) -> Tensor:
    """(3, size, size) uint8: class-defined shape (vertical or horizontal stripes, checks, rings)
    with random frequency and phase; random colours if `colour`, else black on white."""
    coords = torch.arange(size, dtype=torch.float32) / size
    y, x = torch.meshgrid(coords, coords, indexing="ij")
    freq = 3.0 + 3.0 * torch.rand((), generator=gen)
    phase = 2 * math.pi * torch.rand((), generator=gen)
    if label == 0:
        field = torch.sin(2 * math.pi * freq * x + phase)
    elif label == 1:
        field = torch.sin(2 * math.pi * freq * y + phase)
    elif label == 2:
        field = torch.sin(2 * math.pi * freq * x + phase) * torch.sin(2 * math.pi * freq * y)
    else:
        cx, cy = torch.rand(2, generator=gen) * 0.5 + 0.25
        field = torch.sin(2 * math.pi * freq * torch.sqrt((x - cx) ** 2 + (y - cy) ** 2) + phase)
    mask = (field > 0).to(torch.float32)[None]
    fg, bg = torch.rand(2, 3, 1, 1, generator=gen)
    if not colour:
        fg, bg = torch.zeros(3, 1, 1), torch.ones(3, 1, 1)
    return ((mask * fg + (1 - mask) * bg) * 255).round().to(torch.uint8)


def write_image_folder(root: Path, *, classes: int, per_class: int, size: int,
                       seed: int = 0, colour: bool = True) -> Path:
    """Write root/class_<c>/<i>.png with `class_pattern` images; returns root."""
    gen = torch.Generator().manual_seed(seed)
    for label in range(classes):
        folder = root / f"class_{label}"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            write_png(class_pattern(label, size, gen, colour=colour), folder / f"{i:03d}.png")
    return root


def write_png(image: Tensor, path: Path) -> None:
    """Write (3, H, W) uint8 as PNG."""
    Image.fromarray(image.permute(1, 2, 0).contiguous().numpy()).save(path)
