from train.seeding import derive_seed, step_generator


def test_derived_seeds_are_stable_and_separate_nearby_keys():
    assert derive_seed(0, 1, 2) == derive_seed(0, 1, 2)
    seeds = {derive_seed(s, r) for s in range(4) for r in range(4)}
    assert len(seeds) == 16  # (seed 1, rank 0) and (seed 0, rank 1) do not collide
    assert step_generator(3, 4).initial_seed() == derive_seed(3, 4)
