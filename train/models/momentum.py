"""Momentum (EMA) updates of a target network from an online one, as free functions."""

from __future__ import annotations

import torch
from torch import nn


@torch.no_grad()
def ema_update(target: nn.Module, online: nn.Module, momentum: float) -> None:
    """theta_target <- m * theta_target + (1 - m) * theta_online, parameters only (MoCo eq. 2).

    Buffers (BatchNorm statistics) are left alone: the key encoder keeps its own, updated by its
    own forward passes, as in MoCo.
    """
    for t, o in zip(target.parameters(), online.parameters(), strict=True):
        t.mul_(momentum).add_(o.detach(), alpha=1.0 - momentum)


@torch.no_grad()
def copy_into(target: nn.Module, online: nn.Module) -> None:
    """Make `target` an exact copy of `online` and freeze it (MoCo's key encoder at start)."""
    target.load_state_dict(online.state_dict())
    for p in target.parameters():
        p.requires_grad_(False)
