"""The command line shared by every method: `python -m train.<method> --config X.yaml [--set a.b=v]
[--resume]`. Parses arguments, sets up logging and the progress bar, runs the engine, and turns
`TrainError`s into a one-line message and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from train.config import load_config
from train.engine import run_training
from train.errors import ConfigError, TrainError
from train.method import MethodSpec
from train.rundir import StepMetrics


class TqdmProgress:
    """tqdm bar over optimiser steps, showing loss, top-1 and images/s."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None

    def start(self, total_steps: int, done_steps: int) -> None:
        self.bar = tqdm(total=total_steps, initial=done_steps, unit="step", dynamic_ncols=True)

    def update(self, metrics: StepMetrics) -> None:
        if self.bar is not None:
            self.bar.set_postfix(loss=f"{metrics.loss:.4f}", top1=f"{metrics.top1:.3f}",
                                 img_s=f"{metrics.images_per_s:.0f}", refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def parse_args(spec: MethodSpec, argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"python -m train.{spec.name}",
                                     description=f"Train an image encoder with {spec.name}.")
    parser.add_argument("--config", help="YAML config (only values that differ from defaults)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config value, e.g. --set optim.base_lr=0.06")
    parser.add_argument("--resume", action="store_true",
                        help="continue the run in run.dir from its checkpoint")
    return parser.parse_args(argv)


def configure_logging() -> None:
    """INFO on rank 0, WARNING on other ranks (RANK is set by torchrun)."""
    rank = int(os.environ.get("RANK", "0"))
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("train").setLevel(logging.INFO if rank == 0 else logging.WARNING)


def run_cli(spec: MethodSpec, argv: Sequence[str] | None) -> int:
    """Entry point body of `python -m train.<spec.name>`; returns the exit status.

    0: done (or stopped at run.max_steps with a checkpoint); 2: config error; 1: other error.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(spec, args_list)
    configure_logging()
    try:
        cfg = load_config(args.config, args.set, defaults=spec.defaults)
        progress = TqdmProgress() if cfg.run.progress else None
        with logging_redirect_tqdm():  # log lines above the bar instead of through it
            run_training(cfg, spec, argv=["-m", f"train.{spec.name}", *args_list],
                         resume=args.resume, progress=progress)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except TrainError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0
