"""The built-in pack: enough diverse programs, every feature covered, every program compiled and
rendered by the compute path identical (PSNR >= 40 dB on uint8 RGB) to the OpenGL fragment
reference at several times (the multi-pass reference for a TwiGL program that reads its
backbuffer)."""
import re
from collections import Counter

import pytest

from glsl_transpile import compile_program, load_builtin_pack, to_fragment
from glsl_transpile.detect import BASE_MODES, TWIGL_MODES
from glsl_transpile.multipass import is_multipass
from render_vk import RenderRequest
from render_vk.gl_multipass import GLMultipass
from render_vk.gl_reference import FrameInputs

from ..conftest import psnr

PACK = load_builtin_pack()
TIMES = (0.5, 2.25, 5.0)
RES = 32
PSNR_MIN = 40.0


def test_pack_has_enough_programs_of_every_kind_and_mode():
    kinds = Counter(s.kind for s in PACK)
    modes = Counter(s.mode for s in PACK if s.kind == "twigl")
    assert len(PACK) >= 48 and kinds["shadertoy"] >= 16
    for base in BASE_MODES:
        assert sum(n for m, n in modes.items() if m.split("_")[0] == base) >= 8, base
    assert set(modes) == set(TWIGL_MODES)
    assert len({s.name for s in PACK}) == len(PACK)


@pytest.mark.parametrize("feature, pattern", [
    ("derivatives", r"\b(dFdx|dFdy|fwidth)\s*\("),
    ("texture", r"\btexture(2D)?\s*\("),
    ("texture with bias", r"\btexture\s*\([^;]*,[^;]*,[^;()]*\)"),
    ("discard", r"\bdiscard\b"),
    ("precision qualifier", r"\b(highp|mediump|lowp)\b"),
    ("uninitialised local", r"\b(float|int)\s+\w+\s*(,\s*\w+\s*)*;"),
    ("assignment in ?:", r"\?[^;:]*[-+*/]?=[^=][^;]*:"),
    ("struct", r"\bstruct\b"),
])
def test_pack_exercises_feature(feature, pattern):
    assert any(re.search(pattern, s.code) for s in PACK), feature


@pytest.mark.parametrize("index", range(len(PACK)), ids=[s.name for s in PACK])
def test_program_matches_fragment_reference(index, builtin_renderer, gl_reference):
    src = PACK[index]
    compiled = compile_program(src)
    assert compiled.ok, compiled.error
    state = builtin_renderer.program(index)
    assert state.name == src.name and state.status == "ok", state.log
    if is_multipass(src):
        ref = GLMultipass(gl_reference).render(src, TIMES, RES, RES)
    else:
        ref = gl_reference.render(to_fragment(src),
                                  [FrameInputs(t, i) for i, t in enumerate(TIMES)], RES, RES)
    img = builtin_renderer.render(RenderRequest([index] * len(TIMES), list(TIMES), RES, RES))
    img = img.permute(0, 2, 3, 1).numpy()
    scores = [psnr(img[i], ref[i]) for i in range(len(TIMES))]
    assert min(scores) >= PSNR_MIN, f"{src.name}: PSNR per time {scores}"
    assert len({ref[i].tobytes() for i in range(len(TIMES))}) > 1, "program does not animate"
