"""Planning a render run: shard draws in --total and mixing runs."""
from pathlib import Path
from types import SimpleNamespace

from render_vk.jobs import plan_jobs
from render_vk.timesample import TimeSampling


def _programs(n):
    return [SimpleNamespace(name=f"p{i}", status="ok") for i in range(n)]


def _args(tmp_path: Path, **kw):
    base = dict(out=tmp_path, seed=0, total=96, samples=None, mixup=0, cutmix=0, format="png",
                layout="per-program", shard_programs=0, shard_images=0)
    base.update(kw)
    return SimpleNamespace(**base)


def test_total_runs_draw_shard_by_shard_when_asked(tmp_path):
    sampling = TimeSampling()
    sharded = plan_jobs(_programs(12), _args(tmp_path, shard_programs=3, shard_images=16),
                        sampling)
    for first in range(0, 96, 16):
        assert len({j.programs[0] for j in sharded[first:first + 16]}) <= 3
    uniform = plan_jobs(_programs(12), _args(tmp_path), sampling)
    assert max(len({j.programs[0] for j in uniform[f:f + 16]}) for f in range(0, 96, 16)) > 3
    mixed = plan_jobs(_programs(12), _args(tmp_path, mixup=3, shard_programs=4,
                                           shard_images=8), sampling)
    for first in range(0, 96, 8):
        assert len({p for j in mixed[first:first + 8] for p in j.programs}) <= 4
