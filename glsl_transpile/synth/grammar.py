"""The grammar of program structures: which blocks a program chains, chosen from its draws.

A program is one to ``MAX_LAYERS`` layers blended into a picture, then an optional finish.
A layer is a chain: up to ``MAX_COORDS`` coordinate stages, one field, an optional value stage,
one colour stage and an optional finish (glow). Depth is bounded by those limits and cost by
``COST_BUDGET`` (the sum of the blocks' ``@cost``); every loop inside a block has a constant
bound, so every program's cost per pixel is bounded.

``Recipe`` is the structure and nothing else: no parameter values (those are theta).
"""
from __future__ import annotations

from dataclasses import dataclass

from .blocks import Block, blocks_of_kind, load_blocks
from .priors import Draws

MAX_LAYERS = 3
MAX_COORDS = 3
COST_BUDGET = 10
LAYER_WEIGHTS = (0.45, 0.4, 0.15)       # one, two, three layers
COORD_WEIGHTS = (0.15, 0.4, 0.3, 0.15)  # zero .. three coordinate stages
VALUE_CHANCE = 0.4
GLOW_CHANCE = 0.25
VIGNETTE_CHANCE = 0.4


@dataclass(frozen=True)
class LayerRecipe:
    """Function names of the blocks of one layer (``blend`` is None for the first layer)."""

    coords: tuple[str, ...]
    field: str
    value: str | None
    colour: str
    finish: str | None
    blend: str | None

    def blocks(self) -> list[str]:
        names = [*self.coords, self.field, self.value, self.colour, self.finish, self.blend]
        return [n for n in names if n is not None]

    def describe(self) -> str:
        """e.g. ``kaleido > fbm > contour > cosine palette > glow, blended by screen``."""
        short = [_short(n) for n in self.blocks() if not n.startswith("blend_")]
        text = " > ".join(short)
        return text + (f", blended by {_short(self.blend)}" if self.blend else "")


@dataclass(frozen=True)
class Recipe:
    layers: tuple[LayerRecipe, ...]
    finish: str | None

    def blocks(self) -> list[str]:
        names = [n for layer in self.layers for n in layer.blocks()]
        return names + ([self.finish] if self.finish else [])

    def cost(self) -> int:
        table = load_blocks()
        return sum(table[n].cost for n in self.blocks())

    def describe(self) -> list[str]:
        lines = [f"layer {i + 1}: {layer.describe()}" for i, layer in enumerate(self.layers)]
        return lines + ([f"finish: {_short(self.finish)}"] if self.finish else [])


def _short(function: str) -> str:
    kind, _, name = function.partition("_")
    return f"{name} palette" if kind == "colour" and name == "cosine" else \
        f"{name} ramp" if kind == "colour" and name == "hsv" else name


def choose_recipe(draws: Draws) -> Recipe:
    """A structure drawn within the depth and cost bounds (see module doc)."""
    n_layers = 1 + draws.weighted(LAYER_WEIGHTS)
    budget = COST_BUDGET
    layers = []
    for i in range(n_layers):
        layer = _choose_layer(draws, budget - (n_layers - i - 1), first=i == 0)
        budget -= sum(load_blocks()[n].cost for n in layer.blocks())
        layers.append(layer)
    finish = "finish_vignette" if draws.chance(VIGNETTE_CHANCE) else None
    return Recipe(tuple(layers), finish)


def _choose_layer(draws: Draws, budget: int, *, first: bool) -> LayerRecipe:
    """One layer costing at most ``budget`` (every kind has a block of cost <= 1); its
    coordinate stages are of different families (one tiling, one polar map...)."""
    field = _affordable(draws, blocks_of_kind("field"), budget - 1)
    budget -= field.cost
    coords: list[Block] = []
    for _ in range(draws.weighted(COORD_WEIGHTS)):
        families = {b.family for b in coords}
        options = [b for b in blocks_of_kind("coord") if b.family not in families]
        block = _affordable(draws, options, budget)
        if block.cost > budget:
            break
        coords.append(block)
        budget -= block.cost
    value = draws.choice(blocks_of_kind("value")).function if draws.chance(VALUE_CHANCE) \
        else None
    colour = draws.choice(blocks_of_kind("colour")).function
    finish = "finish_glow" if draws.chance(GLOW_CHANCE) else None
    blend = None if first else draws.choice(blocks_of_kind("blend")).function
    return LayerRecipe(tuple(b.function for b in coords), field.function, value, colour,
                       finish, blend)


def _affordable(draws: Draws, options: list[Block], budget: int) -> Block:
    """A uniform choice among ``options`` costing at most ``budget`` (else the cheapest)."""
    fitting = [b for b in options if b.cost <= budget]
    if not fitting:
        return min(options, key=lambda b: (b.cost, b.function))
    return draws.choice(fitting)
