"""Two gloo ranks under torchrun: gathered losses and shuffle-BN, and the CLIs end to end."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from train.checkpoint import load_checkpoint

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("ddp_driver.py")


def _torchrun(*args: str, timeout: int = 300) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
           "--standalone", *args]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_gathered_losses_and_shuffle_bn_match_one_process(tmp_path):
    _torchrun(str(DRIVER), "losses", str(tmp_path))
    for rank in (json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)):
        assert rank == {"nt_xent": {"value": True, "grad": True},
                        "supcon": {"value": True, "grad": True},
                        "shuffle_round_trip": True, "shuffle_moves_rows": True}


@pytest.mark.slow
@pytest.mark.parametrize("method", ["moco", "simclr"])
def test_cli_trains_on_two_ranks(method, tiny_folder, tmp_path):
    import torch

    from tests.train.conftest import tiny_run_overrides

    run_dir = tmp_path / "run"
    _torchrun("-m", f"train.{method}", *tiny_run_overrides(
        tiny_folder, run_dir, **{"data.batch_size": 16, "run.epochs": 1, "loss.queue_size": 48}))
    state = load_checkpoint(run_dir / "checkpoint.pt")
    assert state["world_size"] == 2 and len(state["rng"]) == 2 and state["global_step"] == 2
    assert (run_dir / "backbone_torchvision.pt").is_file()
    assert len((run_dir / "metrics.jsonl").read_text().splitlines()) == 2  # rank 0 only
    if method == "moco":
        # Each step enqueues the keys of both ranks (2 x 8): 2 steps -> pointer 32 of 48.
        assert int(state["model"]["queue.pointer"]) == 32
