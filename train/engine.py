"""The training loop every method shares: devices, DDP, AMP, schedule, checkpoints, resume, export.

A method entry point only supplies a `MethodSpec`; everything else lives here, once. The loop runs
with torch.distributed uninitialised (one process) and under torchrun (one rank per process),
through the same code. Resume is exact: a run stopped after step n and resumed produces the same
losses at steps n+1, ... as an uninterrupted run (same world size and device).

A stop request (Ctrl-C or SIGTERM, ``train.interrupt``) ends the loop after the step in
progress, on every rank at the same step; the run then checkpoints there and exports the
backbone, as it does at the end and at ``run.max_steps``. Checkpoints are also written every
``run.checkpoint_every_epochs`` epochs and every ``run.checkpoint_every_steps`` steps. A resume
may change ``run.epochs``: the schedule is rebuilt for the new length and the optimiser's rate
set to its value at the saved step (``optimization.set_scheduled_lr``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import torch
from torch import Tensor
from torch.nn.parallel import DistributedDataParallel

from train.augment import augment
from train.checkpoint import (CHECKPOINT_NAME, EXPORT_NAME, FORMAT_VERSION, save_checkpoint,
                              capture_rng, export_backbone, load_checkpoint, restore_rng,
                              restore_state, seed_everything)
from glsl_transpile.plumbing.progress import Meter, silent
from train.config import (TrainConfig, config_to_dict, per_rank_batch, resume_mismatches,
                          scaled_lr)
from train.data.batch import ViewBatch
from train.data.build import SourceContext, build_source
from train.data.render_protocol import ProgramRenderer
from train.distributed import (DistContext, all_reduce_mean, any_rank, barrier, gather_objects,
                               init_distributed, shutdown_distributed)
from train.errors import CheckpointError, ConfigError, TrainError
from train.method import MethodSpec
from train.interrupt import StopRequest
from train.optimization import build_optimizer, build_scheduler, set_scheduled_lr
from train.rundir import MetricsLog, StepMetrics, record_run
from train.seeding import derive_seed

log = logging.getLogger(__name__)

_AUGMENT_STREAM = 0xA06  # key separating the augmentation stream from the global ones


class Progress(Protocol):
    """Progress display driven by the loop on rank 0 (the CLI's tqdm bar)."""

    def start(self, total_steps: int, done_steps: int) -> None: ...
    def update(self, metrics: StepMetrics) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class TrainResult:
    """run_dir; global_step: steps done; finished: all epochs done; interrupted: the signal
    that stopped the run early ("SIGINT", "SIGTERM"), else None. The checkpoint and the
    exported backbone are at ``global_step`` in every case."""

    run_dir: Path
    global_step: int
    finished: bool
    interrupted: str | None = None


def pick_device(name: str) -> torch.device:
    """"auto" -> CUDA if available else CPU; "cpu"; "cuda" (ConfigError if CUDA is absent)."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("run.device='cuda' but torch sees no CUDA device")
    if name not in ("cpu", "cuda"):
        raise ConfigError(f"run.device={name!r} is not one of: auto, cpu, cuda")
    return torch.device(name)


def run_training(cfg: TrainConfig, spec: MethodSpec, *, argv: Sequence[str], resume: bool,
                 renderer: ProgramRenderer | None = None, progress: Progress | None = None,
                 stop: StopRequest | None = None, meter: Meter = silent) -> TrainResult:
    """Train `spec` with `cfg`; joins the process group first when launched by torchrun.

    Args:
        argv: the command line, recorded in the run directory.
        resume: continue from run.dir/checkpoint.pt (CheckpointError if absent or mismatched).
        renderer: render callable for live sources; None opens render_vk when needed.
        progress: optional display of the steps, updated on rank 0 only.
        stop: asked to stop (a signal, see ``train.interrupt``): the loop ends its step, saves
            a checkpoint there and returns with ``interrupted`` set.
        meter: progress of the phases before the first step (compiling live programs).

    Raises:
        ConfigError, CheckpointError, TrainError: see the messages; nothing is trained then.
    """
    device = pick_device(cfg.run.device)
    ctx = init_distributed(device.type)
    try:
        if device.type == "cuda":
            device = torch.device("cuda", ctx.local_rank)
            torch.cuda.set_device(device)
        trainer = Trainer(cfg, spec, ctx, device, renderer=renderer, resume=resume, meter=meter)
        try:
            return trainer.run(argv, progress, stop or StopRequest())
        finally:
            trainer.source.close()  # a renderer opened for the run: CUDA, then Vulkan
    finally:
        shutdown_distributed(ctx)


class Trainer:
    """One training run on one rank; built by `run_training`."""

    def __init__(self, cfg: TrainConfig, spec: MethodSpec, ctx: DistContext, device: torch.device,
                 *, renderer: ProgramRenderer | None, resume: bool, meter: Meter = silent) -> None:
        self.cfg, self.spec, self.ctx, self.device = cfg, spec, ctx, device
        self.run_dir = Path(cfg.run.dir)
        self.cuda = device.type == "cuda"
        self.local_batch = per_rank_batch(cfg.data.batch_size, ctx.world_size)
        self.lr = scaled_lr(cfg.optim.base_lr, global_batch=cfg.data.batch_size)
        self._check_run_dir(resume)
        seed_everything(cfg.run.seed)  # identical model initialisation on every rank
        self.source = build_source(cfg.data, SourceContext(
            self.local_batch, cfg.run.seed, ctx.rank, ctx.world_size, device, renderer,
            needs_labels=spec.needs_labels, meter=meter))
        try:
            self._build(resume)
        except BaseException:
            self.source.close()
            raise

    def _build(self, resume: bool) -> None:
        """Model, optimiser, schedule and RNG streams (restored from the checkpoint on resume)."""
        cfg, ctx, device = self.cfg, self.ctx, self.device
        self.method = self.spec.build(cfg, self.source.num_classes).to(device)
        if self.cuda and cfg.run.channels_last:
            self.method = self.method.to(memory_format=torch.channels_last)
        self.steps_per_epoch = self.source.steps_per_epoch()
        self.total_steps = self.steps_per_epoch * cfg.run.epochs
        self.optimizer = build_optimizer(self.method, cfg.optim, self.lr)
        self.scheduler = build_scheduler(
            self.optimizer, total_steps=self.total_steps,
            warmup_steps=round(cfg.optim.warmup_epochs * self.steps_per_epoch))
        self.aug_generator = torch.Generator(device=device)
        self.aug_generator.manual_seed(derive_seed(cfg.run.seed, ctx.rank, _AUGMENT_STREAM))
        seed_everything(derive_seed(cfg.run.seed, ctx.rank))  # per-rank streams from here on
        self.epoch = self.step_in_epoch = self.global_step = self.saved_step = 0
        rng = self._restore(self.run_dir / CHECKPOINT_NAME) if resume else None
        self.model = self.method
        if ctx.world_size > 1:
            self.model = DistributedDataParallel(
                self.method, device_ids=[device.index] if self.cuda else None)
        if rng is not None:
            restore_rng(rng, self.aug_generator)  # last: nothing above may draw after it
        self._log_plan()

    def _check_run_dir(self, resume: bool) -> None:
        if not resume and (self.run_dir / CHECKPOINT_NAME).exists():
            raise TrainError(f"run dir {self.run_dir} already holds {CHECKPOINT_NAME}: "
                             "pass --resume to continue it, or set run.dir to a new folder")

    def _log_plan(self) -> None:
        log.info("%s on %s, %d rank(s): batch %d (%d per rank), lr %.4g (base %.4g x %d / 256), "
                 "%d steps/epoch, %d epochs", self.spec.name, self.device, self.ctx.world_size,
                 self.cfg.data.batch_size, self.local_batch, self.lr, self.cfg.optim.base_lr,
                 self.cfg.data.batch_size, self.steps_per_epoch, self.cfg.run.epochs)

    def run(self, argv: Sequence[str], progress: Progress | None,
            stop: StopRequest) -> TrainResult:
        """Train until all epochs are done, run.max_steps, or a stop request; checkpoint and
        export the backbone at the step reached."""
        metrics = None
        if self.ctx.is_main:
            record_run(self.run_dir, self.cfg, argv)
            metrics = MetricsLog(self.run_dir, tensorboard=self.cfg.run.tensorboard,
                                 keep_until_step=self.global_step)
        progress = progress if self.ctx.is_main else None
        if progress is not None:
            progress.start(self.total_steps, self.global_step)
        try:
            with stop.deferring():
                interrupted = self._loop(metrics, progress, stop)
                if self.saved_step != self.global_step:
                    self._save()
        finally:
            if metrics is not None:
                metrics.close()
            if progress is not None:
                progress.close()
        finished = self.epoch >= self.cfg.run.epochs
        if self.ctx.is_main and self.global_step > 0:
            self._export(finished)
        barrier()
        return TrainResult(self.run_dir, self.global_step, finished, interrupted)

    def _export(self, finished: bool) -> None:
        """The backbone of the last checkpoint, in torchvision's format (also when the run
        stopped early: at run.max_steps or on a signal)."""
        export_backbone(self.method.backbone.torchvision_state_dict(), self.run_dir / EXPORT_NAME)
        state = "finished" if finished else (f"not finished: epoch {self.epoch} of "
                                             f"{self.cfg.run.epochs}")
        log.info("exported the backbone at step %d (%s) to %s", self.global_step, state,
                 self.run_dir / EXPORT_NAME)

    def _loop(self, metrics: MetricsLog | None, progress: Progress | None,
              stop: StopRequest) -> str | None:
        """Steps until the end, run.max_steps or a stop request (returns its signal name)."""
        self._step_clock = time.perf_counter()
        while self.epoch < self.cfg.run.epochs and not self._at_max_steps():
            stopping = False
            for batch in self._batches(stop):
                step_metrics = self._train_step(batch)
                if metrics is not None:
                    metrics.log(step_metrics)
                if progress is not None:
                    progress.update(step_metrics)
                stopping = any_rank(stop.requested, self.device)  # every rank stops together
                if stopping or self.step_in_epoch == self.steps_per_epoch or self._at_max_steps():
                    break
                if self._step_checkpoint_due():
                    self._save()
            stopping = stopping or stop.requested  # the data ended on a stop request
            if self.step_in_epoch == self.steps_per_epoch:
                self._end_epoch()
            elif not (stopping or self._at_max_steps()):
                raise TrainError(f"data source gave {self.step_in_epoch} batches in epoch "
                                 f"{self.epoch}, expected {self.steps_per_epoch}")
            if stopping:
                return stop.signal_name or "a signal on another rank"
        return None

    def _batches(self, stop: StopRequest) -> Iterator[ViewBatch]:
        """The source's batches from the current step; a data error after a stop request
        (decoding workers killed by the same SIGTERM) ends them instead of the run."""
        batches = iter(self.source.batches(self.epoch, self.step_in_epoch))
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except Exception as err:  # noqa: BLE001 - only swallowed once a stop was asked
                if not stop.requested:
                    raise
                log.warning("the data source failed after %s (%s): stopping at step %d",
                            stop.signal_name, str(err).splitlines()[0], self.global_step)
                return
            yield batch

    def _end_epoch(self) -> None:
        self.epoch, self.step_in_epoch = self.epoch + 1, 0
        every = self.cfg.run.checkpoint_every_epochs
        if self.epoch % every == 0 or self.epoch == self.cfg.run.epochs or \
                self._step_checkpoint_due():
            self._save()

    def _step_checkpoint_due(self) -> bool:
        every = self.cfg.run.checkpoint_every_steps
        return bool(every) and self.global_step % every == 0

    def _at_max_steps(self) -> bool:
        return self.cfg.run.max_steps is not None and self.global_step >= self.cfg.run.max_steps

    def _train_step(self, batch: ViewBatch) -> StepMetrics:
        views = self._augmented_views(batch)
        labels = batch.labels.to(self.device, non_blocking=True)
        with torch.autocast(device_type=self.device.type, dtype=torch.bfloat16,
                            enabled=self.cuda and self.cfg.run.amp):
            out = self.model(views, labels)
        self.optimizer.zero_grad(set_to_none=True)
        out.loss.backward()
        self.optimizer.step()
        lr = self.optimizer.param_groups[0]["lr"]
        self.scheduler.step()
        loss = all_reduce_mean(out.loss.detach().float()).item()
        top1 = all_reduce_mean(out.top1.detach().float()).item()
        if not math.isfinite(loss):
            raise TrainError(f"loss is {loss} at step {self.global_step + 1}; lower optim.base_lr?")
        self.global_step += 1
        self.step_in_epoch += 1
        # Since the previous step ended: data loading and augmentation count, as they should.
        now = time.perf_counter()
        seconds, self._step_clock = now - self._step_clock, now
        return StepMetrics(self.global_step, self.epoch, loss, top1, lr,
                           self.cfg.data.batch_size / max(seconds, 1e-9))

    def _augmented_views(self, batch: ViewBatch) -> tuple[Tensor, ...]:
        """Augment each source view once, or the single view twice for two-view methods."""
        raw = batch.views
        if len(raw) < self.spec.num_views:
            raw = raw * self.spec.num_views
        out = []
        for images in raw[: self.spec.num_views]:
            view = augment(images.to(self.device, non_blocking=True), self.cfg.data.augment,
                           self.aug_generator)
            if self.cuda and self.cfg.run.channels_last:
                view = view.contiguous(memory_format=torch.channels_last)
            out.append(view)
        return tuple(out)

    def _save(self) -> None:
        """Write run.dir/checkpoint.pt atomically (rank 0), with every rank's RNG states."""
        rng = gather_objects(capture_rng(self.aug_generator))
        if self.ctx.is_main:
            state = {
                "format": FORMAT_VERSION, "method": self.spec.name,
                "config": config_to_dict(self.cfg), "world_size": self.ctx.world_size,
                "epoch": self.epoch, "step_in_epoch": self.step_in_epoch,
                "global_step": self.global_step, "model": self.method.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(), "rng": rng,
                # what eval loads from a training checkpoint (see eval/backbones.py)
                "backbone_torchvision": self.method.backbone.torchvision_state_dict(),
            }
            save_checkpoint(state, self.run_dir / CHECKPOINT_NAME)
            log.info("checkpoint at step %d (epoch %d) -> %s", self.global_step, self.epoch,
                     self.run_dir / CHECKPOINT_NAME)
        self.saved_step = self.global_step
        barrier()

    def _restore(self, path: Path) -> dict:
        """Load model, optimiser, scheduler and counters; return this rank's RNG states."""
        state = load_checkpoint(path)
        if state.get("method") != self.spec.name:
            raise CheckpointError(path, f"written by method {state.get('method')!r}, "
                                        f"not {self.spec.name!r}")
        diffs = resume_mismatches(state["config"], config_to_dict(self.cfg),
                                  defaults=self.spec.defaults)
        if diffs:
            raise CheckpointError(path, "config differs from the checkpoint's: "
                                  + "; ".join(diffs[:3]))
        if state["world_size"] != self.ctx.world_size:
            raise CheckpointError(path, f"written by {state['world_size']} ranks, resuming with "
                                        f"{self.ctx.world_size}: exact resume needs the same")
        if state["epoch"] > self.cfg.run.epochs:
            raise CheckpointError(path, f"has done {state['epoch']} epochs, more than "
                                        f"run.epochs={self.cfg.run.epochs}")
        restore_state(self.method, state["model"], path, "model")
        restore_state(self.optimizer, state["optimizer"], path, "optimizer")
        restore_state(self.scheduler, state["scheduler"], path, "scheduler")
        set_scheduled_lr(self.scheduler)  # the schedule of this run.epochs, at the saved step
        self.epoch, self.step_in_epoch = state["epoch"], state["step_in_epoch"]
        self.global_step = self.saved_step = state["global_step"]
        log.info("resumed %s at step %d (epoch %d, step %d in epoch)", path, self.global_step,
                 self.epoch, self.step_in_epoch)
        saved_epochs = state["config"]["run"]["epochs"]
        if saved_epochs != self.cfg.run.epochs:
            log.info("run.epochs %d -> %d: the remaining steps follow the schedule of a "
                     "%d-epoch run (lr now %.4g)", saved_epochs, self.cfg.run.epochs,
                     self.cfg.run.epochs, self.optimizer.param_groups[0]["lr"])
        return state["rng"][self.ctx.rank]
