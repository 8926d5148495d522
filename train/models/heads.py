"""Heads on top of a backbone's embedding: MLP projection (MoCo v2, SimCLR) or linear."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from train.registry import choose


def mlp_head(in_dim: int, out_dim: int, hidden_dim: int | None) -> nn.Module:
    """Two layers, Linear-ReLU-Linear, as MoCo v2's `--mlp` head (hidden = in_dim by default)."""
    hidden = hidden_dim or in_dim
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(inplace=True),
                         nn.Linear(hidden, out_dim))


def linear_head(in_dim: int, out_dim: int, hidden_dim: int | None) -> nn.Module:
    """One Linear layer (MoCo v1's head; the classifier of the cross-entropy method)."""
    del hidden_dim  # a linear head has no hidden layer
    return nn.Linear(in_dim, out_dim)


HEADS: dict[str, Callable[[int, int, int | None], nn.Module]] = {
    "mlp": mlp_head,
    "linear": linear_head,
}


def build_head(name: str, in_dim: int, out_dim: int, *, hidden_dim: int | None = None) -> nn.Module:
    """Build head `name`: (B, in_dim) -> (B, out_dim).

    Raises:
        ConfigError: unknown name (the message lists HEADS).
    """
    return choose(HEADS, name, key="model.head")(in_dim, out_dim, hidden_dim)
