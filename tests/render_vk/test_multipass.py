"""Multi-pass programs (docs/DESIGN.md, "Multi-pass programs"): our own programs, whose pixels
can be computed, match the computation and the OpenGL ping-pong reference at several times;
batching them together changes no pixel; the frame cap, the cost report and the watchdog."""
import numpy as np
import pytest
import torch

from glsl_transpile import from_code
from glsl_transpile.multipass import frame_of, input_report, plan
from render_vk import ProgramFailedError, Renderer, RendererConfig, RenderRequest
from render_vk.gl_multipass import GLMultipass

from .multipass_programs import (SHOW, all_programs, blur, buffer_input, common, counter, order,
                                 program, sampled)

RES = 32
TIMES = (0.0, 0.25, 0.6, 1.5)  # frames 0, 15, 36, 90


@pytest.fixture(scope="module")
def mp_renderer(_caches_under_tmp):
    with Renderer(RendererConfig(ring_size=2)) as renderer:
        states = renderer.load(all_programs())
        assert [s.status for s in states] == ["ok"] * len(states), [s.log for s in states]
        yield renderer


@pytest.fixture(scope="module")
def reference(gl_reference):
    ref = GLMultipass(gl_reference)
    yield ref
    ref.close()


def _render(renderer, prog: int, times=TIMES, res=RES) -> np.ndarray:
    img = renderer.render(RenderRequest([prog] * len(times), list(times), res, res))
    return img.permute(0, 2, 3, 1).numpy()


def test_time_is_the_frame_at_60_per_second():
    assert [frame_of(t) for t in (0.0, 0.008, 0.0084, 0.25, 1.0, 10.0)] == [0, 0, 1, 15, 60, 600]


def test_a_buffer_adding_one_255th_a_frame_counts_frames(mp_renderer, reference):
    got = _render(mp_renderer, 0)
    expected = [min(frame_of(t) + 1, 255) for t in TIMES]
    assert [int(v) for v in got[:, 5, 7, 0]] == expected
    assert (got == got[:, :1, :1]).all()  # every pixel and channel alike
    assert np.array_equal(got, reference.render(counter(), TIMES, RES, RES))


def test_buffers_read_this_frame_or_the_previous_one_by_their_order(mp_renderer, reference):
    got = _render(mp_renderer, 1)
    for i, t in enumerate(TIMES):
        k = frame_of(t)
        assert tuple(got[i, 3, 3]) == (k, max(k - 1, 0), 0), t
    assert np.array_equal(got, reference.render(order(), TIMES, RES, RES))


def _blur_by_numpy(frames: int) -> np.ndarray:
    img = np.zeros((RES, RES), np.float32)
    img[14:18, 14:18] = 1.0
    for _ in range(frames):
        padded = np.pad(img, 1, mode="edge")
        img = sum(padded[1 + y:1 + y + RES, 1 + x:1 + x + RES]
                  for y in (-1, 0, 1) for x in (-1, 0, 1)).astype(np.float32) / 9.0
    return np.round(np.clip(img, 0, 1) * 255)[::-1]  # stored top-down


def test_a_self_feedback_blur_reads_its_previous_frame(mp_renderer, reference):
    got = _render(mp_renderer, 2)
    for i, t in enumerate(TIMES):
        assert np.abs(got[i, ..., 0].astype(int) - _blur_by_numpy(frame_of(t))).max() <= 1, t
    ref = reference.render(blur(), TIMES, RES, RES)
    assert np.abs(got.astype(int) - ref).max() <= 1


def test_a_buffer_read_by_texel_fetch_and_linear_samplers(mp_renderer, reference):
    got = _render(mp_renderer, 3, times=(0.5,))[0][::-1]  # bottom row first
    x = np.arange(RES)
    fetch = np.round(x / 32 * 255)
    halfway = np.round(np.where(x < RES - 1, (x + 0.5) / 32, (RES - 1) / 32) * 255)
    assert np.abs(got[0, :, 0] - fetch).max() <= 1
    assert np.abs(got[0, :, 1] - halfway).max() <= 1
    assert np.abs(got[0, :, 2].astype(int) - round((RES - 1) / 64 * 255)).max() <= 1  # wraps
    assert np.abs(got[::-1].astype(int) - reference.render(sampled(), (0.5,), RES, RES)[0]
                  ).max() <= 1


def test_a_common_pass_serves_buffers_and_image(mp_renderer, reference):
    got = _render(mp_renderer, 4)
    for i, t in enumerate(TIMES):
        level = np.float32((frame_of(t) % 50) / 100)
        expected = (int(2 * level * 255 + 0.5), int(level * 255 + 0.5))  # round half up
        assert tuple(got[i, 0, 0, :2]) == expected, t
    # llvmpipe's float-to-unorm8 rounds some values just above .5 down
    assert np.abs(got.astype(int) - reference.render(common(), TIMES, RES, RES)).max() <= 1


def test_a_mipmapped_buffer_read_matches_the_reference(mp_renderer, reference):
    from ..conftest import psnr

    got = _render(mp_renderer, 5, times=(0.1, 0.2))
    ref = reference.render(all_programs()[5], (0.1, 0.2), RES, RES)
    assert min(psnr(got[i], ref[i]) for i in range(2)) >= 35.0
    assert got.std() > 10  # the mip levels hold the pattern's averages, not zeros


