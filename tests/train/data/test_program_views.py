import torch

from tests.train.fakes import FakeRenderer, pattern_images
from train.config import LiveConfig
from train.data.program_views import ProgramTimeViewSource
from train.data.render_protocol import ProgramRenderer


def _source(sigma: float, fake: FakeRenderer) -> ProgramTimeViewSource:
    live = LiveConfig(time_sampling="random", time_sigma_seconds=sigma)
    return ProgramTimeViewSource(ProgramRenderer(fake, fake.num_programs), live, batch_size=6,
                                 steps_per_epoch=2, frames_per_program=10, seed=0)


def test_positive_is_same_program_at_a_nearby_time():
    fake = FakeRenderer(num_programs=5, size=16)
    batch = _source(0.25, fake).batch(0, 0)
    (p1, t1), (p2, t2) = fake.calls
    assert torch.equal(p1, p2) and torch.equal(batch.labels, p1)
    dt = t2 - t1
    assert 0 < dt.abs().max() < 1.5 and dt.std() > 0.05
    assert torch.equal(batch.views[0], pattern_images(p1, t1, 16))
    assert torch.equal(batch.views[1], pattern_images(p2, t2, 16))


def test_first_view_survives_the_renderer_reusing_its_buffer():
    fake = FakeRenderer(size=16)
    batch = _source(1.0, fake).batch(0, 0)
    assert not torch.equal(batch.views[0], batch.views[1])


def test_zero_sigma_gives_identical_views_and_is_deterministic():
    batch = _source(0.0, FakeRenderer(size=16)).batch(2, 1)
    assert torch.equal(batch.views[0], batch.views[1])
    again = _source(0.0, FakeRenderer(size=16)).batch(2, 1)
    assert torch.equal(batch.views[0], again.views[0])
