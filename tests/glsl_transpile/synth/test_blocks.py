"""Building blocks: every file parses and matches its function; bad headers are explained."""
import pytest

from glsl_transpile import GeneratorError
from glsl_transpile.synth.blocks import INPUTS, LIB, load_blocks, parse_block

GOOD = """// @block coord swirl
// @about a test block
// @param amount U(0.1, 0.9)
// @time
// @cost 1
vec2 coord_swirl(vec2 p, float amount, float t) { return p * amount + t; }
"""


def test_every_kind_has_blocks_and_every_block_parses():
    blocks = load_blocks()
    kinds = {b.kind for b in blocks.values()}
    assert kinds == set(INPUTS) | {LIB}
    assert sum(b.kind == "field" for b in blocks.values()) >= 12
    assert sum(b.kind == "coord" for b in blocks.values()) >= 10


def test_a_block_header_becomes_parameters_with_priors():
    block = parse_block(GOOD, "test")
    assert block.function == "coord_swirl" and block.timed and block.cost == 1
    assert [(p.name, p.size, p.low, p.high) for p in block.params] == [("amount", 1, 0.1, 0.9)]


@pytest.mark.parametrize("edit, message", [
    (("@param amount U(0.1, 0.9)", "@param amount U(0.9, 0.1)"), "empty prior"),
    (("@param amount U(0.1, 0.9)", "@param amount (0.1, 0.9)"), "bad @param"),
    (("float amount, float t", "float t"), "must be vec2 coord_swirl"),
    (("// @time\n", ""), "must be vec2 coord_swirl"),
    (("@block coord swirl", "@block shape swirl"), "KIND one of"),
    (("@cost 1", "@cost one"), "integer"),
])
def test_inconsistent_block_files_are_refused(edit, message):
    with pytest.raises(GeneratorError, match=message):
        parse_block(GOOD.replace(*edit), "test")