def test_batching_programs_together_changes_no_pixel(mp_renderer):
    progs = [p for p in range(6) for _ in TIMES]
    times = [t for _ in range(6) for t in TIMES]
    together = mp_renderer.render(RenderRequest(progs, times, RES, RES))
    for p in range(6):
        alone = mp_renderer.render(RenderRequest([p] * len(TIMES), list(TIMES), RES, RES))
        assert torch.equal(together[p * len(TIMES):(p + 1) * len(TIMES)], alone), p
    shuffled = np.random.default_rng(1).permutation(len(progs))
    mixed = mp_renderer.render(RenderRequest([progs[i] for i in shuffled],
                                             [times[i] for i in shuffled], RES, RES))
    assert torch.equal(mixed, together[shuffled])


def test_one_simulation_serves_every_time_and_reports_its_frames(mp_renderer):
    before = mp_renderer.program(0).frames_simulated
    mp_renderer.render(RenderRequest([0, 0, 0], [1.0, 0.5, 1.0], RES, RES))
    assert mp_renderer.program(0).frames_simulated - before == 61  # frames 0..60, once


def test_a_time_beyond_the_frame_cap_is_refused_with_its_status():
    with Renderer(RendererConfig(max_frames=100)) as r:
        r.load([counter(), counter()])
        r.render(RenderRequest([0], [1.6], 8, 8))  # frame 96
        with pytest.raises(ProgramFailedError, match="frame cap"):
            r.render(RenderRequest([1], [1.7], 8, 8))  # frame 102
        assert r.program(1).status == "beyond_frame_cap" and "102" in r.program(1).log
        assert r.program(0).ok


def test_a_memory_budget_of_one_program_still_renders_them_all():
    budget = RES * RES * 16 * 2  # one buffer pair: the programs run one after the other
    with Renderer(RendererConfig(multipass_memory_bytes=budget)) as small, \
            Renderer() as large:
        for r in (small, large):
            r.load([counter(), blur(), order()])
        req = RenderRequest([0, 1, 2, 0], [0.5, 0.5, 0.5, 1.0], RES, RES)
        assert torch.equal(small.render(req), large.render(req))


def test_inputs_are_reported_bound_or_unbound():
    src = program("inputs", [("A", "void mainImage(out vec4 o, in vec2 f) { o = vec4(1.0); }",
                              [{"channel": 1, "ctype": "music", "src": "/media/a/x.mp3"}])],
                  "void mainImage(out vec4 o, in vec2 f) { o = texture(iChannel0, f); }",
                  [buffer_input(0, "A"), buffer_input(1, "C"),
                   {"channel": 2, "ctype": "keyboard", "src": "/presets/tex00.jpg"}])
    lines = input_report(src)
    assert "Buffer A iChannel1: unbound: music is not rendered here" in lines
    assert "Image iChannel0: Buffer A" in lines
    assert any(line.startswith("Image iChannel1: unbound") for line in lines)
    assert "Image iChannel2: keyboard: no key pressed" in lines
    assert plan(src).buffers == frozenset({0})


TWIGL_FEEDBACK = ("precision highp float;\nuniform vec2 resolution;\nuniform float frame;\n"
                  "uniform sampler2D backbuffer;\nvoid main() {\n"
                  "  vec4 prev = texture2D(backbuffer, gl_FragCoord.xy / resolution);\n"
                  "  gl_FragColor = vec4(prev.rgb + vec3(1.0, 2.0, 0.0) / 255.0, 1.0); }")


def test_twigl_backbuffer_is_the_previous_frame(reference):
    src = from_code(TWIGL_FEEDBACK, "twigl_feedback")
    assert plan(src).multipass
    with Renderer() as r:
        assert r.load([src])[0].ok
        got = _render(r, 0, times=(0.0, 0.5))
    assert [tuple(got[i, 4, 4]) for i in range(2)] == [(1, 2, 0), (31, 62, 0)]
    assert np.array_equal(got, reference.render(src, (0.0, 0.5), RES, RES))


def test_a_buffer_pass_past_the_loop_cap_marks_its_program():
    loop = ("void mainImage(out vec4 o, in vec2 f) { float x = 0.0;\n"
            "  for (int i = 0; i < 100000; i++) x += 1e-6; o = vec4(x); }")
    capped = program("capped_buffer", [("A", loop, [])], "void mainImage(out vec4 o, in vec2 f)"
                     " { o = texelFetch(iChannel0, ivec2(f), 0); }", [buffer_input(0, "A")])
    with Renderer(RendererConfig(watchdog=False)) as r:
        r.load([capped, counter()])
        if not r._ctx.is_cpu:
            pytest.skip("only CPU drivers cut loops")
        with pytest.raises(ProgramFailedError, match="capped_buffer"):
            r.render(RenderRequest([0, 1], [0.1, 0.1], 8, 8))
        assert r.program(0).status == "loop_capped" and r.program(1).ok


