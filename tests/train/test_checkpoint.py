import random

import numpy as np
import pytest
import torch

from train.checkpoint import (capture_rng, load_checkpoint, load_torch_file, restore_rng,
                              restore_state, save_checkpoint, save_torch)
from train.errors import CheckpointError


def _draws(gen: torch.Generator) -> tuple:
    return (random.random(), float(np.random.rand()), float(torch.rand(())),
            float(torch.rand((), generator=gen)))


def test_rng_states_round_trip_through_a_weights_only_file(tmp_path):
    gen = torch.Generator().manual_seed(5)
    save_checkpoint({"format": 1, "rng": [capture_rng(gen)]}, tmp_path / "c.pt")
    expected = _draws(gen)
    _draws(gen)  # move every stream on
    restore_rng(load_checkpoint(tmp_path / "c.pt")["rng"][0], gen)
    assert _draws(gen) == expected


def test_atomic_save_leaves_no_partial_file_when_pickling_fails(tmp_path):
    with pytest.raises(Exception):
        save_checkpoint({"bad": lambda: 0}, tmp_path / "c.pt")
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


def test_flipped_bytes_in_a_checkpoint_are_an_error_not_a_silent_resume(tmp_path):
    state = {"format": 1, "model": {"w": torch.arange(4096, dtype=torch.float32)}}
    path = save_checkpoint(state, tmp_path / "c.pt")
    assert torch.equal(load_checkpoint(path)["model"]["w"], state["model"]["w"])
    data = bytearray(path.read_bytes())
    payload_at = data.find(bytes(np.arange(4096, dtype=np.float32).tobytes()[:64]))
    assert payload_at > 0  # the weights are in the file as raw float32
    for k in range(64):
        data[payload_at + 200 + k] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"c.pt: corrupt"):
        load_checkpoint(path)


def test_plain_torch_files_load_unchanged(tmp_path):
    save_torch({"conv.weight": torch.ones(2)}, tmp_path / "w.pt")
    assert torch.equal(load_torch_file(tmp_path / "w.pt")["conv.weight"], torch.ones(2))
    assert (tmp_path / "w.pt").stat().st_mode & 0o044  # readable by the group/others
