"""The batched renderer: matches the fragment reference, is deterministic across batchings,
mixes on the device, survives a program that never ends, and keeps memory flat."""
import resource

import numpy as np
import pytest
import torch

from glsl_transpile import load_builtin_pack, to_fragment
from glsl_transpile.multipass import is_multipass
from render_vk import DeviceNotFoundError, RenderError, Renderer, RendererConfig, RenderRequest
from render_vk.device import DeviceInfo, pick_device
from render_vk.gl_multipass import GLMultipass
from render_vk.gl_reference import FrameInputs
from render_vk.mixing import cutmix, cutmix_boxes, dirichlet_weights, is_constant, is_static, mixup

from ..conftest import psnr
from .programs import good_and_hanging, good_and_slow

RES = 32
TIMES = (0.75, 3.5)


@pytest.fixture()
def renderer(builtin_renderer):
    return builtin_renderer


def test_every_builtin_program_loads(renderer):
    bad = [(p.name, p.log) for p in renderer.programs() if p.status != "ok"]
    assert not bad


def test_batched_render_matches_reference_at_batch_one_and_many(renderer, gl_reference):
    ok = renderer.ok_indices()
    progs = [p for p in ok for _ in TIMES]
    times = [t for _ in ok for t in TIMES]
    frames = [i for _ in ok for i in range(len(TIMES))]
    many = renderer.render(RenderRequest(progs, times, RES, RES, frames))
    for j, p in enumerate(ok):
        src = renderer.program(p).source
        if is_multipass(src):  # its backbuffer is its previous frame
            ref = GLMultipass(gl_reference).render(src, TIMES, RES, RES)
        else:
            ref = gl_reference.render(to_fragment(src), [FrameInputs(t, i) for i, t in
                                                         enumerate(TIMES)], RES, RES)
        for i, t in enumerate(TIMES):
            one = renderer.render(RenderRequest([p], [t], RES, RES, [i]))
            got = many[j * len(TIMES) + i].permute(1, 2, 0).numpy()
            assert torch.equal(one[0], many[j * len(TIMES) + i]), src.name
            assert psnr(got, ref[i]) >= 40.0, (src.name, t)


def test_result_keeps_request_order_whatever_the_batching(renderer):
    ok = renderer.ok_indices()[:6]
    rng = np.random.default_rng(0)
    progs = [int(p) for p in rng.choice(ok, 24)]
    times = [float(t) for t in rng.uniform(0.1, 10, 24)]
    whole = renderer.render(RenderRequest(progs, times, RES, RES)).clone()
    halves = torch.cat([renderer.render(RenderRequest(progs[:12], times[:12], RES, RES,
                                                      list(range(12)))).clone(),
                        renderer.render(RenderRequest(progs[12:], times[12:], RES, RES,
                                                      list(range(12, 24)))).clone()])
    assert torch.equal(whole, halves)
    again = renderer.render(RenderRequest(progs, times, RES, RES)).clone()
    assert torch.equal(whole, again)


def test_submit_gives_a_zero_copy_view_and_render_gives_owned_images(renderer):
    req = RenderRequest(renderer.ok_indices()[:2], [1.0, 2.0], RES, RES)
    with renderer.submit(req) as pending:
        img = pending.result()
        assert img.shape == (2, 3, RES, RES) and img.dtype == torch.uint8
        assert img.stride() == (RES * RES * 4, 1, RES * 4, 4)
        assert img.data_ptr() == pending._slot.pixels.array.ctypes.data
        view = img.clone()
    owned = renderer.render(req)
    assert owned.is_contiguous() and torch.equal(owned, view)
    with pytest.raises(RenderError, match="after release"):
        pending.result()


def test_owned_results_stay_right_when_collected(renderer):
    """torch.stack over several render() calls: each result is the caller's own."""
    ok = renderer.ok_indices()
    reqs = [RenderRequest([ok[i]], [1.0 + i], RES, RES) for i in range(5)]
    stacked = torch.stack([renderer.render(r) for r in reqs])
    for i, r in enumerate(reqs):
        assert torch.equal(stacked[i], renderer.render(r)), i
    assert len({float(x.float().mean()) for x in stacked}) == 5


