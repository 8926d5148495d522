"""Ctrl-C and SIGTERM in training: a checkpoint at the step reached, status 130, one message, no
traceback, and a resume that repeats the uninterrupted losses."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.train.conftest import tiny_run_overrides
from train.interrupt import StopRequest
from train.rundir import read_metrics

REPO = Path(__file__).resolve().parents[2]
COMMON = {"data.num_workers": 0, "run.epochs": 50, "run.checkpoint_every_epochs": 100}


def _losses(run_dir, upto):
    return [(r["step"], r["loss"], r["lr"]) for r in read_metrics(run_dir) if r["step"] <= upto]


def _start(args):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "train.moco", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_steps(proc, run_dir, steps, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"training ended early: {proc.communicate()}")
        if len(read_metrics(run_dir)) >= steps:
            return
        time.sleep(0.05)
    proc.kill()
    pytest.fail("training made no progress")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_saves_a_checkpoint_at_the_step_reached_and_exits_130(signum, tiny_folder,
                                                                       tmp_path):
    # to the whole process group, the decoding worker too: a terminal's Ctrl-C, or a
    # scheduler's SIGTERM (which may kill the workers before the loop ends its step)
    run_dir = tmp_path / "run"
    proc = _start(tiny_run_overrides(tiny_folder, run_dir, **{**COMMON, "data.num_workers": 1}))
    _wait_for_steps(proc, run_dir, 2)
    os.killpg(proc.pid, signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    stopped = len(read_metrics(run_dir))
    assert f"stopped by {signal.Signals(signum).name} at step {stopped}" in err
    assert (run_dir / "checkpoint.pt").is_file() and (run_dir / "backbone_torchvision.pt").is_file()
    if signum != signal.SIGINT:
        return
    # the resume goes on from that step exactly (decoding workers change nothing: same order)
    # each run in a fresh process, as the stopped one: a process that has run lavapipe's
    # LLVM code may round CPU kernels' last bits otherwise (seen as a 2e-7 loss difference)
    upto = {"run.max_steps": stopped + 2}
    _finish(_start(tiny_run_overrides(tiny_folder, run_dir, **COMMON, **upto) + ["--resume"]))
    whole = tmp_path / "whole"
    _finish(_start(tiny_run_overrides(tiny_folder, whole, **COMMON, **upto)))
    assert _losses(run_dir, stopped + 2) == _losses(whole, stopped + 2)


def _finish(proc, timeout=300):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err


def test_a_signal_outside_the_loop_interrupts_at_once_and_inside_only_asks():
    stop = StopRequest()
    with stop.installed():
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        assert not stop.requested
        with stop.deferring():
            signal.raise_signal(signal.SIGTERM)
            assert stop.requested and stop.signal_name == "SIGTERM"
            with pytest.raises(KeyboardInterrupt):  # a second one stops at once
                signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
