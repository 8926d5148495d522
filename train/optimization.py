"""Optimisers by name and the learning-rate schedule (cosine with linear warmup): free functions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch
from torch import nn

from train.config import OptimConfig
from train.registry import choose


def _sgd(params: Iterable[nn.Parameter], cfg: OptimConfig, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay)


def _adamw(params: Iterable[nn.Parameter], cfg: OptimConfig, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=cfg.weight_decay)


OptimizerFactory = Callable[[Iterable[nn.Parameter], OptimConfig, float], torch.optim.Optimizer]

OPTIMIZERS: dict[str, OptimizerFactory] = {
    "sgd": _sgd,
    "adamw": _adamw,
}


def build_optimizer(model: nn.Module, cfg: OptimConfig, lr: float) -> torch.optim.Optimizer:
    """Optimiser `cfg.name` over the trainable parameters of `model` at peak rate `lr`.

    Raises:
        ConfigError: unknown optim.name (lists the valid names).
    """
    params = [p for p in model.parameters() if p.requires_grad]
    return choose(OPTIMIZERS, cfg.name, key="optim.name")(params, cfg, lr)


def cosine_with_warmup(step: int, *, total_steps: int, warmup_steps: int) -> float:
    """LR factor of step `step` (0-based): linear (step+1)/warmup, then half a cosine to 0.

    Cosine decay as in SGDR (Loshchilov & Hutter 2017) without restarts; MoCo v2's `--cos`.
    """
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def build_scheduler(optimizer: torch.optim.Optimizer, *, total_steps: int,
                    warmup_steps: int) -> torch.optim.lr_scheduler.LambdaLR:
    """Per-step LambdaLR with `cosine_with_warmup`; call .step() after every optimiser step."""
    def factor(step: int) -> float:
        return cosine_with_warmup(step, total_steps=total_steps, warmup_steps=warmup_steps)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def set_scheduled_lr(scheduler: torch.optim.lr_scheduler.LambdaLR) -> None:
    """Set every group's rate to the schedule's value at the scheduler's step.

    After loading a checkpoint the optimiser holds the rate its own schedule gave; a resume
    with another ``run.epochs`` has another schedule, and its next step must already use it.
    With the same schedule this changes nothing (the same formula at the same step).
    """
    for group, base_lr, factor in zip(scheduler.optimizer.param_groups, scheduler.base_lrs,
                                      scheduler.lr_lambdas):
        group["lr"] = base_lr * factor(scheduler.last_epoch)