def test_submit_hands_out_a_view_and_render_owns_its_images(mp_renderer):
    req = RenderRequest([0, 1, 0], [0.5, 0.5, 1.0], RES, RES)
    owned = mp_renderer.render(req)
    with mp_renderer.submit(req) as pending:
        view = pending.result()
        assert view.data_ptr() == pending._slot.pixels.array.ctypes.data
        assert torch.equal(view, owned)
    assert owned.is_contiguous() and torch.equal(owned, mp_renderer.render(req))


def test_a_small_pipeline_budget_still_renders_multipass_and_single_pass_together(
        gl_reference):
    from glsl_transpile import load_builtin_pack

    single = [s for s in load_builtin_pack() if s.kind == "shadertoy"][:2]
    with Renderer(RendererConfig(pipeline_budget=3)) as small, Renderer() as large:
        for r in (small, large):
            r.load([order(), blur(), *single])  # 4 + 2 kernels, and 2
        req = RenderRequest([0, 1, 2, 3, 0, 1], [0.5, 0.5, 1.0, 1.0, 1.0, 0.25], RES, RES)
        assert torch.equal(small.render(req), large.render(req))
        assert small.status().pipelines_peak <= 4  # one program's passes may exceed it


def test_a_program_slower_per_frame_than_the_limit_is_stopped():
    heavy = program("heavy", [("A", "void mainImage(out vec4 o, in vec2 f) { float x = 0.0;\n"
                                    "  for (int i = 0; i < 60000; i++) x += sin(x + f.x) + "
                                    "sin(x * 2.1) + sin(x * 3.1) + sin(x * 4.1);\n"
                                    "  o = vec4(x); }", [])],
                    "void mainImage(out vec4 o, in vec2 f) { o = texelFetch(iChannel0, "
                    "ivec2(f), 0); }", [buffer_input(0, "A")])
    with Renderer(RendererConfig(image_timeout_s=0.02)) as r:
        r.load([heavy, counter()])
        with pytest.raises(ProgramFailedError, match="heavy"):
            r.render(RenderRequest([0, 1], [0.1, 0.1], 16, 16))
        assert r.program(0).status == "timeout" and "per frame" in r.program(0).log
        assert r.program(1).ok  # a frame of 1/255 steps is far under the limit


def _hang():
    """A multi-pass program whose buffer pass never ends (lavapipe's loop cap ends it after
    seconds of work a frame at 32x32)."""
    body = "".join(f"x += sin(x * {k}.1 + float(i));" for k in range(12))
    return program("hang", [("A", "void mainImage(out vec4 o, in vec2 f) { float x = 0.0;\n"
                                  f"  for (int i = 0; i >= 0; i++) {{ {body} }}\n"
                                  "  o = vec4(x); }", [])],
                   "void mainImage(out vec4 o, in vec2 f) { o = texelFetch(iChannel0, "
                   "ivec2(f), 0); }", [buffer_input(0, "A")])


def test_a_hanging_buffer_pass_is_recovered_and_its_program_named():
    from render_vk import RenderTimeoutError

    hang = _hang()
    with Renderer(RendererConfig(batch_timeout_s=0.3)) as r:
        r.load([counter(), hang])
        with pytest.raises(RenderTimeoutError, match="hang"):  # seconds a frame at 32x32
            r.render(RenderRequest([0, 1], [0.2, 0.2], 32, 32))
        assert [p.status for p in r.programs()] == ["ok", "timeout"]
        assert r.status().devices_abandoned >= 1
        assert r.render(RenderRequest([0], [0.2], 8, 8)).shape == (1, 3, 8, 8)


def test_a_hang_in_one_submission_does_not_block_reading_the_other_ones_timings():
    """Four programs start in the first submission, the hanging one in the second: settling
    the first (its frame timings) must not wait for the second, which never ends (lavapipe's
    query wait is for the whole queue)."""
    import threading

    from render_vk import RenderTimeoutError

    outcome = {}

    def run():
        with Renderer(RendererConfig(batch_timeout_s=0.5)) as r:
            r.load([counter() for _ in range(4)] + [_hang()])
            try:
                r.render(RenderRequest(list(range(5)), [0.5] * 5, 32, 32))
            except RenderTimeoutError as err:
                outcome["error"] = err
            outcome["statuses"] = [p.status for p in r.programs()]

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "rendering blocked behind the hung submission"
    assert "hang" in str(outcome["error"])
    assert outcome["statuses"] == ["ok"] * 4 + ["timeout"]


def test_a_program_reading_one_channel_resolution_matches_the_reference(reference):
    """GL keeps only iChannelResolution[0] here, as a plain vec3: the reference sets it so."""
    sized = program("sized", [("A", "void mainImage(out vec4 o, in vec2 f) {\n"
                                    "  o = vec4(f / iChannelResolution[0].xy, 0.5, 1.0); }",
                               [buffer_input(0, "A")])], SHOW, [buffer_input(0, "A")])
    with Renderer() as r:
        r.load([sized])
        got = _render(r, 0, times=(0.1,))
    assert np.array_equal(got, reference.render(sized, (0.1,), RES, RES))
