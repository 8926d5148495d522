import numpy as np
import pytest

from render_vk.timesample import TimeSampling, sample_times


def test_continuous_sample_n_lies_in_its_frame_interval():
    s = TimeSampling("continuous", fps=4.0, seed=1)
    t = sample_times(s, "prog", range(100))
    n = np.arange(100)
    assert ((t >= n / 4.0 - 1e-6) & (t <= (n + 1) / 4.0 + 1e-6)).all()
    assert len(set(np.round(t - n / 4.0, 6))) > 50  # jittered, not the frame start


def test_random_times_are_in_range_and_reproducible_per_program_and_index():
    s = TimeSampling("random", seed=7)
    t = sample_times(s, "a", range(500))
    assert t.min() >= 0.1 and t.max() <= 10.0
    assert np.array_equal(sample_times(s, "a", [3, 4]), t[[3, 4]])
    assert not np.array_equal(sample_times(s, "b", range(5)), t[:5])
    assert not np.array_equal(sample_times(TimeSampling("random", seed=8), "a", range(5)), t[:5])


def test_explicit_list_cycles_and_bad_mode_is_refused():
    s = TimeSampling("list", times_s=(0.5, 2.0))
    assert sample_times(s, "x", range(3)).tolist() == [0.5, 2.0, 0.5]
    with pytest.raises(ValueError, match="continuous"):
        TimeSampling("sometimes")
