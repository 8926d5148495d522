from dataclasses import replace

import pytest
import torch

from train.augment import augment, sample_view_params
from train.config import AugmentConfig

AUG = AugmentConfig(crop_size=16)
IDENTITY = AugmentConfig(crop_size=24, crop_scale=(1.0, 1.0), crop_ratio=(1.0, 1.0),
                         jitter_prob=0.0, grayscale_prob=0.0, blur_prob=0.0, flip_prob=0.0,
                         mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0))


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _images(batch: int = 8, size: int = 24) -> torch.Tensor:
    return torch.randint(0, 256, (batch, 3, size, size), dtype=torch.uint8, generator=_gen(9))


def test_parameters_are_drawn_per_sample():
    p = sample_view_params(32, (40, 40), AUG, _gen())
    assert p.boxes.shape == (32, 4) and len({tuple(b) for b in p.boxes.tolist()}) == 32
    assert 0 < int(p.flip.sum()) < 32
    assert 0 < int(p.jitter_on.sum()) < 32 and 0 < int(p.gray.sum()) < 32
    on = p.jitter[p.jitter_on]
    assert len(set(on[:, 0].tolist())) == on.shape[0]  # brightness differs sample to sample
    assert len(set(p.blur_sigma.tolist())) == 32


def test_crop_boxes_respect_scale_ratio_and_bounds():
    p = sample_view_params(256, (30, 50), AUG, _gen(1))
    x1, y1, x2, y2 = p.boxes.unbind(1)
    assert (x1 >= 0).all() and (y1 >= 0).all()
    assert (x2 <= 50 + 1e-4).all() and (y2 <= 30 + 1e-4).all()
    area = (x2 - x1) * (y2 - y1) / (30 * 50)
    assert (area >= 0.2 - 1e-4).all() and (area <= 1 + 1e-4).all()
    ratio = (x2 - x1) / (y2 - y1)
    assert (ratio >= 3 / 4 - 1e-4).all() and (ratio <= 4 / 3 + 1e-4).all()


def test_one_image_repeated_gets_different_views():
    batch = _images(1).expand(8, -1, -1, -1)
    out = augment(batch, AUG, _gen())
    flat = out.flatten(1)
    assert all(not torch.allclose(flat[i], flat[j]) for i in range(8) for j in range(i))


def test_output_shape_dtype_and_range():
    out = augment(_images(), AUG, _gen())
    assert out.shape == (8, 3, 16, 16) and out.dtype == torch.float32 and out.is_contiguous()
    unnormalised = augment(_images(), replace(AUG, mean=(0.0,) * 3, std=(1.0,) * 3), _gen())
    assert unnormalised.min() >= 0.0 and unnormalised.max() <= 1.0


def test_identity_settings_reproduce_the_input():
    images = _images()
    out = augment(images, IDENTITY, _gen())
    assert torch.allclose(out, images.float() / 255, atol=1e-6)


def test_flip_and_grayscale_do_what_they_say():
    images = _images()
    flipped = augment(images, replace(IDENTITY, flip_prob=1.0), _gen())
    assert torch.allclose(flipped, images.flip(-1).float() / 255, atol=1e-6)
    gray = augment(images, replace(IDENTITY, grayscale_prob=1.0), _gen())
    assert torch.allclose(gray[:, 0], gray[:, 1]) and torch.allclose(gray[:, 1], gray[:, 2])


def test_strided_rgba_view_gives_the_same_views_as_a_contiguous_copy():
    rgba = torch.randint(0, 256, (6, 20, 20, 4), dtype=torch.uint8, generator=_gen(3))
    view = rgba[..., :3].permute(0, 3, 1, 2)  # what the renderer hands over
    assert not view.is_contiguous()
    out = augment(view, AUG, _gen(5))
    assert torch.equal(out, augment(view.contiguous(), AUG, _gen(5)))


def test_float_input_in_unit_range_matches_uint8():
    images = _images()
    assert torch.allclose(augment(images.float() / 255, AUG, _gen(2)),
                          augment(images, AUG, _gen(2)), atol=1e-5)


def test_same_generator_state_same_views():
    assert torch.equal(augment(_images(), AUG, _gen(4)), augment(_images(), AUG, _gen(4)))


def test_wrong_shape_is_rejected():
    with pytest.raises(ValueError, match=r"\(B, 3, H, W\)"):
        augment(torch.zeros(2, 4, 8, 8, dtype=torch.uint8), AUG, _gen())
