"""Program draws of long runs: shard by shard keeps the working set bounded and the rates."""
import numpy as np
import pytest

from render_vk.program_draws import ProgramDraws

PROGRAMS, SHARD, SHARD_IMAGES = 200, 20, 400
IMAGES = 20_000  # five passes over the ten shards


def _counts(draws: ProgramDraws) -> np.ndarray:
    picks = np.concatenate([draws.draw(g) for g in range(IMAGES)])
    return np.bincount(picks, minlength=PROGRAMS)


def test_shard_draws_visit_every_program_at_the_uniform_rate():
    sharded = _counts(ProgramDraws(PROGRAMS, seed=3, shard_size=SHARD,
                                   shard_images=SHARD_IMAGES))
    uniform = _counts(ProgramDraws(PROGRAMS, seed=3))
    mean = IMAGES / PROGRAMS  # 100 images each
    sigma = np.sqrt(mean)     # the spread of uniform (multinomial) counts
    assert sharded.min() > 0 and uniform.min() > 0
    # stated tolerance: every count within 5 sigma of the mean, and the spread of the counts
    # within 25% of uniform's (both measured here on the same number of images)
    assert np.abs(sharded - mean).max() < 5 * sigma
    assert 0.75 < sharded.std() / uniform.std() < 1.25, (sharded.std(), uniform.std())


def test_a_shards_stretch_of_the_run_draws_only_its_programs():
    draws = ProgramDraws(PROGRAMS, seed=1, shard_size=SHARD, shard_images=SHARD_IMAGES)
    for shard in range(12):
        stretch = range(shard * SHARD_IMAGES, (shard + 1) * SHARD_IMAGES)
        used = {int(draws.draw(g, k=3)[i]) for g in stretch for i in range(3)}
        assert used <= set(draws.pool(stretch[0]).tolist()) and len(used) <= SHARD
    pools = [set(draws.pool(s * SHARD_IMAGES).tolist()) for s in range(10)]
    assert set().union(*pools) == set(range(PROGRAMS))  # one pass covers every program once
    assert sum(len(p) for p in pools) == PROGRAMS


def test_draws_are_a_function_of_the_image_index_alone():
    a = ProgramDraws(57, seed=9, shard_size=10, shard_images=7)
    b = ProgramDraws(57, seed=9, shard_size=10, shard_images=7)
    order = np.random.default_rng(0).permutation(500)
    assert [tuple(a.draw(int(g), 2)) for g in order] == [tuple(b.draw(int(g), 2))
                                                         for g in order]
    assert len({tuple(ProgramDraws(57, seed=s).draw(5)) for s in range(20)}) > 1


def test_uneven_shards_differ_by_one_program_at_most_and_bad_settings_are_errors():
    draws = ProgramDraws(103, shard_size=10, shard_images=1)
    sizes = {len(draws.pool(s)) for s in range(draws.shards_per_pass)}
    assert sizes <= {9, 10} and draws.shards_per_pass == 11
    with pytest.raises(ValueError, match="raise the shard size"):
        ProgramDraws(10, shard_size=2, shard_images=5).draw(0, k=3)
    with pytest.raises(ValueError):
        ProgramDraws(0)


def test_balanced_draws_split_a_budget_evenly_and_change_order_every_pass():
    draws = ProgramDraws(7, seed=4, balanced=True)
    picks = np.concatenate([draws.draw(g) for g in range(23)])  # 3 passes and 2 images
    counts = np.bincount(picks, minlength=7)
    assert counts.sum() == 23 and set(counts.tolist()) == {3, 4} and (counts == 4).sum() == 2
    passes = [tuple(picks[i:i + 7]) for i in (0, 7, 14)]
    assert all(sorted(p) == list(range(7)) for p in passes) and len(set(passes)) > 1
    assert np.array_equal(picks, [int(ProgramDraws(7, seed=4, balanced=True).draw(g)[0])
                                  for g in range(23)])  # a function of the index alone
    with pytest.raises(ValueError, match="one program an image"):
        draws.draw(0, k=2)
    with pytest.raises(ValueError, match="no shards"):
        ProgramDraws(10, shard_size=2, shard_images=5, balanced=True)
