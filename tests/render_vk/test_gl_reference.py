"""The OpenGL reference: several contexts in one process do not disturb each other."""
import numpy as np

from glsl_transpile import load_builtin_pack, to_fragment
from render_vk.gl_reference import FrameInputs, GLReference


def test_closing_a_second_reference_leaves_the_first_working(gl_reference):
    src = next(s for s in load_builtin_pack() if s.name == "checker_warp")
    frag = to_fragment(src)
    first = gl_reference.render(frag, [FrameInputs(0.75, 0)], 32, 32)
    with GLReference() as other:
        later = other.render(frag, [FrameInputs(2.5, 0)], 32, 32)
        assert np.array_equal(other.render(frag, [FrameInputs(0.75, 0)], 32, 32), first)
    assert not np.array_equal(first, later) and later.std() > 10
    assert np.array_equal(gl_reference.render(frag, [FrameInputs(2.5, 0)], 32, 32), later)
