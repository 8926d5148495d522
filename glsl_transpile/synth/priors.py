"""Parameter priors and the generator's random draws.

Every sampled constant of a program is an entry of theta with a uniform prior ``U(low, high)``
(``Uniform``); a block file states each prior beside its parameter. Values baked into a file
are rounded to ``BAKED_DIGITS`` significant digits, so the decimal text a GLSL compiler reads
is the value itself (no double rounding between decimal, double and float32).

``Draws`` is the one source of randomness. It uses only ``random.Random.random()`` seeded with
a string: Python guarantees that this sequence stays the same across versions, which is what
"same (generator version, seed), same bytes" needs; every other draw is built from it here.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Sequence, TypeVar

BAKED_DIGITS = 4
T = TypeVar("T")


@dataclass(frozen=True)
class Uniform:
    """The prior ``U(low, high)`` of one theta entry."""

    low: float
    high: float

    @property
    def std(self) -> float:
        """Standard deviation, the scale parameter-space views measure sigma in."""
        return (self.high - self.low) / math.sqrt(12.0)

    def sample(self, draws: "Draws") -> float:
        """A value drawn from the prior, rounded for baking (kept inside the box)."""
        value = baked(draws.uniform(self.low, self.high))
        return min(max(value, self.low), self.high)


def baked(value: float) -> float:
    """``value`` rounded to ``BAKED_DIGITS`` significant digits."""
    return float(f"{value:.{BAKED_DIGITS}g}")


class Draws:
    """Seeded random choices for one program (see module doc)."""

    def __init__(self, version: int, seed: int):
        self._rng = random.Random(f"procedural-vk synth v{version} seed {seed}")

    def unit(self) -> float:
        """Uniform in [0, 1)."""
        return self._rng.random()

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.unit()

    def index(self, n: int) -> int:
        """Uniform in 0..n-1."""
        if n < 1:
            raise ValueError("index() of an empty range")
        return min(int(self.unit() * n), n - 1)

    def choice(self, items: Sequence[T]) -> T:
        return items[self.index(len(items))]

    def weighted(self, weights: Sequence[float]) -> int:
        """An index drawn with probability proportional to ``weights``."""
        total = sum(weights)
        u = self.unit() * total
        for i, w in enumerate(weights):
            u -= w
            if u < 0:
                return i
        return len(weights) - 1

    def chance(self, p: float) -> bool:
        return self.unit() < p
