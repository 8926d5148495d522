"""``python -m train.bench_live --method moco --config X.yaml``: a training step fed live vs from
memory.

Builds the run of ``--method`` with ``data.source=live`` (programs rendered on the fly by
render_vk, with the config's time sampling and MixUp), then times the same training step
(augmentation, forward, backward, optimiser) fed (a) by the live source and (b) by batches of the
same images already in memory on the training device. Prints seconds per step for both and the
ratio (the paper's live generation made training about 2x slower).
"""
from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Sequence

import torch

from glsl_transpile.plumbing import command_line
from train.config import load_config
from train.data.batch import ViewBatch
from train.distributed import init_distributed, shutdown_distributed
from train.engine import Trainer, pick_device
from train.errors import ConfigError, TrainError
from train.registry import choose


def _specs() -> dict:
    from train import ce, moco, simclr, supcon
    return {"moco": moco.SPEC, "simclr": simclr.SPEC, "supcon": supcon.SPEC, "ce": ce.SPEC}


def _timed_steps(trainer: Trainer, batches, steps: int) -> float:
    """Mean seconds per step, data fetching included."""
    it = iter(batches)
    trainer._step_clock = time.perf_counter()
    start = time.perf_counter()
    for _ in range(steps):
        trainer._train_step(next(it))
    if trainer.cuda:
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / steps


def _data_only(trainer: Trainer, batches, steps: int) -> float:
    """Mean seconds per batch of the live source alone (render, MixUp, hand-off), no training:
    live ~ max(this, memory) means rendering overlaps training; live ~ this + memory, it does
    not."""
    it = iter(batches)
    start = time.perf_counter()
    for _ in range(steps):
        batch = next(it)
        if trainer.cuda:
            torch.cuda.current_stream(trainer.device).synchronize()
        del batch
    return (time.perf_counter() - start) / steps


def _in_memory(trainer: Trainer, count: int) -> list[ViewBatch]:
    """``count`` live batches copied to the training device."""
    out = []
    for batch in trainer.source.batches(0):
        out.append(ViewBatch(tuple(v.to(trainer.device).clone() for v in batch.views),
                             batch.labels.to(trainer.device)))
        if len(out) == count:
            return out
    raise TrainError("the live source ended before the benchmark had its batches")


def main(argv: Sequence[str] | None = None) -> int:
    ap = command_line.new_parser("python -m train.bench_live", __doc__)
    ap.add_argument("--method", default="moco", help="moco | simclr | supcon | ce")
    ap.add_argument("--config", default=None, help="YAML config of the method")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override one config value; repeatable")
    ap.add_argument("--steps", type=int, default=20, help="timed steps of each kind")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    args = ap.parse_args(argv)
    try:
        spec = choose(_specs(), args.method, key="--method")
        with tempfile.TemporaryDirectory() as tmp:
            overrides = ["data.source=live", f"run.dir={tmp}/run", "run.progress=false",
                         *args.set]
            cfg = load_config(args.config, overrides, defaults=spec.defaults)
            device = pick_device(cfg.run.device)
            ctx = init_distributed(device.type)
            try:
                trainer = Trainer(cfg, spec, ctx, device, renderer=None, resume=False)
                live_batches = trainer.source.batches(0)
                _timed_steps(trainer, live_batches, args.warmup)
                live = _timed_steps(trainer, live_batches, args.steps)
                data = _data_only(trainer, live_batches, args.steps)
                memory = _timed_steps(trainer, _in_memory(trainer, args.steps), args.steps)
            finally:
                shutdown_distributed(ctx)
    except (ConfigError, TrainError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    batch = cfg.data.batch_size
    print(f"method {spec.name}, device {device}, batch {batch}, {cfg.data.resolution}px, "
          f"mixup_k {cfg.data.live.mixup_k}, live output {cfg.data.live.output}, "
          f"{args.steps} steps")
    print(f"fed live:        {live:.4f} s/step ({batch / live:.1f} img/s)")
    print(f"fed from memory: {memory:.4f} s/step ({batch / memory:.1f} img/s)")
    print(f"live data alone: {data:.4f} s/batch (render, MixUp, hand-off; no training)")
    print(f"live / memory:   {live / memory:.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
