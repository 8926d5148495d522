"""Which programs the data hygiene drops (pure: observations in, verdicts out), and which
images it probes."""
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from render_vk.hygiene import DropRules, probe_indices, summary, verdict
from render_vk.jobs import probe_jobs
from render_vk.report import Observation
from render_vk.timesample import TimeSampling


def _obs(*images):
    return [Observation.of(np.asarray(im, dtype=np.uint8)) for im in images]


FLAT = np.full((4, 4, 3), 7)
OTHER_FLAT = np.full((4, 4, 3), 9)
PATTERN = np.arange(48).reshape(4, 4, 3)


def test_one_colour_everywhere_is_constant_one_image_everywhere_is_static():
    rules = DropRules()
    assert verdict(_obs(FLAT, FLAT, FLAT), [0.1, 0.5, 0.9], rules) == "constant"
    assert verdict(_obs(FLAT, OTHER_FLAT), [0.1, 0.5], rules) is None  # flat, but it changes
    assert verdict(_obs(PATTERN, PATTERN), [0.1, 0.5], rules) == "static"
    assert verdict(_obs(PATTERN, PATTERN + 1), [0.1, 0.5], rules) is None


def test_static_needs_two_times_and_each_rule_can_be_off():
    assert verdict(_obs(PATTERN, PATTERN), [1.0, 1.0], DropRules()) is None
    assert verdict(_obs(FLAT), [1.0], DropRules()) == "constant"
    assert verdict(_obs(FLAT, FLAT), [0.1, 0.5], DropRules(constant=False)) == "static"
    assert verdict(_obs(FLAT, FLAT), [0.1, 0.5], DropRules(constant=False,
                                                          static=False)) is None


def test_probe_indices_spread_over_the_samples():
    assert probe_indices(16) == [0, 8, 15] and probe_indices(2) == [0, 1]
    assert probe_indices(1) == [0] and probe_indices(3) == [0, 1, 2]


def test_summary_counts_the_reasons():
    assert summary({}) == ""
    assert summary({"a": "constant", "b": "static", "c": "constant"}) == \
        "3 dropped (2 constant, 1 static)"


def _args(**kw):
    base = dict(out=Path("/out"), samples=None, total=None, mixup=0, cutmix=0, format="png",
                layout="per-program", seed=0, shard_programs=0, shard_images=0)
    base.update(kw)
    return SimpleNamespace(**base)


def test_a_per_program_probe_is_made_of_the_datasets_own_images():
    programs = [SimpleNamespace(name=n, status="ok") for n in ("a", "b")]
    jobs = probe_jobs(programs, [0, 1], _args(samples=16), TimeSampling())
    assert [(j.programs[0], j.frames[0]) for j in jobs] == \
        [(p, k) for p in (0, 1) for k in (0, 8, 15)]
    assert jobs[1].path == Path("/out/a/000008.png")


def test_a_total_run_probes_apart_from_its_images_on_each_ranks_share():
    programs = [SimpleNamespace(name=n, status="ok") for n in ("a", "b", "c")]
    jobs = probe_jobs(programs, [0, 1, 2], _args(total=30), TimeSampling(), rank=1, world=2)
    assert {j.programs[0] for j in jobs} == {1} and all(j.path is None for j in jobs)
    assert [j.frames[0] for j in jobs] == [0, 4, 9] and all(j.index < 0 for j in jobs)
