"""Hand-off of a slot's pixels through timeline semaphores (handoff.py), on lavapipe.

The CUDA consumer queues its waits and signals on a stream; ``StreamLikeConsumer`` plays it on
the host: it does not wait before hand-out, and its release signals are held until the test lets
them through, as a busy stream would hold them.
"""
import pytest
import torch

from glsl_transpile import load_builtin_pack
from glsl_transpile.plumbing.config import ConfigError
from render_vk import RenderError, Renderer, RendererConfig, RenderRequest, RenderTimeoutError
from render_vk.handoff import FenceHandoff, TimelineHandoff

from .programs import good_and_hanging

RES = 24


class StreamLikeConsumer:
    waits_on_host = False

    def __init__(self, handoff: TimelineHandoff, hold: bool):
        self.handoff, self.hold = handoff, hold
        self.waited, self.held = [], []

    def wait_rendered(self, value: int) -> None:
        self.waited.append(value)  # a stream would wait on the device; nothing on the host

    def signal_released(self, value: int) -> None:
        if self.hold:
            self.held.append(value)
        else:
            self.handoff.released.signal(value)

    def let_through(self) -> None:
        for value in self.held:
            self.handoff.released.signal(value)
        self.held.clear()

    def close(self) -> None:
        self.let_through()


@pytest.fixture(scope="module")
def timeline_renderer():
    with Renderer(RendererConfig(sync="timeline", ring_size=2)) as r:
        r.load(load_builtin_pack()[:12])
        yield r


def _requests(count: int) -> list[RenderRequest]:
    return [RenderRequest([(3 * i + j) % 12 for j in range(5)], [0.3 + i + 0.1 * j
                          for j in range(5)], RES, RES) for i in range(count)]


def test_timeline_hand_off_gives_the_pixels_of_the_fence_hand_off(builtin_renderer,
                                                                  timeline_renderer):
    assert isinstance(builtin_renderer._ctx.handoff, FenceHandoff)
    handoff = timeline_renderer._ctx.handoff
    assert isinstance(handoff, TimelineHandoff)
    requests = _requests(7)
    expected = [builtin_renderer.render(req) for req in requests]
    start = handoff.rendered.value
    got = [timeline_renderer.render(req) for req in requests]
    for want, have in zip(expected, got):
        assert torch.equal(want, have)
    # submit ahead, release early, release late: all the same pixels
    a = timeline_renderer.submit(requests[0])
    b = timeline_renderer.submit(requests[1])
    assert torch.equal(a.result(), expected[0])
    a.release()
    c = timeline_renderer.submit(requests[2])
    assert torch.equal(b.result(), expected[1]) and torch.equal(c.result(), expected[2])
    b.release()
    c.release()
    assert handoff.rendered.value == start + 10


def test_a_slot_is_not_rendered_into_until_its_consumer_releases_it():
    with Renderer(RendererConfig(sync="timeline", ring_size=2, batch_timeout_s=5.0)) as r:
        r.load(load_builtin_pack()[:12])
        handoff = r._ctx.handoff
        consumer = StreamLikeConsumer(handoff, hold=True)
        handoff.consumer = consumer
        req_a, req_b, req_c = _requests(3)
        first = r.submit(req_a)
        images_a = first.result()
        assert handoff.rendered.wait(first._slot.lease.serial, 30.0)
        kept_a = images_a.clone()
        r.submit(req_b).result()
        with pytest.raises(RenderError, match="not released"):
            r.submit(req_c)  # a's slot is next, and a's images are still held
        first.release()  # queued on the "stream": the device must wait for it
        third = r.submit(req_c)
        assert consumer.held, "the release must reach the consumer"
        assert not handoff.rendered.wait(third._slot.lease.serial, 0.5)
        assert torch.equal(images_a, kept_a), "slot overwritten while its consumer held it"
        consumer.let_through()
        assert handoff.rendered.wait(third._slot.lease.serial, 30.0)
        consumer.hold = False
        with Renderer(RendererConfig(ring_size=2)) as fence:
            fence.load(load_builtin_pack()[:12])
            assert torch.equal(third.result(), fence.render(req_c))
        assert consumer.waited == [1, 2, 3]


def test_a_hang_found_after_hand_out_is_raised_by_the_call_that_reuses_the_slot():
    cfg = RendererConfig(sync="timeline", ring_size=2, batch_timeout_s=0.3, watchdog=False)
    with Renderer(cfg) as r:
        r.load(good_and_hanging())
        handoff = r._ctx.handoff
        handoff.consumer = StreamLikeConsumer(handoff, hold=False)
        first = r.submit(RenderRequest([0, 3], [1.0, 1.0], RES, RES))
        assert first.result().shape == (2, 3, RES, RES)  # handed out before the device finished
        first.release()
        r.submit(RenderRequest([1], [1.0], RES, RES)).result()
        with pytest.raises(RenderTimeoutError, match="hang"):
            r.submit(RenderRequest([2], [1.0], RES, RES))
        assert [p.status for p in r.programs()] == ["ok", "ok", "ok", "timeout"]
        assert r.render(RenderRequest([0, 1, 2], [1.0] * 3, RES, RES)).shape == (3, 3, RES, RES)


def test_unknown_sync_is_refused_before_any_device_work():
    with pytest.raises(ConfigError, match="sync='spin'"):
        RendererConfig(sync="spin")


def test_lavapipe_cannot_export_timeline_semaphores_so_cuda_output_would_use_fences():
    from render_vk import timeline
    from render_vk.device import VulkanDevice

    device = VulkanDevice(extensions=(timeline.EXTENSION,),
                          optional=(timeline.EXPORT_EXTENSION,))
    try:
        assert timeline.EXTENSION in device.enabled
        assert timeline.export_supported(device) is False
        sem = timeline.TimelineSemaphore(device)
        try:
            assert sem.value == 0
            sem.signal(5)
            assert sem.value == 5 and sem.wait(5, 0.0) and not sem.wait(6, 0.01)
        finally:
            sem.close()
    finally:
        device.close()
