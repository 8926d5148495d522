"""eval.program_metrics on images with known answers."""
from __future__ import annotations

import numpy as np
import pytest

from eval.errors import EvalError
from eval.program_metrics import (basic_metrics, colour_stats, frechet_distance, gzip_bytes,
                                  half_area_box, is_constant, is_static, jpeg_bytes,
                                  self_distance)

H = W = 64


def constant_images(n=4):
    return np.full((n, H, W, 3), (200, 40, 10), np.uint8)


def noise_images(n=4, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, H, W, 3), dtype=np.uint8)


def test_constant_image_compresses_to_almost_nothing_and_is_flagged():
    images = constant_images()
    raw = H * W * 3
    assert gzip_bytes(images[0]) < 0.01 * raw
    row = basic_metrics(images)
    assert row["constant"] is True and row["static"] is True
    assert row["std_r"] == pytest.approx(0.0, abs=1e-12)
    assert row["mean_r"] == pytest.approx(200 / 255)


def test_random_noise_compresses_badly():
    image = noise_images()[0]
    raw = H * W * 3
    assert gzip_bytes(image) > 0.95 * raw
    assert jpeg_bytes(image) > 2 * jpeg_bytes(constant_images()[0])
    assert not is_constant(noise_images())


def test_static_program_is_flagged_static_but_not_constant():
    frame = noise_images(1)[0]
    images = np.stack([frame] * 5)
    assert is_static(images) and not is_constant(images)
    moving = images.copy()
    moving[3, 0, 0, 0] ^= 1
    assert not is_static(moving)


def test_constant_per_frame_but_changing_colour_is_not_constant():
    images = constant_images(2)
    images[1] = 7
    assert not is_constant(images) and not is_static(images)


def test_constant_image_has_maximal_self_similarity():
    rng = np.random.default_rng(0)
    def l2(a, b):
        return (a.float() - b.float()).flatten(1).norm(dim=1)
    assert self_distance(constant_images(), l2, rng) == 0.0
    assert self_distance(noise_images(), l2, rng) > 100.0


def test_half_area_box_covers_half_the_image():
    rng = np.random.default_rng(1)
    for _ in range(20):
        top, left, h, w = half_area_box(100, 60, rng)
        assert abs(h * w - 3000) / 3000 < 0.03
        assert 0 <= top <= 100 - h and 0 <= left <= 60 - w


def test_colour_stats_of_pure_red_and_grey():
    red = np.zeros((1, 4, 4, 3), np.uint8)
    red[..., 0] = 255
    assert colour_stats(red)["saturation"] == 1.0
    grey = np.full((1, 4, 4, 3), 128, np.uint8)
    assert colour_stats(grey)["saturation"] == 0.0
    assert colour_stats(red)["colour_spread"] == colour_stats(grey)["colour_spread"] == 0.0
    halves = np.zeros((2, 2, 2, 3), np.uint8)
    halves[1, ..., 1] = 255                      # green is 0 in half the pixels, 1 in the rest
    assert colour_stats(halves)["colour_spread"] == pytest.approx(0.5 / 3)


def test_frechet_distance_closed_forms():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(400, 5))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    shift = np.array([1.0, -2.0, 0.5, 0.0, 3.0])
    assert frechet_distance(a, a + shift) == pytest.approx(float(shift @ shift), rel=1e-6)
    # Scaling by 2: covariances S and 4S, so Tr(S + 4S - 2 * 2S) = Tr(S); means m and 2m.
    b = np.random.default_rng(1).normal(size=(50, 3))
    expected = np.trace(np.cov(b, rowvar=False)) + float(b.mean(axis=0) @ b.mean(axis=0))
    assert frechet_distance(b, 2 * b) == pytest.approx(expected, rel=1e-9)


def _reference_frechet(a, b):
    """Textbook formula with Tr sqrt(Ca Cb) = sum sqrt(eig(Ca Cb)), eigenvalues real >= 0."""
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    trace_root = np.sqrt(np.clip(np.linalg.eigvals(ca @ cb).real, 0, None)).sum()
    return float(((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(ca) + np.trace(cb)
                 - 2 * trace_root)


@pytest.mark.parametrize("n, m, d", [(6, 9, 40), (60, 50, 4)], ids=["svd-route", "eig-route"])
def test_frechet_distance_routes_match_the_textbook_formula(n, m, d):
    rng = np.random.default_rng(2)
    a = rng.normal(size=(n, d))
    b = rng.normal(loc=0.3, size=(m, d)) @ rng.normal(size=(d, d))
    assert frechet_distance(a, b) == pytest.approx(_reference_frechet(a, b), rel=1e-6)


def test_frechet_distance_needs_two_samples():
    with pytest.raises(EvalError, match=">= 2 samples"):
        frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))


def test_colourfulness_is_zero_for_grey_and_high_for_saturated_colours():
    from eval.program_metrics import colourfulness
    grey = np.repeat(np.linspace(0, 255, H * W, dtype=np.uint8).reshape(1, H, W, 1), 3, axis=3)
    halves = np.zeros((1, H, W, 3), np.uint8)
    halves[:, :, : W // 2] = (255, 0, 0)
    halves[:, :, W // 2:] = (0, 0, 255)
    assert colourfulness(grey) == pytest.approx(0.0, abs=1e-9)
    assert colourfulness(halves) > 100


def test_fill_is_the_share_of_pixels_off_the_background():
    from eval.program_metrics import fill_fraction, image_colour_spread
    image = constant_images(1)
    assert fill_fraction(image) == 0.0
    assert image_colour_spread(image) == pytest.approx(0.0, abs=1e-9)
    image[0, :16, :] = (0, 0, 0)  # a quarter of the image differs from the background
    assert fill_fraction(image) == pytest.approx(0.25)
    assert fill_fraction(noise_images(1)) > 0.9


def test_perceptual_hash_ignores_brightness_and_small_noise_but_not_content():
    from eval.program_metrics import perceptual_hash
    y, x = np.mgrid[0:H, 0:W]
    blobs = sum(np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 60.0)
                for cx, cy in ((10, 12), (40, 20), (25, 50), (55, 55)))
    pattern = (40 + 150 * blobs + 0.8 * x).clip(0, 255).astype(np.uint8)
    image = np.repeat(pattern[..., None], 3, axis=2)
    brighter = np.clip(image.astype(int) + 20, 0, 255).astype(np.uint8)
    noisy = np.clip(image + np.random.default_rng(0).integers(-3, 4, image.shape), 0,
                    255).astype(np.uint8)
    other = noise_images(1)[0]
    h = perceptual_hash(image)
    assert h.shape == (64,) and h.dtype == bool
    assert (h != perceptual_hash(brighter)).sum() <= 2
    assert (h != perceptual_hash(noisy)).sum() <= 4
    assert (h != perceptual_hash(other)).sum() >= 16


def test_pixel_crop_distance_is_zero_for_equal_crops_and_sees_large_structure():
    import torch
    from eval.program_metrics import pixel_crop_distance
    flat = torch.full((2, 3, 40, 40), 90, dtype=torch.uint8)
    ramp = flat.clone()
    ramp[:, :, :, 20:] = 200
    assert pixel_crop_distance(flat, flat).tolist() == [0.0, 0.0]
    assert (pixel_crop_distance(flat, ramp) > 0.15).all()
