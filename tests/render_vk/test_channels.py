"""Channel inputs of single-pass programs (stand-ins, keyboard, unbound) against the OpenGL
reference with the same textures and samplers, and the single-pass long tail: each program
here failed (or rendered wrongly) before its fix."""
import dataclasses

import numpy as np
import pytest

from glsl_transpile import from_code, standins, to_fragment
from glsl_transpile.inputs import ChannelInput
from glsl_transpile.media import MEDIA
from glsl_transpile.sources import bind_noise_channels
from render_vk import Renderer, RenderRequest
from render_vk.gl_multipass import GLMultipass
from render_vk.gl_reference import FrameInputs

from ..conftest import psnr

RES = 32
TIMES = (0.5, 2.0)
RGBA_NOISE_SMALL = "3083c722c0c738cad0f468383167a0d246f91af2bfa373e9c5c094fb8c8413e0"
GREY_NOISE_MEDIUM = "0c7bf5fe9462d5bffbd11126e82908e39be3ce56220d900f633d58fb432e56f5"
ORGANIC = "92d7758c402f0927011ca8d0a7e40251439fba3a1dac26f5b8b62026323501aa"
FOREST = "94284d43be78f00eb6b298e6d78656a1b34e2b91b34940d02f1ca8b22310e8a0"
VOLUME = "aea6b99da1d53055107966b59ac5444fc8bc7b3ce2d0bbb6a4a3cbae1d97f3aa"
FONT = "08b42b43ae9d3c0605da11d0eac86618ea888e62cdd9518ee8b9097488b31560"


def _with_inputs(name: str, code: str, *inputs) -> object:
    padded = tuple(inputs) + (None,) * (4 - len(inputs))
    return dataclasses.replace(from_code(code, name), inputs=padded)


TEXTURED = [
    _with_inputs("noise_zoom", "void mainImage(out vec4 o, in vec2 f) {\n"
                 "  vec2 u = f / iResolution.xy;\n"
                 "  o = texture(iChannel0, u * (0.2 + 2.0 * u.x) + iTime * 0.05); }",
                 ChannelInput("texture", media=RGBA_NOISE_SMALL)),
    _with_inputs("photo_bias", "void mainImage(out vec4 o, in vec2 f) {\n"
                 "  vec2 u = f / iResolution.xy;\n"
                 "  o = texture(iChannel0, u, 1.5) * 0.5 + texture(iChannel1, u * 3.0) * 0.5; }",
                 ChannelInput("texture", media=ORGANIC),
                 ChannelInput("texture", media=GREY_NOISE_MEDIUM, filter="linear")),
    _with_inputs("sky_cube", "void mainImage(out vec4 o, in vec2 f) {\n"
                 "  vec2 u = (2.0 * f - iResolution.xy) / iResolution.y;\n"
                 "  vec3 d = normalize(vec3(u, 1.0 - 0.3 * iTime));\n"
                 "  o = texture(iChannel0, d.xzy) + textureLod(iChannel0, -d, 2.0) * 0.2; }",
                 ChannelInput("cubemap", media=FOREST, wrap="clamp", vflip=False)),
    _with_inputs("volume_and_keys", "void mainImage(out vec4 o, in vec2 f) {\n"
                 "  vec3 p = vec3(f / iResolution.xy, iTime * 0.1);\n"
                 "  float key = texelFetch(iChannel1, ivec2(32, 0), 0).x;\n"
                 "  o = texture(iChannel0, p * 2.0) + vec4(key, iChannelResolution[1].xy / 512.0,"
                 " 0.0); }",
                 ChannelInput("volume", media=VOLUME), ChannelInput("keyboard")),
    _with_inputs("font_and_video", "void mainImage(out vec4 o, in vec2 f) {\n"
                 "  vec2 u = f / iResolution.xy;\n"
                 "  o = vec4(texture(iChannel0, u).xw, texture(iChannel1, u).x,"
                 " iChannelResolution[1].x); }",
                 ChannelInput("texture", media=FONT, filter="linear"), ChannelInput("video")),
]


@pytest.fixture(scope="module")
def reference(gl_reference):
    ref = GLMultipass(gl_reference)
    yield ref
    ref.close()


@pytest.fixture(scope="module")
def textured(_caches_under_tmp):
    with Renderer() as renderer:
        states = renderer.load(TEXTURED)
        assert all(s.ok for s in states), [s.log for s in states]
        yield renderer


@pytest.mark.parametrize("index", range(len(TEXTURED)), ids=[s.name for s in TEXTURED])
def test_textured_program_matches_the_reference(index, textured, reference):
    img = textured.render(RenderRequest([index] * len(TIMES), list(TIMES), RES, RES))
    img = img.permute(0, 2, 3, 1).numpy()
    ref = reference.render(TEXTURED[index], TIMES, RES, RES)
    scores = [psnr(img[i], ref[i]) for i in range(len(TIMES))]
    assert min(scores) >= 40.0, scores
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 4  # not constant


def test_texel_fetch_of_a_noise_channel_reads_the_pcg64_bytes():
    src = _with_inputs("fetch", "void mainImage(out vec4 o, in vec2 f) {\n"
                       "  o = texelFetch(iChannel0, ivec2(f), 0); }",
                       ChannelInput("texture", media=RGBA_NOISE_SMALL, vflip=False))
    with Renderer() as r:
        r.load([src])
        img = r.render(RenderRequest([0], [1.0], 64, 64))[0].permute(1, 2, 0).numpy()
    noise = standins.noise_bytes(MEDIA[RGBA_NOISE_SMALL])
    assert np.array_equal(img[::-1], noise[..., :3])  # images are stored top-down


