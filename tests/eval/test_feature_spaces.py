"""eval.feature_spaces: LPIPS mechanics with stand-in weights; weights are never fetched."""
from __future__ import annotations

import pytest
import torch
import torchvision

from eval.errors import WeightsRequiredError
from eval.feature_spaces import ALEXNET_CHANNELS, inception_space, lpips_space


def _lpips_files(tmp_path):
    torch.manual_seed(0)
    alexnet = tmp_path / "alexnet.pt"
    # Only the convolutional trunk is used; the 230 MB classifier is left out of the file.
    state = torchvision.models.alexnet(weights=None).state_dict()
    torch.save({k: v for k, v in state.items() if k.startswith("features.")}, alexnet)
    lins = {f"lin{i}.model.1.weight": torch.rand(1, c, 1, 1)
            for i, c in enumerate(ALEXNET_CHANNELS)}
    lin = tmp_path / "alex.pth"
    torch.save(lins, lin)
    return str(lin), str(alexnet)


def test_lpips_is_zero_for_equal_images_and_positive_otherwise(tmp_path):
    space = lpips_space(*_lpips_files(tmp_path), size=64)
    gen = torch.Generator().manual_seed(0)
    a = torch.randint(0, 256, (2, 3, 40, 40), dtype=torch.uint8, generator=gen)
    b = torch.randint(0, 256, (2, 3, 40, 40), dtype=torch.uint8, generator=gen)
    assert space.distance(a, a).abs().max() < 1e-6
    assert (space.distance(a, b) > 0).all()
    assert "LPIPS" in space.label


def test_missing_weights_raise_instead_of_downloading(tmp_path):
    with pytest.raises(WeightsRequiredError, match="not given or not found"):
        lpips_space(str(tmp_path / "alex.pth"), "")
    with pytest.raises(WeightsRequiredError, match="Inception-v3"):
        inception_space(str(tmp_path / "inception.pt"))
