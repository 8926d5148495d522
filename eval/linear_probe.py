"""Linear classifiers on frozen features: pure functions from feature tensors to ``nn.Linear``.

``sgd``: the paper's linear-evaluation protocol (MoCo's ``main_lincls`` as used by Baradad et al.:
SGD, momentum 0.9, lr 30, no weight decay, batch 256, 100 epochs, fc initialised N(0, 0.01)),
with a cosine schedule and without crop augmentation, since it runs on cached features.
``lbfgs``: full-batch multinomial logistic regression with L2 penalty on standardised features,
fast for small datasets. ``ridge``: closed-form least squares on one-hot targets.
Every method returns one ``nn.Linear(D, C)`` acting on raw features (standardisation folded in).
"""
from __future__ import annotations

import dataclasses
import logging
import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from eval.config import choose
from eval.errors import ConfigError
from glsl_transpile.plumbing.progress import Meter, silent

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class LinearProbeConfig:
    """Knobs of the linear probe; ``method`` is a key of :data:`PROBES`."""

    method: str = "sgd"
    epochs: int = 100
    lr: float = 30.0
    momentum: float = 0.9
    weight_decay: float = 0.0
    batch_size: int = 256
    standardize: bool = False
    l2: float = 1e-4
    max_iter: int = 300
    seed: int = 0

    def checks(self):
        yield "epochs", self.epochs > 0
        yield "lr", self.lr > 0
        yield "momentum", 0.0 <= self.momentum < 1.0
        yield "weight_decay", self.weight_decay >= 0
        yield "batch_size", self.batch_size > 0
        yield "l2", self.l2 >= 0
        yield "max_iter", self.max_iter > 0