def test_noise_channels_make_raw_code_that_samples_them_not_constant():
    code = "void mainImage(out vec4 o, in vec2 f) { o = texture(iChannel0, f / 64.0); }"
    raw = from_code(code, "raw")
    with Renderer() as r:
        r.load([raw, bind_noise_channels(raw)])
        img = r.render(RenderRequest([0, 1], [1.0, 1.0], RES, RES))
    assert (img[0] == img[0, :, :1, :1]).all()  # unbound: (0, 0, 0, 1) everywhere
    assert img[1].float().std() > 10
    assert bind_noise_channels(raw).inputs[0].media in MEDIA


LONG_TAIL = {  # name: (code, expected RGB of every pixel; None: as the reference draws it)
    "out_starts_at_zero": ("void mainImage(out vec4 O, vec2 U) { O += 0.5; }", (128,) * 3),
    "sampler_identifier": ("void mainImage(out vec4 O, vec2 U) {\n"
                           "  float sampler = 0.25; O = vec4(sampler, 0.0, 0.0, 1.0); }", None),
    "own_overload_of_a_builtin": ("float mod(float a, float b) { return 0.25; }\n"
                                  "void mainImage(out vec4 O, vec2 U) {\n"
                                  "  O = vec4(mod(U.x, 2.0), mod(vec2(3.0), 2.0), 1.0); }",
                                  (64, 255, 255)),
    "uniform_block": ("layout(std140) uniform Params { vec4 fpar[2]; };\n"
                      "uniform Camera { vec3 eye; } cam;\n"
                      "void mainImage(out vec4 O, vec2 U) { O = vec4(0.5) + fpar[1] "
                      "+ vec4(cam.eye, 0.0); }", (128,) * 3),
    "twigl_own_uniform": ("layout(location = 0) uniform vec4 fpar[2];\n"
                          "void main() { o = vec4(0.5) + fpar[1]; }", (128,) * 3),
    "local_struct": ("void mainImage(out vec4 O, vec2 U) {\n"
                     "  struct Hit { float d; vec3 n; };\n"
                     "  Hit h;\n  h.d += 0.5;\n  O = vec4(h.d, h.n); }", None),
    "nan_clamp": ("void mainImage(out vec4 O, vec2 U) {\n"
                  "  float zero = iTime - iTime;\n"
                  "  O = vec4(clamp(0.0 * (1.0 / zero), 0.0, 1.0), 0.5, 0.0, 1.0); }", None),
    "main_image_macro": ("#define P(u) vec4(u / iResolution.xy, 0.5, 1.0)\n"
                         "#define mainImage(O, u) O = P(u)", None),
    "include_in_a_comment": ("// shared code, as in lib.glsl \\\n#include \"lib.glsl\"\n"
                             "void mainImage(out vec4 O, vec2 U) { O = vec4(0.5); }",
                             (128,) * 3),
}


@pytest.mark.parametrize("name", list(LONG_TAIL))
def test_long_tail_program_renders_as_the_platform(name, gl_reference):
    code, expected = LONG_TAIL[name]
    src = from_code(code, name)
    with Renderer() as r:
        state = r.load([src])[0]
        assert state.ok, state.log
        img = r.render(RenderRequest([0], [1.0], 8, 8))[0].permute(1, 2, 0).numpy()
    if expected is None:
        expected = gl_reference.render(to_fragment(src), [FrameInputs(1.0, 0)], 8, 8)[0]
    if isinstance(expected, np.ndarray):
        assert psnr(img, expected) >= 40.0
    else:
        assert (img.reshape(-1, 3) == np.array(expected)).all(), (img[0, 0], expected)


def test_clamp_of_nan_is_the_lower_bound_whatever_the_drivers_fclamp():
    glsl = __import__("glsl_transpile").to_compute(from_code(LONG_TAIL["nan_clamp"][0], "n")).glsl
    assert "_kClamp(0.0 * (1.0 / zero), 0.0, 1.0)" in glsl
    assert "T _kClamp(T x, B lo, B hi) { return min(max(x, lo), hi); }" in glsl


def test_texel_fetch_outside_a_texture_reads_zero_as_mesa_does(reference):
    src = _with_inputs("outside", "void mainImage(out vec4 o, in vec2 f) {\n"
                       "  o = texelFetch(iChannel0, ivec2(f) + ivec2(20, -3), 0)"
                       " + texelFetch(iChannel1, ivec2(f), 0).a * 0.5; }",
                       ChannelInput("texture", media=RGBA_NOISE_SMALL))
    with Renderer() as r:
        r.load([src])
        img = r.render(RenderRequest([0], [1.0], RES, RES))[0].permute(1, 2, 0).numpy()
    ref = reference.render(src, (1.0,), RES, RES)[0]
    assert np.array_equal(img, ref)
    bottom = img[-3:].copy()  # rows below the texture: 0, but for the unbound channel's texel
    assert tuple(bottom[-1, 0]) == (128, 128, 128)  # (0, 0), which is (0, 0, 0, 1)
    bottom[-1, 0] = 0
    assert (bottom == 0).all() and (img[:-3, :12] != 0).any()
