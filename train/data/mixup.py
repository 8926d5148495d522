"""MixUp of k images of different programs (Baradad et al. 2022, sec. 4.3: "MixUp-6").

A mixed image is sum_i w_i * img_i with w ~ Dirichlet(1, ..., 1). The weights and the weighted
sum are render_vk's (``render_vk.mixing``, which loads no Vulkan): one MixUp for the render CLI
and for live training, in two layouts. Here: which programs to mix.
"""

from __future__ import annotations

import torch
from torch import Tensor


def dirichlet_ones(batch: int, k: int, generator: torch.Generator) -> Tensor:
    """(batch, k) float32 weights ~ Dirichlet(1, ..., 1) on the CPU (render_vk's sampler: the
    renderer owns MixUp's weights; importing render_vk.mixing loads no Vulkan)."""
    from render_vk.mixing import dirichlet_weights

    return dirichlet_weights(batch, k, generator)


def distinct_programs(batch: int, k: int, num_programs: int, generator: torch.Generator) -> Tensor:
    """(batch, k) int64 program ids, distinct within each row, uniform over [0, num_programs).

    Small problems draw without replacement directly; large ones (a 1.3M-image fixed dataset over
    21k programs) redraw the rare rows that repeat a program, which needs no (batch, P) matrix.
    """
    if k > num_programs:
        raise ValueError(f"mixup of {k} images needs at least {k} programs, have {num_programs}")
    if batch * num_programs <= 1 << 22:
        weights = torch.ones(batch, num_programs)
        return torch.multinomial(weights, k, replacement=False, generator=generator)
    ids = torch.randint(num_programs, (batch, k), generator=generator)
    while True:
        ordered = ids.sort(dim=1).values
        repeats = (ordered[:, 1:] == ordered[:, :-1]).any(dim=1)
        count = int(repeats.sum())
        if count == 0:
            return ids
        ids[repeats] = torch.randint(num_programs, (count, k), generator=generator)


def mix_components(components: Tensor, weights: Tensor) -> Tensor:
    """Weighted sum over components (render_vk's one MixUp, component-major layout).

    Args:
        components: (k * B, 3, H, W) uint8 or float, component-major: rows [i*B, (i+1)*B) hold
            component i of every image; any strides, any device.
        weights: (B, k) float, rows summing to 1 (moved to the components' device).

    Returns:
        (B, 3, H, W) float32 in [0, 1] on the components' device.
    """
    from render_vk.mixing import mixup

    return mixup(components, weights, layout="component", out_dtype=torch.float32)
