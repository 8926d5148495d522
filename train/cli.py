"""The command line shared by every method: `python -m train.<method> --config X.yaml [--set a.b=v]
[--resume]`. Parses arguments, sets up logging and the progress bars, runs the engine, and turns
errors into a one-line message and an exit status.

Flags shared with `eval` (`--out`, `--data-root`, `--resolution`, `--batch-size`, `--num-workers`,
`--device`, `--seed`, `--quiet`, `-v`, `--config`, `--set`, `--print-config`, `--version`) are
spelled as there; each convenience flag stands for one config key and is applied after
`--config` and before `--set`.

Exit status: 0 done (or stopped at run.max_steps); 2 bad arguments or config; 1 the run failed
(a checkpoint that does not match, a data error...); 130 stopped by Ctrl-C or SIGTERM, with a
checkpoint at the step reached when the loop was running (`train.interrupt`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from glsl_transpile.plumbing import command_line as cl
from glsl_transpile.plumbing.progress import bars
from train.config import TrainConfig, config_to_yaml, load_config
from train.engine import TrainResult, run_training
from train.errors import ConfigError, TrainError
from train.interrupt import StopRequest
from train.method import MethodSpec
from train.rundir import StepMetrics

FLAGS = (
    cl.ConfigFlag("--out", "run.dir", "run folder (config, metrics, checkpoint, export)"),
    cl.ConfigFlag("--data-root", "data.path", "image folder: root/<class>/<image>, or flat"),
    cl.ConfigFlag("--resolution", "data.resolution", "image side in pixels (folder: resize on "
                                                     "load; live: render size)", type=int),
    cl.ConfigFlag("--batch-size", "data.batch_size", "global batch over all ranks", type=int),
    cl.ConfigFlag("--num-workers", "data.num_workers", "image decoding processes per rank",
                  type=int),
    cl.ConfigFlag("--epochs", "run.epochs", "epochs in total (a --resume may raise it)",
                  type=int),
    cl.ConfigFlag("--device", "run.device", "auto | cpu | cuda | cuda:N"),
    cl.ConfigFlag("--seed", "run.seed", "seed of initialisation, data order and augmentation",
                  type=int),
)


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


def build_parser(spec: MethodSpec) -> argparse.ArgumentParser:
    parser = cl.new_parser(f"python -m train.{spec.name}", (
        f"Train an image encoder with {spec.name}. Flags stand for config keys and apply after "
        "--config, before --set.\n\nExit status: 0 done (or stopped at run.max_steps), 2 bad "
        "arguments or config, 1 the run failed, 130 stopped by Ctrl-C or SIGTERM (with a "
        "checkpoint at the step reached; --resume continues it)."))
    cl.add_config_arguments(parser, example="optim.base_lr=0.06")
    parser.add_argument("--resume", action="store_true",
                        help="continue the run in run.dir from its checkpoint (run.epochs may be "
                             "larger than before)")
    cl.add_config_flags(parser, FLAGS, spec.defaults)
    cl.add_verbosity_arguments(parser)
    return parser


def configure_logging(level: int = logging.INFO) -> None:
    """``level`` on rank 0, WARNING on other ranks (RANK is set by torchrun)."""
    rank = int(os.environ.get("RANK", "0"))
    cl.configure_logging(logging.WARNING, force=False)
    logging.getLogger("train").setLevel(level if rank == 0 else logging.WARNING)
    logging.getLogger("render_vk").setLevel(max(level, logging.INFO) if rank == 0
                                            else logging.WARNING)


def resolve_config(spec: MethodSpec, args: argparse.Namespace) -> TrainConfig:
    """--config, then the flags, then --set; --quiet turns the step bar off."""
    overrides = cl.config_overrides(args, FLAGS)
    if args.quiet:
        overrides.insert(0, "run.progress=false")
    return load_config(args.config, overrides, defaults=spec.defaults)


def run_cli(spec: MethodSpec, argv: Sequence[str] | None) -> int:
    """Entry point body of `python -m train.<spec.name>`; returns the exit status (module doc)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(spec).parse_args(args_list)
    configure_logging(cl.log_level(args))

    def body() -> int:
        cfg = resolve_config(spec, args)
        if args.print_config:
            print(config_to_yaml(cfg), end="")
            return 0
        progress = TqdmProgress() if cfg.run.progress else None
        with StopRequest().installed() as stop, logging_redirect_tqdm():
            result = run_training(cfg, spec, argv=["-m", f"train.{spec.name}", *args_list],
                                  resume=args.resume, progress=progress, stop=stop,
                                  meter=bars(cfg.run.progress))
        return _report(result)

    return cl.guarded(body, usage_errors=(ConfigError,), failures=(TrainError,))


def _report(result: TrainResult) -> int:
    if result.interrupted is None:
        return 0
    if result.global_step == 0:
        print(f"stopped by {result.interrupted} before the first step: nothing to save",
              file=sys.stderr)
    else:
        print(f"stopped by {result.interrupted} at step {result.global_step}: checkpoint in "
              f"{result.run_dir}; run the same command with --resume to continue",
              file=sys.stderr)
    return cl.EXIT_INTERRUPTED
