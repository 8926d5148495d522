"""Argument parsing shared by the ``eval`` entry points.

Convenience flags (``--dataset``, ``--checkpoint``, ...) become ``key=value`` overrides applied
after ``--config FILE`` and before ``--set a.b=v``, so one frozen config tree is the only source
of truth. Also: logging set-up and the run metadata (command line, git revision) saved with results.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from glsl_transpile.plumbing import run_record
from glsl_transpile.plumbing.config import config_to_yaml

MODEL_FLAGS = {"backbone": "backbone.name", "checkpoint": "backbone.checkpoint",
               "seed": "backbone.seed", "cache_dir": "features.cache_dir",
               "device": "features.device", "batch_size": "features.batch_size",
               "num_workers": "features.num_workers", "normalize": "features.normalize"}
DATA_FLAGS = {"dataset": "data.name", "data_root": "data.root", "resolution": "data.resolution",
              "transform": "data.transform", "limit_train": "data.limit_train",
              "limit_val": "data.limit_val"}


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """``--config FILE``, repeated ``--set a.b=v``, ``--out DIR`` and ``-v``."""
    parser.add_argument("--config", help="YAML file with (part of) the config tree")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override one config value, e.g. --set knn.temperature=0.1")
    parser.add_argument("--out", dest="out_dir", help="output folder (config key out_dir)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Backbone choice (checkpoint or ``--random-init``) and feature-extraction flags."""
    parser.add_argument("--backbone", help="resnet18 | resnet50 | alexnet")
    parser.add_argument("--checkpoint", help="torchvision state dict or training checkpoint")
    parser.add_argument("--random-init", action="store_true",
                        help="seeded random-init backbone (the baseline)")
    parser.add_argument("--seed", type=int, help="seed of the random init")
    parser.add_argument("--cache-dir", help="feature cache folder")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write cache")
    parser.add_argument("--device", help="torch device, e.g. cpu or cuda")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--num-workers", type=int)
    parser.add_argument("--normalize", help="input normalisation: imagenet | none")


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """Dataset flags."""
    parser.add_argument("--dataset", help="imagefolder | mnist | fashion_mnist | digits")
    parser.add_argument("--data-root", help="ImageFolder root (train/, val/) or IDX folder")
    parser.add_argument("--resolution", type=int, help="backbone input size in pixels")
    parser.add_argument("--transform", help="resize | resize_center_crop | auto")
    parser.add_argument("--limit-train", type=int, help="seeded subset of the train split")
    parser.add_argument("--limit-val", type=int, help="seeded subset of the val split")


def overrides_from_args(args: argparse.Namespace, flags: dict[str, str]) -> list[str]:
    """``key=value`` strings for every flag given; strings are JSON-quoted (valid YAML)."""
    out = []
    for dest, key in flags.items():
        value = getattr(args, dest, None)
        if value is not None:
            out.append(f"{key}={json.dumps(value) if isinstance(value, str) else value}")
    if getattr(args, "random_init", False):
        out.append("backbone.random_init=true")
    if getattr(args, "no_cache", False):
        out.append("features.use_cache=false")
    if getattr(args, "out_dir", None):
        out.append(f"out_dir={json.dumps(args.out_dir)}")
    return out + list(getattr(args, "set", []))


def configure_logging(verbose: bool = False) -> None:
    """Log to stderr at INFO (DEBUG with ``verbose``); entry points only."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)


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