def test_a_result_kept_across_a_slot_growing_keeps_its_pixels(renderer):
    ok = renderer.ok_indices()
    small = renderer.submit(RenderRequest(ok[:2], [1.0, 2.0], RES, RES))
    kept = small.result()
    before = kept.clone()
    small.release()
    for n in (64, 128):  # both ring slots grow
        renderer.render(RenderRequest([ok[i % len(ok)] for i in range(n)], [3.0] * n, RES, RES))
    assert torch.equal(kept, before)  # the old memory stays mapped until close


def test_mixup_weights_sum_to_one_and_mix_is_weighted_sum(renderer):
    ok = renderer.ok_indices()
    gen = torch.Generator().manual_seed(3)
    w = dirichlet_weights(4, 6, gen)
    assert torch.allclose(w.sum(1), torch.ones(4)) and (w > 0).all()
    progs = [ok[(g * 6 + i) % len(ok)] for g in range(4) for i in range(6)]
    singles = renderer.render(RenderRequest(progs, [1.5] * 24, RES, RES))
    mixed = mixup(singles, w)
    expected = (singles.float().view(4, 6, 3, RES, RES) * w.view(4, 6, 1, 1, 1)).sum(1)
    assert (mixed.float() - expected).abs().max() <= 0.5 + 1e-4


