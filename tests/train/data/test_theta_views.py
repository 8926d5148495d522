"""Parameter-space views: positives are the anchor's theta moved by a truncated Gaussian, kept in
the prior box; small sigma gives closer pairs than large sigma, with a fake and with render_vk."""
import math

import pytest
import torch

from train.config import LiveConfig, load_config
from train.data.build import SourceContext, build_source
from train.data.render_protocol import ProgramParameters, ProgramRenderer
from train.data.theta_views import ProgramThetaViewSource, perturb, truncated_normal
from train.errors import ConfigError

SIZE = 16


class FakeThetaRenderer:
    """Program p draws a grating of frequency theta[0] and phase theta[1] + t."""

    def __init__(self):
        self.calls = []

    def __call__(self, program_ids, times_seconds, params=None):
        self.calls.append((program_ids.clone(), times_seconds.clone(), params))
        coords = (torch.arange(SIZE, dtype=torch.float32) + 0.5) / SIZE
        y, x = torch.meshgrid(coords, coords, indexing="ij")
        images = []
        for p, t, theta in zip(program_ids.tolist(), times_seconds.tolist(), params):
            wave = torch.sin(2 * math.pi * (theta[0] * (x + 0.3 * p * y) + theta[1] + t))
            images.append((127.5 + 127.5 * wave).round().to(torch.uint8).expand(3, -1, -1))
        return torch.stack(images)


BOX = ProgramParameters(torch.tensor([3.0, 0.5]), torch.tensor([1.0, 0.0]),
                        torch.tensor([6.0, 1.0]))


def _source(sigma=0.2, views="theta", renderer=None, parameters=(BOX, None, BOX)):
    renderer = renderer or FakeThetaRenderer()
    live = LiveConfig(time_sampling="random", theta_sigma=sigma, theta_views=views)
    return ProgramThetaViewSource(ProgramRenderer(renderer, 3, parameters=list(parameters)),
                                  live, batch_size=32, steps_per_epoch=2,
                                  frames_per_program=4, seed=0)


def _pair_distance(batch):
    a, b = (v.float() / 255 for v in batch.views)
    return float((a - b).pow(2).mean())


def test_truncated_normal_is_bounded_with_unit_scale_inside():
    x = truncated_normal(20000, torch.Generator().manual_seed(0))
    assert x.abs().max() <= 2.0 and abs(float(x.mean())) < 0.03
    assert 0.83 < float(x.std()) < 0.91  # std of N(0, 1) cut at +-2 is 0.880


def test_positive_stays_in_the_box_and_moves_by_about_sigma_of_the_prior():
    gen = torch.Generator().manual_seed(1)
    theta = BOX.values.expand(4000, 2)
    moved = torch.stack([perturb(t, BOX, 0.2, gen) for t in theta])
    assert ((moved >= BOX.low) & (moved <= BOX.high)).all()
    std = (BOX.high - BOX.low) / math.sqrt(12)
    assert ((moved - theta).abs() <= 2 * 0.2 * std + 1e-6).all()
    assert torch.allclose((moved - theta).std(0), 0.88 * 0.2 * std, rtol=0.1)


def test_pairs_are_same_program_same_time_and_only_programs_with_theta():
    fake = FakeThetaRenderer()
    batch = _source(renderer=fake).batch(0, 0)
    (p1, t1, th1), (p2, t2, th2) = fake.calls
    assert torch.equal(p1, p2) and torch.equal(t1, t2) and torch.equal(batch.labels, p1)
    assert set(p1.tolist()) == {0, 2}
    assert all(not torch.equal(a, b) for a, b in zip(th1, th2))
    fake = FakeThetaRenderer()
    _source(renderer=fake, views="both").batch(0, 0)
    assert not torch.equal(fake.calls[0][1], fake.calls[1][1])


def test_small_sigma_gives_closer_pairs_than_large_sigma_and_is_deterministic():
    near = [_pair_distance(_source(0.05).batch(0, s)) for s in range(2)]
    far = [_pair_distance(_source(1.0).batch(0, s)) for s in range(2)]
    assert max(near) < min(far)
    assert torch.equal(_source(0.3).batch(1, 1).views[1], _source(0.3).batch(1, 1).views[1])


def test_bad_settings_and_programs_without_theta_are_config_errors():
    with pytest.raises(ConfigError, match="theta_views"):
        _source(views="space")
    with pytest.raises(ConfigError, match="latent parameters"):
        _source(parameters=(None, None, None))


def test_generated_programs_through_render_vk_small_sigma_is_closer():
    """The real path: synth spec -> render_vk live renderer -> theta views."""
    distances = {}
    for sigma in (0.05, 1.0):
        cfg = load_config(None, ["data.source=program_theta", "data.live.programs=[synth:4@300]",
                                 "data.resolution=32", "data.images_per_epoch=64",
                                 f"data.live.theta_sigma={sigma}",
                                 "data.live.time_sampling=random"])
        source = build_source(cfg.data, SourceContext(16, 0, 0, 1, torch.device("cpu")))
        distances[sigma] = sum(_pair_distance(source.batch(0, s)) for s in range(2))
        assert source.num_classes == 4
    assert distances[0.05] < distances[1.0]
