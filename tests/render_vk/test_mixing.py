"""render_vk.mixing: the one MixUp, in both layouts, against a slow obvious reference."""
from __future__ import annotations

import pytest
import torch

from render_vk.mixing import dirichlet_weights, mixup


def _reference(groups: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """groups (B, k, 3, H, W) float: pixel by pixel sum of w * img (float64)."""
    out = torch.zeros(groups.shape[0], *groups.shape[2:], dtype=torch.float64)
    for b in range(groups.shape[0]):
        for i in range(groups.shape[1]):
            out[b] += float(weights[b, i]) * groups[b, i].double()
    return out


def test_group_and_component_layouts_mix_the_same_images():
    gen = torch.Generator().manual_seed(0)
    groups = torch.randint(0, 256, (3, 6, 3, 5, 4), generator=gen, dtype=torch.uint8)
    weights = dirichlet_weights(3, 6, gen)
    by_group = groups.reshape(18, 3, 5, 4)
    by_component = groups.transpose(0, 1).reshape(18, 3, 5, 4)
    ref = _reference(groups, weights)
    assert torch.equal(mixup(by_group, weights),
                       ref.round().clamp(0, 255).to(torch.uint8))
    floats = mixup(by_component, weights, layout="component", out_dtype=torch.float32)
    torch.testing.assert_close(floats, (ref / 255).float(), atol=1e-5, rtol=0)
    assert torch.equal(mixup(by_component, weights, layout="component"),
                       mixup(by_group, weights))


def test_bad_layouts_and_counts_are_errors():
    images = torch.zeros(6, 3, 2, 2, dtype=torch.uint8)
    with pytest.raises(ValueError, match="layout 'rows'"):
        mixup(images, torch.full((2, 3), 1 / 3), layout="rows")
    with pytest.raises(ValueError, match="does not hold 2 x 2"):
        mixup(images, torch.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="uint8 output needs uint8"):
        mixup(images.float(), torch.full((2, 3), 1 / 3))
