"""Generated programs rendered: the compute kernel matches the OpenGL fragment reference with
theta baked in as constants and with theta passed as parameters; one kernel renders any theta.

Tolerance: PSNR >= 40 dB on uint8 RGB, as for the built-in pack (measured here: >= 74 dB, most
images bit-exact; the rest differ by one level in a few pixels where Mesa's GLSL compiler folds
constants with host libm and the kernel computes them at run time)."""
import dataclasses

import numpy as np
import pytest
import torch

from glsl_transpile import load_sources, to_fragment
from glsl_transpile.synth import generate_many
from render_vk import Renderer, RenderRequest
from render_vk.gl_reference import FrameInputs, ReferenceCompileError

from ...conftest import psnr

RES = 32
TIMES = (0.5, 2.0)
PROGRAMS = generate_many(12, 500)


@pytest.fixture(scope="module")
def synth_renderer(_caches_under_tmp):
    with Renderer() as renderer:
        renderer.load([p.source for p in PROGRAMS])
        yield renderer


def _render(renderer, index, params=None, times=TIMES):
    req = RenderRequest([index] * len(times), list(times), RES, RES,
                        params=None if params is None else [params] * len(times))
    return renderer.render(req).clone().permute(0, 2, 3, 1).numpy()


def _other_theta(program, seed):
    rng = np.random.default_rng(seed)
    return [p.low + (p.high - p.low) * rng.random() for p in program.parameters]


def test_every_sample_program_loads(synth_renderer):
    assert [p.status for p in synth_renderer.programs()] == ["ok"] * len(PROGRAMS)


def test_kernel_matches_reference_with_theta_baked_and_as_parameters(synth_renderer,
                                                                       gl_reference):
    frames = [FrameInputs(t, k) for k, t in enumerate(TIMES)]
    for i, program in enumerate(PROGRAMS):
        baked = gl_reference.render(to_fragment(program.source), frames, RES, RES)
        got = _render(synth_renderer, i)
        assert min(psnr(got[k], baked[k]) for k in range(len(TIMES))) >= 40.0, program.seed
        theta = _other_theta(program, i)
        uniform = gl_reference.render(to_fragment(program.source, theta_uniform=True),
                                      [dataclasses.replace(f, params=tuple(theta))
                                       for f in frames], RES, RES)
        got = _render(synth_renderer, i, theta)
        assert min(psnr(got[k], uniform[k]) for k in range(len(TIMES))) >= 40.0, program.seed


def test_two_thetas_give_two_different_images(synth_renderer):
    for i, program in enumerate(PROGRAMS):
        a = _render(synth_renderer, i, _other_theta(program, 1))
        b = _render(synth_renderer, i, _other_theta(program, 2))
        assert not np.array_equal(a, b), program.seed


def test_theta_equal_to_the_baked_constants_gives_the_baked_programs_pixels(synth_renderer,
                                                                           tmp_path):
    """The file on disk, loaded and rendered, and its structure's kernel fed the same values
    as parameters render the same pixels (one kernel per structure: no separate compile)."""
    path = tmp_path / f"{PROGRAMS[3].source.name}.glsl"
    path.write_text(PROGRAMS[3].source.code)
    with Renderer() as other:
        other.load(load_sources([path]))
        from_file = _render(other, 0)
    assert np.array_equal(_render(synth_renderer, 3), from_file)
    assert np.array_equal(_render(synth_renderer, 3, list(PROGRAMS[3].source.theta)), from_file)


def test_one_request_renders_many_thetas_of_one_structure(synth_renderer):
    thetas = [_other_theta(PROGRAMS[0], s) for s in range(6)]
    req = RenderRequest([0] * 6, [1.0] * 6, RES, RES, params=thetas)
    together = synth_renderer.render(req).clone()
    for k, theta in enumerate(thetas):
        alone = synth_renderer.render(RenderRequest([0], [1.0], RES, RES, params=[theta]))
        assert torch.equal(together[k], alone[0])


def test_a_hundred_programs_compile_unchanged_as_opengl_es_fragment_shaders(gl_reference):
    """The file as written (theta baked in) is what a Shadertoy Image pass compiles."""
    failed = []
    with gl_reference.ctx:
        for program in generate_many(100, 0):
            try:
                prog, vao = gl_reference.program(to_fragment(program.source, desktop=False))
            except ReferenceCompileError as err:
                failed.append((program.seed, str(err)))
                continue
            vao.release()
            prog.release()
    assert not failed
