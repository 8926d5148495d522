import random

import numpy as np
import pytest
import torch

from train.checkpoint import (atomic_torch_save, capture_rng, load_checkpoint, restore_rng,
                              restore_state)
from train.errors import CheckpointError


def _draws(gen: torch.Generator) -> tuple:
    return (random.random(), float(np.random.rand()), float(torch.rand(())),
            float(torch.rand((), generator=gen)))


def test_rng_states_round_trip_through_a_weights_only_file(tmp_path):
    gen = torch.Generator().manual_seed(5)
    atomic_torch_save({"format": 1, "rng": [capture_rng(gen)]}, tmp_path / "c.pt")
    expected = _draws(gen)
    _draws(gen)  # move every stream on
    restore_rng(load_checkpoint(tmp_path / "c.pt")["rng"][0], gen)
    assert _draws(gen) == expected


def test_atomic_save_leaves_no_partial_file_when_pickling_fails(tmp_path):
    with pytest.raises(Exception):
        atomic_torch_save({"bad": lambda: 0}, tmp_path / "c.pt")
    assert list(tmp_path.iterdir()) == []


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(CheckpointError, match=r"c.pt: no such file"):
        load_checkpoint(tmp_path / "c.pt")
    torch.save({"format": 99}, tmp_path / "c.pt")
    with pytest.raises(CheckpointError, match=r"c.pt: not a train checkpoint of format 1"):
        load_checkpoint(tmp_path / "c.pt")


def test_model_mismatch_names_the_file(tmp_path):
    with pytest.raises(CheckpointError, match=r"c.pt: model does not match the checkpoint"):
        restore_state(torch.nn.Linear(2, 3), torch.nn.Linear(2, 4).state_dict(),
                      tmp_path / "c.pt", "model")
