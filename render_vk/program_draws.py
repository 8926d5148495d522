"""Which program each image of a long run draws: uniformly over all programs, shard by shard,
or balanced.

Uniform draws over 21k (or 100k) programs touch every program every few batches, so every
batch needs pipelines made afresh and the working set is the whole corpus. Shard draws keep it
bounded: the programs are shuffled once per pass and cut into shards of about ``shard_size``;
``shard_images`` consecutive images draw uniformly from one shard, then the next shard follows.

Trade-off (documented in the README): every program lands in exactly one shard per pass and
every shard gets the same number of images, so each program is drawn at the same rate as with
uniform draws (shards differ in size by one program at most, so rates by less than
``1 / shard_size``), and over a pass the counts spread like uniform ones. What changes is
locality: within a shard's stretch of the run only its programs appear, so a batch mixes fewer
programs than the corpus holds (choose ``shard_images`` large against the cost of making a
shard's pipelines, small against the length of the run).

Balanced draws (``balanced=True``, one program an image) hold a fixed image budget evenly:
images ``n*P .. (n+1)*P - 1`` take the ``P`` programs in the order of pass ``n``'s shuffle, so
``T`` images give every program ``T // P`` or one more. This is what a study at a fixed image
budget wants: with 1000 programs and 2688 images, uniform draws leave about 1000 * e^-2.7 = 67
programs without any image, and the split per program is Poisson-like instead of 2 or 3.

Every draw is a pure function of (seed, image index), so splits, ranks and resumes agree.
Pure numpy: train's live sources use it too (it imports no Vulkan).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_PASS_KEY = 0x5A4D  # separates the shuffle of a pass from the per-image draws


@dataclass(frozen=True)
class ProgramDraws:
    """``programs`` programs; ``shard_size`` 0 draws uniformly over all of them, unless
    ``balanced`` (each program once a pass of ``programs`` images; no shards)."""

    programs: int
    seed: int = 0
    shard_size: int = 0
    shard_images: int = 0
    balanced: bool = False

    def __post_init__(self):
        if self.programs < 1:
            raise ValueError("ProgramDraws: no program to draw from")
        if self.shard_size < 0 or (self.shard_size and self.shard_images < 1):
            raise ValueError("ProgramDraws: shard_size >= 0, and shard_images >= 1 with shards")
        if self.balanced and self.sharded:
            raise ValueError("ProgramDraws: balanced draws take no shards")

    @property
    def sharded(self) -> bool:
        return 0 < self.shard_size < self.programs

    @property
    def shards_per_pass(self) -> int:
        return -(-self.programs // self.shard_size) if self.sharded else 1

    def pool(self, image: int) -> np.ndarray:
        """The programs image ``image`` draws from: all of them, or its shard's."""
        if not self.sharded:
            return np.arange(self.programs)
        shard = image // self.shard_images
        return _shard(self.programs, self.seed, self.shards_per_pass, shard)

    def draw(self, image: int, k: int = 1) -> np.ndarray:
        """``k`` distinct programs for image ``image`` (``(k,) int64``)."""
        if self.balanced:
            if k != 1:
                raise ValueError("ProgramDraws: balanced draws are of one program an image")
            order = _pass_order(self.programs, self.seed, image // self.programs)
            return order[image % self.programs: image % self.programs + 1].astype(np.int64)
        pool = self.pool(image)
        if k > len(pool):
            raise ValueError(f"{k} distinct programs per image from a pool of {len(pool)}: "
                             "raise the shard size")
        if k == 1:
            picks = np.random.default_rng([self.seed, image]).integers(len(pool), size=1)
        else:
            picks = np.random.default_rng([self.seed, image, k]).choice(len(pool), size=k,
                                                                        replace=False)
        return pool[picks].astype(np.int64)


@lru_cache(maxsize=4)
def _pass_order(programs: int, seed: int, pass_index: int) -> np.ndarray:
    return np.random.default_rng([seed, pass_index, _PASS_KEY]).permutation(programs)


def _shard(programs: int, seed: int, shards: int, shard: int) -> np.ndarray:
    order = _pass_order(programs, seed, shard // shards)
    j = shard % shards
    lo, hi = j * programs // shards, (j + 1) * programs // shards  # sizes differ by one at most
    return order[lo:hi]
