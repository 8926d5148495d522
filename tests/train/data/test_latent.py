import pytest
import torch

from train.config import load_config
from train.data.build import SourceContext, build_source
from train.data.latent import LatentViewSource
from train.errors import ConfigError


class TinyGenerator(torch.nn.Module):
    """G(z): a fixed random linear map to 3 x 8 x 8 images in [0, 1]."""

    def __init__(self, latent_dim: int = 4) -> None:
        super().__init__()
        self.proj = torch.nn.Linear(latent_dim, 3 * 8 * 8)
        gen = torch.Generator().manual_seed(0)
        torch.nn.init.normal_(self.proj.weight, generator=gen)
        torch.nn.init.normal_(self.proj.bias, generator=gen)

    def forward(self, z):
        return torch.sigmoid(self.proj(z)).view(-1, 3, 8, 8)


def make_tiny_generator() -> TinyGenerator:  # named in configs as "module:make_tiny_generator"
    return TinyGenerator()


def _source(sigma: float, **kw) -> LatentViewSource:
    return LatentViewSource(TinyGenerator(), latent_dim=4, sigma=sigma, batch_size=5,
                            steps_per_epoch=3, seed=1, **kw)


def test_views_are_g_of_z_and_g_of_z_plus_noise():
    still = _source(0.0).batch(0, 0)
    assert torch.equal(still.views[0], still.views[1])
    moved = _source(0.5).batch(0, 0)
    assert torch.equal(moved.views[0], still.views[0])  # same z for the anchor
    assert not torch.equal(moved.views[0], moved.views[1])
    assert moved.views[0].shape == (5, 3, 8, 8) and moved.views[0].min() >= 0


def test_each_sample_is_its_own_class_across_steps_and_ranks():
    labels = [b.labels for r in range(2) for b in _source(0.1, rank=r, world_size=2).batches(0)]
    flat = torch.cat(labels)
    assert flat.unique().numel() == flat.numel() == 30


def test_batches_are_deterministic_per_step_and_resumable():
    full = list(_source(0.3).batches(1))
    tail = list(_source(0.3).batches(1, start_step=2))
    assert torch.equal(full[2].views[1], tail[0].views[1])
    assert not torch.equal(full[0].views[0], list(_source(0.3).batches(0))[0].views[0])


def test_config_loads_the_generator_factory():
    cfg = load_config(None, ["data.source=latent", "data.images_per_epoch=20",
                             f"data.latent.generator={__name__}:make_tiny_generator",
                             "data.latent.latent_dim=4"])
    source = build_source(cfg.data, SourceContext(5, 0, 0, 1, torch.device("cpu")))
    assert source.steps_per_epoch() == 4 and source.num_classes is None
    with pytest.raises(ConfigError, match="data.latent.generator"):
        build_source(load_config(None, ["data.source=latent",
                                        "data.latent.generator=nope.nothing:f"]).data,
                     SourceContext(5, 0, 0, 1, torch.device("cpu")))
