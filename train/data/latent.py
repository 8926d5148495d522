"""GenRep-style latent views (Jahanian et al. 2022): two images of nearby latents of a generator.

Any torch callable G(z): (B, latent_dim) float -> (B, 3, H, W) images in [0, 1] (float) or uint8
can serve, e.g. a GAN generator wrapped to rescale its [-1, 1] output. The anchor is G(z), the
positive G(z + sigma * eps) with z, eps ~ N(0, I); every sample is its own class.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator

import torch
from torch import Tensor, nn

from train.data.batch import ViewBatch, check_images
from train.seeding import step_generator
from train.errors import ConfigError

ImageGenerator = Callable[[Tensor], Tensor]  # G: latents (B, D) -> images (B, 3, H, W)


def load_generator(spec: str, device: torch.device) -> ImageGenerator:
    """Import "package.module:factory", call factory() and return G (an nn.Module goes to device).

    Raises:
        ConfigError: bad spec, import failure or missing attribute; names data.latent.generator.
    """
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"data.latent.generator={spec!r}: expected 'package.module:factory'")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as err:
        raise ConfigError(f"data.latent.generator={spec!r}: {err}") from err
    generator = factory()
    if isinstance(generator, nn.Module):
        generator = generator.to(device).eval()
    return generator


class LatentViewSource:
    """Two-view batches (G(z), G(z + sigma * eps)) for one rank.

    Args:
        generator: G, called under no_grad on latents placed on `device`.
        latent_dim: size of z. sigma: std of the latent offset of the positive view.
        batch_size: per rank. steps_per_epoch: batches per (virtual) epoch.
        seed, rank, world_size: latents of step s of epoch e come from (seed, rank, e, s).
    """

    num_classes: int | None = None

    def __init__(self, generator: ImageGenerator, *, latent_dim: int, sigma: float, batch_size: int,
                 steps_per_epoch: int, seed: int, rank: int = 0, world_size: int = 1,
                 device: torch.device | str = "cpu") -> None:
        self.generator, self.latent_dim, self.sigma = generator, latent_dim, sigma
        self.batch_size, self.steps = batch_size, steps_per_epoch
        self.seed, self.rank, self.world_size = seed, rank, world_size
        self.device = torch.device(device)

    def close(self) -> None:
        """Nothing to free: loaders end with their epoch."""

    def steps_per_epoch(self) -> int:
        return self.steps

    def batches(self, epoch: int, start_step: int = 0) -> Iterator[ViewBatch]:
        for step in range(start_step, self.steps):
            yield self.batch(epoch, step)

    @torch.no_grad()
    def batch(self, epoch: int, step: int) -> ViewBatch:
        """The batch of (epoch, step): views (B, 3, H, W) and unique sample ids (B,) int64."""
        gen = step_generator(self.seed, self.rank, epoch, step)
        z = torch.randn(self.batch_size, self.latent_dim, generator=gen)
        eps = torch.randn(self.batch_size, self.latent_dim, generator=gen)
        z = z.to(self.device)
        anchor = self.generator(z)
        check_images(anchor, self.batch_size, "latent generator")
        positive = self.generator(z + self.sigma * eps.to(self.device))
        check_images(positive, self.batch_size, "latent generator")
        first = ((epoch * self.steps + step) * self.world_size + self.rank) * self.batch_size
        labels = torch.arange(first, first + self.batch_size, dtype=torch.long)
        return ViewBatch((anchor, positive), labels)
