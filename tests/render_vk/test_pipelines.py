"""Pipelines on demand: a budget of live pipelines, eviction, and the on-disk pipeline cache."""
import logging

import numpy as np
import pytest
import torch

from glsl_transpile import load_builtin_pack
from render_vk import Renderer, RendererConfig, RenderRequest

RES = 16
PACK = load_builtin_pack()[:40]


def _requests(seed: int, count: int = 6) -> list[RenderRequest]:
    rng = np.random.default_rng(seed)
    return [RenderRequest([int(p) for p in rng.integers(0, len(PACK), 24)],
                          [float(t) for t in rng.uniform(0.1, 5.0, 24)], RES, RES)
            for _ in range(count)]


@pytest.fixture(scope="module")
def unbounded_images(builtin_renderer):
    return [builtin_renderer.render(r) for r in _requests(1) + _requests(2)]


def test_a_budget_of_8_renders_40_programs_identically_with_at_most_8_alive(unbounded_images,
                                                                            tmp_path):
    with Renderer(RendererConfig(pipeline_budget=8, cache_dir=str(tmp_path))) as r:
        r.load(PACK)
        assert r.status().pipelines_live == 0  # nothing is made before a request needs it
        got = [r.render(req) for req in _requests(1) + _requests(2)]
        status = r.status()
    for want, have in zip(unbounded_images, got):
        assert torch.equal(want, have)
    assert status.pipelines_peak <= 8 and status.pipeline_budget == 8
    assert status.pipelines_evicted > 0 and status.pipelines_created > 40  # made again


def test_an_evicted_program_renders_again_and_in_flight_ones_are_kept(builtin_renderer,
                                                                      tmp_path):
    req_a = RenderRequest([0, 1, 2, 3], [1.0] * 4, RES, RES)
    req_b = RenderRequest([4, 5, 6, 7], [1.0] * 4, RES, RES)
    want_a, want_b = builtin_renderer.render(req_a), builtin_renderer.render(req_b)
    with Renderer(RendererConfig(pipeline_budget=4, cache_dir=str(tmp_path))) as r:
        r.load(PACK)
        a = r.submit(req_a)
        b = r.submit(req_b)  # a's four pipelines are pinned: b waits for a's batch, then evicts
        assert torch.equal(b.result(), want_b) and torch.equal(a.result(), want_a)
        a.release()
        b.release()
        assert r.status().pipelines_peak <= 4
        assert torch.equal(r.render(req_a), want_a)  # a's were evicted: made again, same pixels


def test_a_request_with_more_programs_than_the_budget_renders_in_runs(builtin_renderer,
                                                                      tmp_path):
    req = RenderRequest(list(range(12)), [2.0] * 12, RES, RES)
    with Renderer(RendererConfig(pipeline_budget=5, cache_dir=str(tmp_path))) as r:
        r.load(PACK)
        assert torch.equal(r.render(req), builtin_renderer.render(req))
        assert r.status().pipelines_peak <= 5


def test_the_pipeline_cache_is_saved_reused_and_a_damaged_one_ignored(tmp_path, caplog):
    cfg = RendererConfig(cache_dir=str(tmp_path))
    req = RenderRequest([0, 1], [1.0, 2.0], RES, RES)
    with Renderer(cfg) as r:
        r.load(PACK[:2])
        first = r.render(req)
        assert r.status().pipeline_cache_bytes_loaded == 0
    files = list((tmp_path / "pipelines").glob("*.bin"))
    assert len(files) == 1 and files[0].stat().st_size > 40
    with Renderer(cfg) as r:
        r.load(PACK[:2])
        assert r.status().pipeline_cache_bytes_loaded > 0  # the driver got last run's data
        assert torch.equal(r.render(req), first)
    data = bytearray(files[0].read_bytes())
    data[-1] ^= 0xFF
    files[0].write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING), Renderer(cfg) as r:
        r.load(PACK[:2])
        assert r.status().pipeline_cache_bytes_loaded == 0
        assert torch.equal(r.render(req), first)
    assert any("damaged" in rec.message for rec in caplog.records)