def test_cutmix_boxes_follow_their_areas():
    gen = torch.Generator().manual_seed(0)
    w = dirichlet_weights(64, 3, gen)
    boxes = cutmix_boxes(w, 100, 100, gen)
    areas = (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    assert (areas[:, 1:].float() / 1e4 - w[:, 1:]).abs().max() < 0.03
    imgs = torch.stack([torch.full((3, 100, 100), v, dtype=torch.uint8) for v in (10, 20, 30)] * 64)
    out = cutmix(imgs, boxes)
    y0, x0, y1, x1 = boxes[0, 2].tolist()
    if y1 > y0 and x1 > x0:
        assert (out[0, :, y0:y1, x0:x1] == 30).all()


def test_constant_and_static_detection():
    const = torch.full((3, 3, 8, 8), 7, dtype=torch.uint8)
    assert is_constant(const) and is_static(const)
    moving = torch.randint(0, 255, (3, 3, 8, 8), dtype=torch.uint8)
    assert not is_constant(moving) and not is_static(moving)


def test_a_program_over_the_per_image_limit_is_stopped_and_the_others_render(gl_reference):
    from render_vk import ProgramFailedError

    with Renderer(RendererConfig(image_timeout_s=0.05, batch_timeout_s=120.0)) as r:
        r.load(good_and_slow())
        with pytest.raises(ProgramFailedError, match="slow") as caught:
            r.render(RenderRequest([0, 1, 2, 3] * 2, [1.0] * 8, 64, 64))
        assert caught.value.programs == ["slow"]
        assert r.program(3).status == "timeout" and "watchdog" in r.program(3).log
        assert r.ok_indices() == [0, 1, 2]
        assert r.program(0).seconds_per_image < 0.05  # peers were timed, not stopped
        img = r.render(RenderRequest([0, 1, 2], [2.0] * 3, RES, RES))
        for i, state in enumerate(r.programs()[:3]):
            ref = gl_reference.render(to_fragment(state.source), [FrameInputs(2.0, i)], RES,
                                     RES)
            assert psnr(img[i].permute(1, 2, 0).numpy(), ref[0]) >= 40.0
        with pytest.raises(RenderError, match="slow cannot be rendered"):
            r.render(RenderRequest([3], [1.0], RES, RES))


def test_slowness_next_to_peers_is_not_a_failure():
    with Renderer(RendererConfig(image_timeout_s=30.0)) as r:
        r.load(good_and_slow())
        r.render(RenderRequest([0, 1, 2, 3], [1.0] * 4, 64, 64))
        times = [r.program(i).seconds_per_image for i in range(4)]
        assert times[3] > 20 * max(times[:3])  # far slower than its batch, yet
        assert r.ok_indices() == [0, 1, 2, 3]


def test_memory_stays_flat_over_many_batches(renderer):
    ok = renderer.ok_indices()
    req = RenderRequest([ok[i % len(ok)] for i in range(64)], [1.0] * 64, RES, RES)
    for _ in range(20):
        renderer.render(req)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(200):
        renderer.render(req)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert after - before < 20_000, f"max RSS grew by {after - before} KiB"


def test_device_choice_lists_devices_when_none_matches():
    infos = [DeviceInfo(0, "llvmpipe", "CPU", 8, True, True, b"", 1.0),
             DeviceInfo(1, "NVIDIA H100", "discrete GPU", 32, True, True, b"", 1.0)]
    assert pick_device(infos, None).index == 1
    assert pick_device(infos, "llvm").index == 0
    with pytest.raises(DeviceNotFoundError, match="llvmpipe.*NVIDIA"):
        pick_device(infos, "radeon")
    with pytest.raises(DeviceNotFoundError, match="index 5"):
        pick_device(infos, 5)


@pytest.mark.parametrize("watchdog", [True, False], ids=["timestamps", "isolation"])
def test_hung_batch_is_recovered_and_the_culprit_named(watchdog):
    import time

    from render_vk import RenderTimeoutError

    with Renderer(RendererConfig(batch_timeout_s=0.3, watchdog=watchdog)) as r:
        r.load(good_and_hanging())
        start = time.perf_counter()
        with pytest.raises(RenderTimeoutError, match="hang") as caught:
            r.render(RenderRequest([0, 1, 2, 3] * 2, [1.0] * 8, RES, RES))
        # bounded: the hung work is abandoned, never waited for (it runs for seconds)
        assert time.perf_counter() - start < 0.3 * 5 + 3.0
        assert caught.value.programs == ["hang"]
        assert [p.status for p in r.programs()] == ["ok", "ok", "ok", "timeout"]
        assert r.status().devices_abandoned >= 1
        # on 2 CPU cores the abandoned hung work slows everything until lavapipe's loop cap
        # ends it; then the abandoned device is destroyed and rendering is fast again
        _wait_until(lambda: r.render(RenderRequest([], [], RES, RES)) is not None
                    and r.status().devices_abandoned == 0, 30.0)
        assert r.render(RenderRequest([0, 1, 2], [1.0] * 3, RES, RES)).shape == (3, 3, RES, RES)


def _wait_until(condition, timeout_s: float) -> None:
    import time

    deadline = time.perf_counter() + timeout_s
    while not condition():
        assert time.perf_counter() < deadline, "condition not reached in time"
        time.sleep(0.2)


def test_submit_keeps_requests_in_flight_and_results_stay_correct(renderer):
    ok = renderer.ok_indices()
    req_a = RenderRequest(ok[:4], [0.5] * 4, RES, RES)
    req_b = RenderRequest(ok[4:8], [1.5] * 4, RES, RES)
    expected_a = renderer.render(req_a)
    expected_b = renderer.render(req_b)
    pending_a = renderer.submit(req_a)
    pending_b = renderer.submit(req_b)  # ring of 2: both in flight
    assert torch.equal(pending_b.result(), expected_b)
    assert torch.equal(pending_a.result(), expected_a)
    with pytest.raises(RenderError, match="not released"):
        renderer.submit(req_b)  # a's slot is next and a's images are still held
    pending_a.release()
    pending_c = renderer.submit(req_b)  # reuses a's slot: waits for its batch first
    assert torch.equal(pending_c.result(), expected_b)
    pending_b.release()
    pending_c.release()
    late = renderer.submit(req_a)
    renderer.render(req_b)
    renderer.render(req_b)  # the ring reused late's slot: it was never taken, so it may
    with pytest.raises(RenderError, match="rendered into again"):
        late.result()


def test_common_pass_program_matches_reference(gl_reference):
    from glsl_transpile import ShaderSource, compile_program
    src = ShaderSource("common_demo", "shadertoy", "",
                       "void mainImage(out vec4 c, in vec2 f){ vec2 u = f / iResolution.xy;\n"
                       "  c = vec4(wave(u.x * 9. + iTime), u.y, wave(u.y * 7.), 1.); }",
                       common="float wave(float x) { float y; y += .5 + .5 * sin(x); return y; }")
    compiled = compile_program(src)
    assert compiled.ok, compiled.error
    with Renderer() as r:
        r.load([src])
        img = r.render(RenderRequest([0], [1.25], RES, RES))
        ref = gl_reference.render(to_fragment(src), [FrameInputs(1.25, 0)], RES, RES)
        assert psnr(img[0].permute(1, 2, 0).numpy(), ref[0]) >= 40.0


def test_periodic_consistency_check_passes_and_catches_a_changed_result():
    from render_vk import RenderConsistencyError

    with Renderer(RendererConfig(consistency_every=2)) as r:
        r.load(load_builtin_pack()[:3])
        req = RenderRequest([0, 1, 2], [1.0, 2.0, 3.0], RES, RES)
        for _ in range(6):
            r.render(req)
        assert r._reference_digest is not None
        r._reference_digest = "0" * 32  # as if the first rendering had been different
        with pytest.raises(RenderConsistencyError, match="corrupt"):
            r.check_consistency()


def test_a_loop_past_the_cap_marks_only_its_programs_loop_capped():
    """The kernels count loop trips (glsl_transpile.loop_ticks) and flag capped pixels in the
    alpha byte; lavapipe cuts those loops, and the renderer reads the flag."""
    from glsl_transpile import from_code
    from render_vk import ProgramFailedError

    def program(name, loops):
        return from_code("void mainImage(out vec4 c, in vec2 f) { float x = 0.0;\n"
                         f"  {loops} x += 1e-6;\n  c = vec4(x, 0.5, 0.0, 1.0); }}", name)

    programs = [program("past_cap", "for (int i = 0; i < 100000; i++)"),
                program("below_cap", "for (int i = 0; i < 1000; i++)"),
                program("nested_past_cap",
                        "for (int i = 0; i < 300; i++) for (int j = 0; j < 300; j++)"),
                program("while_past_cap", "int i = 0; while (i++ < 70000)")]
    with Renderer(RendererConfig(watchdog=False)) as r:
        assert [s.status for s in r.load(programs)] == ["ok"] * 4
        with pytest.raises(ProgramFailedError, match="past_cap"):
            r.render(RenderRequest([0, 1, 2, 3], [1.0] * 4, 8, 8))
        assert [r.program(i).status for i in range(4)] == \
            ["loop_capped", "ok", "loop_capped", "loop_capped"]
        assert r.render(RenderRequest([1], [1.0], 8, 8)).shape == (1, 3, 8, 8)


def test_hung_batch_with_parameter_programs_is_recovered():
    """Rendering a program alone after a hang must leave room for its parameter vectors."""
    from glsl_transpile.synth import generate_many
    from render_vk import RenderTimeoutError

    theta_programs = [p.source for p in generate_many(2, 0)]
    with Renderer(RendererConfig(batch_timeout_s=0.3, watchdog=False)) as r:
        r.load(theta_programs + good_and_hanging()[3:])
        r.render(RenderRequest([0, 1], [1.0, 1.0], 16, 16))  # compiled before the timing
        with pytest.raises(RenderTimeoutError, match="hang"):  # seconds of work: a hang
            r.render(RenderRequest([0, 1, 2, 2, 2, 2], [1.0] * 6, RES, RES))
        assert [p.status for p in r.programs()] == ["ok", "ok", "timeout"]
        assert r.render(RenderRequest([0, 1], [1.0] * 2, 16, 16)).shape == (2, 3, 16, 16)


def test_a_request_in_chunks_is_not_judged_by_its_unwritten_images():
    """A request with more programs than the pipeline budget runs in chunks; after the first,
    the later chunks' images still hold the slot's old contents, here a loop-capped program's
    flagged pixels: only the finished request is scanned for the loop-cap flag."""
    from glsl_transpile import from_code
    from render_vk import ProgramFailedError

    capped = from_code("void mainImage(out vec4 c, in vec2 f) { float x = 0.0;\n"
                       "  for (int i = 0; i < 100000; i++) x += 1e-6;\n"
                       "  c = vec4(x, 0.5, 0.0, 1.0); }", "past_cap")
    with Renderer(RendererConfig(watchdog=False, ring_size=1, pipeline_budget=2)) as r:
        r.load([s for s in load_builtin_pack() if not is_multipass(s)][:4] + [capped])
        with pytest.raises(ProgramFailedError, match="past_cap"):
            r.render(RenderRequest([4] * 4, [1.0] * 4, RES, RES))  # every pixel flagged
        images = r.render(RenderRequest([0, 1, 2, 3], [1.0] * 4, RES, RES))  # two chunks
        assert images.shape == (4, 3, RES, RES)
        assert [r.program(i).status for i in range(4)] == ["ok"] * 4