def feature_stats(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-dimension mean and std (``(D,)`` each, std floored at 1e-6) of ``(N, D)`` features."""
    return features.mean(dim=0), features.std(dim=0, unbiased=False).clamp_min(1e-6)


def fold_standardization(linear: nn.Linear, mean: torch.Tensor, std: torch.Tensor) -> nn.Linear:
    """A layer on raw features equal to ``linear((x - mean) / std)``."""
    folded = nn.Linear(linear.in_features, linear.out_features)
    with torch.no_grad():
        folded.weight.copy_(linear.weight / std)
        folded.bias.copy_(linear.bias - folded.weight @ mean)
    return folded


def cosine_lr(base_lr: float, step: int, total_steps: int) -> float:
    """``base_lr * 0.5 * (1 + cos(pi * step / total_steps))``."""
    return base_lr * 0.5 * (1.0 + math.cos(math.pi * step / max(1, total_steps)))


def fit_sgd(x: torch.Tensor, y: torch.Tensor, num_classes: int,
            cfg: LinearProbeConfig, meter: Meter = silent) -> nn.Linear:
    """Mini-batch SGD with momentum and a per-step cosine schedule on cross-entropy.

    ``x``: ``(N, D) float32``; ``y``: ``(N,) int64``. Returns ``nn.Linear(D, num_classes)``.
    ``meter`` shows the epochs done.
    """
    gen = torch.Generator().manual_seed(cfg.seed)
    linear = nn.Linear(x.shape[1], num_classes)
    with torch.no_grad():
        linear.weight.normal_(0.0, 0.01, generator=gen)
        linear.bias.zero_()
    opt = torch.optim.SGD(linear.parameters(), lr=cfg.lr, momentum=cfg.momentum,
                          weight_decay=cfg.weight_decay)
    steps_per_epoch = math.ceil(x.shape[0] / cfg.batch_size)
    total, step = cfg.epochs * steps_per_epoch, 0
    with meter(cfg.epochs, "linear probe (sgd)", "epoch") as advance:
        for _ in range(cfg.epochs):
            order = torch.randperm(x.shape[0], generator=gen)
            for start in range(0, x.shape[0], cfg.batch_size):
                batch = order[start:start + cfg.batch_size]
                for group in opt.param_groups:
                    group["lr"] = cosine_lr(cfg.lr, step, total)
                loss = F.cross_entropy(linear(x[batch]), y[batch])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                step += 1
            advance(1)
    return linear


def fit_lbfgs(x: torch.Tensor, y: torch.Tensor, num_classes: int,
              cfg: LinearProbeConfig, meter: Meter = silent) -> nn.Linear:
    """Full-batch L-BFGS on ``mean CE + l2/2 * ||W||^2`` (strong Wolfe line search);
    ``meter`` counts loss evaluations (at most 1.25 x ``max_iter``, L-BFGS's default)."""
    linear = nn.Linear(x.shape[1], num_classes)
    with torch.no_grad():
        linear.weight.zero_()
        linear.bias.zero_()
    opt = torch.optim.LBFGS(linear.parameters(), lr=1.0, max_iter=cfg.max_iter,
                            history_size=20, line_search_fn="strong_wolfe",
                            tolerance_grad=1e-7, tolerance_change=1e-10)

    with meter(cfg.max_iter * 5 // 4, "linear probe (lbfgs)", "eval") as advance:
        def closure() -> torch.Tensor:
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(linear(x), y) + 0.5 * cfg.l2 * linear.weight.pow(2).sum()
            loss.backward()
            advance(1)
            return loss

        opt.step(closure)
    return linear


def fit_ridge(x: torch.Tensor, y: torch.Tensor, num_classes: int,
              cfg: LinearProbeConfig, meter: Meter = silent) -> nn.Linear:
    """Closed form ``W = (Xc^T Xc + l2 N I)^-1 Xc^T Yc``, centred one-hot targets, float64
    (one solve: no progress to show)."""
    del meter
    x64 = x.double()
    targets = F.one_hot(y, num_classes).double()
    x_mean, t_mean = x64.mean(dim=0), targets.mean(dim=0)
    xc, tc = x64 - x_mean, targets - t_mean
    gram = xc.T @ xc + cfg.l2 * x.shape[0] * torch.eye(x.shape[1], dtype=torch.float64)
    weight = torch.linalg.solve(gram, xc.T @ tc).T
    linear = nn.Linear(x.shape[1], num_classes)
    with torch.no_grad():
        linear.weight.copy_(weight.float())
        linear.bias.copy_((t_mean - weight @ x_mean).float())
    return linear


PROBES: dict[str, Callable[..., nn.Linear]] = {  # fit(x, y, num_classes, cfg, meter)
    "sgd": fit_sgd,
    "lbfgs": fit_lbfgs,
    "ridge": fit_ridge,
}


def fit_linear_probe(features: torch.Tensor, labels: torch.Tensor, num_classes: int,
                     cfg: LinearProbeConfig, *, meter: Meter = silent) -> nn.Linear:
    """Fit the probe ``cfg.method`` on frozen features.

    Args:
        features: ``(N, D) float32``; labels: ``(N,) int64`` in ``[0, num_classes)``.
        meter: progress of the fit (epochs for sgd, loss evaluations for lbfgs).
    Returns:
        ``nn.Linear(D, num_classes)`` applied to raw features.
    Raises:
        ConfigError: unknown method or non-positive epochs / batch size / lr.
    """
    fit = choose(PROBES, cfg.method, key="probe.method")
    if cfg.epochs < 1 or cfg.batch_size < 1 or cfg.lr <= 0 or cfg.max_iter < 1:
        raise ConfigError("probe: epochs, batch_size, max_iter and lr must be positive")
    x, y = features.float(), labels.to(torch.int64)
    standardize = cfg.standardize or cfg.method == "lbfgs"
    if standardize:
        mean, std = feature_stats(x)
    else:
        mean, std = torch.zeros(x.shape[1]), torch.ones(x.shape[1])
    with torch.enable_grad():
        linear = fit((x - mean) / std, y, num_classes, cfg, meter)
    log.info("linear probe %s fitted on %d x %d features", cfg.method, *x.shape)
    return fold_standardization(linear, mean, std)


def probe_scores(linear: nn.Linear, features: torch.Tensor) -> torch.Tensor:
    """Logits ``(M, C)`` of the probe on ``(M, D)`` features."""
    with torch.no_grad():
        return linear(features.float())
