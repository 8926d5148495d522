"""Composing a recipe into a Shadertoy program: block functions, layer functions, mainImage.

Every sampled number becomes an entry of theta: the composer calls each block with ``THETA[i]``
for its parameters (``vec3(THETA[i], THETA[i+1], THETA[i+2])`` for a vec3) and records the
entry's name (``l1.kaleido.segments``) and prior. Each layer also gets a sampled scale and
offset of its coordinates. The code reads theta only through ``THETA``, so the text of the
program without its declaration depends on the recipe alone (``theta.structure_id``).

Pure: recipe and draws in, text and parameters out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..theta import Parameter, declaration_text
from .blocks import Block, load_blocks, library_text
from .grammar import LayerRecipe, Recipe
from .priors import Draws, Uniform

LAYER_FRAME = (("scale", Uniform(0.6, 1.6)), ("shift_x", Uniform(-0.5, 0.5)),
               ("shift_y", Uniform(-0.5, 0.5)))
_COMPONENTS = ("x", "y", "z")


@dataclass
class ThetaBuilder:
    """Allocates theta entries in call order and samples their values."""

    draws: Draws
    parameters: list[Parameter] = field(default_factory=list)

    def entry(self, name: str, prior: Uniform) -> str:
        """A new entry: its value is drawn from ``prior``; returns ``THETA[i]``."""
        i = len(self.parameters)
        self.parameters.append(Parameter(i, prior.sample(self.draws), name, prior.low,
                                         prior.high))
        return f"THETA[{i}]"

    def arguments(self, prefix: str, block: Block) -> list[str]:
        """GLSL argument expressions for the block's parameters."""
        out = []
        for p in block.params:
            prior = Uniform(p.low, p.high)
            if p.size == 1:
                out.append(self.entry(f"{prefix}.{p.name}", prior))
            else:
                parts = [self.entry(f"{prefix}.{p.name}.{c}", prior) for c in _COMPONENTS]
                out.append(f"vec3({', '.join(parts)})")
        return out


LINE_LIMIT = 100


def _call(block: Block, inputs: list[str], theta: ThetaBuilder, prefix: str) -> str:
    """``function(inputs, THETA[...]..., iTime)``, one argument per line when long."""
    args = inputs + theta.arguments(f"{prefix}.{block.name}", block)
    if block.timed:
        args.append("iTime")
    lines = [f"{block.function}("]
    for i, arg in enumerate(args):
        piece = arg + (", " if i < len(args) - 1 else ")")
        if len(lines[-1]) + len(piece.rstrip()) > LINE_LIMIT - 24:
            lines[-1] = lines[-1].rstrip()
            lines.append("        ")
        lines[-1] += piece
    return "\n".join(lines)


def layer_function(index: int, layer: LayerRecipe, theta: ThetaBuilder) -> str:
    """``vec3 layerN(vec2 p)``: the layer's chain of blocks, as GLSL text."""
    blocks, prefix = load_blocks(), f"l{index}"
    frame = [theta.entry(f"{prefix}.{name}", prior) for name, prior in LAYER_FRAME]
    lines = [f"// layer {index}: {layer.describe()}",
             f"vec3 layer{index}(vec2 p) {{",
             f"    p = p * {frame[0]} + vec2({frame[1]}, {frame[2]});"]
    for name in layer.coords:
        lines.append(f"    p = {_call(blocks[name], ['p'], theta, prefix)};")
    lines.append(f"    vec2 field = {_call(blocks[layer.field], ['p'], theta, prefix)};")
    value = "field.x"
    if layer.value:
        lines.append(f"    float v = {_call(blocks[layer.value], ['field.x'], theta, prefix)};")
        value = "v"
    colour = _call(blocks[layer.colour], [value], theta, prefix)
    lines.append(f"    vec3 colour = {colour} * field.y;")
    if layer.finish:
        finish = _call(blocks[layer.finish], ["colour", value, "p"], theta, prefix)
        lines.append(f"    colour = {finish};")
    lines += ["    return colour;", "}"]
    return "\n".join(lines)


def main_image(recipe: Recipe, theta: ThetaBuilder) -> str:
    """``mainImage``: centred coordinates, the layers blended in order, the finish."""
    blocks = load_blocks()
    lines = ["void mainImage(out vec4 fragColor, in vec2 fragCoord) {",
             "    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;",
             "    vec3 colour = layer1(uv);"]
    for i, layer in enumerate(recipe.layers[1:], start=2):
        call = _call(blocks[layer.blend], ["colour", f"layer{i}(uv)"], theta, f"l{i}")
        lines.append(f"    colour = {call};")
    if recipe.finish:
        call = _call(blocks[recipe.finish], ["colour", "0.0", "uv"], theta, "finish")
        lines.append(f"    colour = {call};")
    lines += ["    fragColor = vec4(clamp(colour, 0.0, 1.0), 1.0);", "}"]
    return "\n".join(lines)


def compose(recipe: Recipe, draws: Draws) -> tuple[str, list[Parameter]]:
    """The program body (library, block functions, layers, mainImage; no header) with the
    theta declaration first, and theta's parameters in index order."""
    theta = ThetaBuilder(draws)
    layers = [layer_function(i, layer, theta) for i, layer in enumerate(recipe.layers, 1)]
    main = main_image(recipe, theta)
    used = [load_blocks()[n] for n in dict.fromkeys(recipe.blocks())]
    body = "\n\n".join([declaration_text(theta.parameters), library_text(used).strip(),
                        *layers, main])
    return body + "\n", theta.parameters
