"""Argument parsing shared by the ``eval`` entry points.

Every entry point with a config tree takes ``--config FILE``, flags that stand for config keys
(``--dataset``, ``--checkpoint``, ``--batch-size`` ...: the project's shared
``glsl_transpile.plumbing.command_line``, spelled as in ``train``) applied after the file and
before ``--set a.b=v``, ``--print-config``, ``--version``, ``--quiet`` and ``-v``. The frozen tree
is the only source of truth. Errors a user can act on end in one ``error: ...`` line and exit
status 2; Ctrl-C in 130. Also: logging set-up and the run metadata (command line, git revision)
saved with results.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm.contrib.logging import logging_redirect_tqdm

from glsl_transpile.plumbing import command_line as cl
from glsl_transpile.plumbing import run_record
from glsl_transpile.plumbing.config import config_to_yaml, load_config
from glsl_transpile.plumbing.progress import Meter, bars
from eval.errors import USER_ERRORS

Flag = cl.ConfigFlag
OUT_FLAG = Flag("--out", "out_dir", "output folder")
MODEL_FLAGS = (
    Flag("--backbone", "backbone.name", "resnet18 | resnet50 | alexnet"),
    Flag("--checkpoint", "backbone.checkpoint", "torchvision state dict or training checkpoint"),
    Flag("--random-init", "backbone.random_init", "a seeded random-init backbone (the "
                                                  "baseline)", const=True),
    Flag("--seed", "backbone.seed", "seed of the random init", type=int),
    Flag("--cache-dir", "features.cache_dir", "feature cache folder (empty: $EVAL_CACHE_DIR or "
                                              "~/.cache/eval-features)"),
    Flag("--no-cache", "features.use_cache", "neither read nor write the feature cache",
         const=False),
    Flag("--device", "features.device", "torch device, e.g. cpu or cuda"),
    Flag("--batch-size", "features.batch_size", "images per forward pass", type=int),
    Flag("--num-workers", "features.num_workers", "image decoding processes", type=int),
    Flag("--normalize", "features.normalize", "input normalisation: imagenet | none"),
)
DATA_FLAGS = (
    Flag("--dataset", "data.name", "imagefolder | mnist | fashion_mnist | digits"),
    Flag("--data-root", "data.root", "ImageFolder root (train/, val/) or IDX folder"),
    Flag("--resolution", "data.resolution", "backbone input side in pixels", type=int),
    Flag("--transform", "data.transform", "resize | resize_center_crop | auto"),
    Flag("--limit-train", "data.limit_train", "seeded subset of the train split (0: all)",
         type=int),
    Flag("--limit-val", "data.limit_val", "seeded subset of the val split (0: all)", type=int),
)


def new_parser(prog: str, description: str | None, defaults: Any,
               flags: Sequence[cl.ConfigFlag], *, example: str) -> argparse.ArgumentParser:
    """A parser with the shared arguments and ``flags`` (help shows ``defaults``' values)."""
    parser = cl.new_parser(prog, description)
    cl.add_config_arguments(parser, example=example)
    cl.add_config_flags(parser, flags, defaults)
    cl.add_verbosity_arguments(parser)
    return parser


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stderr at ``level``; entry points only."""
    cl.configure_logging(level)


def run_entry(parser: argparse.ArgumentParser, argv: list[str] | None, cfg_type: type,
              flags: Sequence[cl.ConfigFlag], body: Callable[[Any, Meter], int], *,
              first: Callable[[argparse.Namespace], list[str]] = lambda args: []) -> int:
    """Parse, load the config (``first(args)`` overrides, then the flags, then ``--set``),
    print it with ``--print-config``, else ``body(cfg, meter)``; errors as the module says."""
    args = parser.parse_args(argv)
    configure_logging(cl.log_level(args))

    def go() -> int:
        cfg = load_config(cfg_type, args.config, first(args) + cl.config_overrides(args, flags))
        if args.print_config:
            print(config_to_yaml(cfg), end="")
            return 0
        with logging_redirect_tqdm():
            return body(cfg, bars(not args.quiet))

    return cl.guarded(go, usage_errors=USER_ERRORS)


def quoted(key: str, value: str) -> str:
    """A ``key=value`` override holding the string ``value`` (quoted: valid YAML)."""
    return f"{key}={json.dumps(value)}"


def run_metadata(argv: list[str] | None) -> dict[str, Any]:
    """The command line and git revision, saved next to every result."""
    args = list(sys.argv[1:] if argv is None else argv)
    return {"argv": args, "git_revision": run_record.git_revision(),
            "python": sys.version.split()[0]}


def record_run(out_dir: str | Path, config: Any, argv: list[str] | None) -> None:
    """Before any work: ``out_dir`` gets the resolved config, git revision and command line
    (the same run record as training's)."""
    command = None if argv is None else [sys.argv[0], *argv]
    run_record.record_run(out_dir, config_to_yaml(config), command)
