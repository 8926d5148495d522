"""torch.distributed glue: one code path whether or not the process group is initialised.

Owns process-group setup under torchrun (gloo on CPU, NCCL on CUDA), all-gathers (with and
without autograd) and MoCo's shuffle-BN permutation across ranks. With the group uninitialised
every function here is the identity on one rank, so methods never branch on DDP themselves.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import Tensor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DistContext:
    """Where this process stands: rank in [0, world_size), local_rank picks the CUDA device."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    owns_group: bool = False  # True if init_distributed created the group (and must destroy it)

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def init_distributed(device_type: str) -> DistContext:
    """Join the process group when launched by torchrun (WORLD_SIZE > 1 in the environment).

    Args:
        device_type: "cuda" (NCCL) or "cpu" (gloo).
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    owns = False
    if world > 1 and not dist.is_initialized():
        backend = "nccl" if device_type == "cuda" else "gloo"
        dist.init_process_group(backend=backend)
        owns = True
        log.info("joined process group: backend %s, %d ranks", backend, world)
    if not dist.is_initialized():
        return DistContext()
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    return DistContext(dist.get_rank(), dist.get_world_size(), local_rank, owns)


def shutdown_distributed(ctx: DistContext) -> None:
    """Destroy the process group if `init_distributed` created it."""
    if ctx.owns_group and dist.is_initialized():
        dist.destroy_process_group()


def is_distributed() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def gather_no_grad(x: Tensor) -> Tensor:
    """Concatenate x (B, ...) of every rank along dim 0 -> (world * B, ...), rank order, no grad."""
    if not is_distributed():
        return x.detach()
    parts = [torch.empty_like(x) for _ in range(dist.get_world_size())]
    dist.all_gather(parts, x.detach().contiguous())
    return torch.cat(parts)


class _GatherWithGrad(torch.autograd.Function):
    """all_gather whose backward sums the gradients of every rank's loss and keeps this rank's
    rows, so that DDP's gradient averaging yields the gradient of the mean loss over ranks."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:  # type: ignore[override]
        parts = [torch.empty_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, x.contiguous())
        return torch.cat(parts)

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:  # type: ignore[override]
        grad = grad.contiguous().clone()
        dist.all_reduce(grad)
        rows = grad.shape[0] // dist.get_world_size()
        return grad[dist.get_rank() * rows:(dist.get_rank() + 1) * rows]


def gather_with_grad(x: Tensor) -> Tensor:
    """As `gather_no_grad`, but gradients flow back to every rank's slice (SimCLR negatives)."""
    if not is_distributed():
        return x
    return _GatherWithGrad.apply(x)


def rank_offset(local_batch: int) -> int:
    """Row of this rank's first sample in a gathered batch."""
    return dist.get_rank() * local_batch if is_distributed() else 0


def all_reduce_mean(x: Tensor) -> Tensor:
    """Mean of a tensor over ranks (for logging); identity without a process group."""
    if not is_distributed():
        return x
    x = x.detach().clone()
    dist.all_reduce(x)
    return x / dist.get_world_size()


@torch.no_grad()
def shuffle_across_ranks(x: Tensor) -> tuple[Tensor, Tensor]:
    """MoCo's shuffling BN: give this rank a random shard of the global batch x (B, ...).

    Returns:
        (B, ...) shard and the (world * B,) permutation that `unshuffle_across_ranks` inverts.
        Without a process group: x unchanged and the identity permutation (plain BN).
    """
    if not is_distributed():
        return x, torch.arange(x.shape[0], device=x.device)
    gathered = gather_no_grad(x)
    order = torch.randperm(gathered.shape[0], device=x.device)
    dist.broadcast(order, src=0)  # every rank must use rank 0's permutation
    mine = order.view(dist.get_world_size(), -1)[dist.get_rank()]
    return gathered[mine], order


@torch.no_grad()
def unshuffle_across_ranks(y: Tensor, order: Tensor) -> Tensor:
    """Undo `shuffle_across_ranks` on its outputs y (B, ...): rows back to the original samples."""
    if not is_distributed():
        return y
    gathered = gather_no_grad(y)
    inverse = torch.argsort(order)
    mine = inverse.view(dist.get_world_size(), -1)[dist.get_rank()]
    return gathered[mine]


def gather_objects(obj: object) -> list[object]:
    """Picklable `obj` of every rank, in rank order ([obj] without a process group)."""
    if not is_distributed():
        return [obj]
    out: list[object] = [None] * dist.get_world_size()
    dist.all_gather_object(out, obj)
    return out


def any_rank(flag: bool, device: torch.device) -> bool:
    """Whether ``flag`` holds on any rank (every rank must call it); ``flag`` without a process
    group."""
    if not is_distributed():
        return flag
    value = torch.tensor([1 if flag else 0], device=device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def barrier() -> None:
    if is_distributed():
        dist.barrier()
