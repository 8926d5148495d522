"""Several processes on one render job (``torchrun``): each rank renders its share, and the
reports meet on rank 0 through ``torch.distributed`` (gloo, on the CPU), never through files a
previous run may have left behind."""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator


def rank_and_world() -> tuple[int, int]:
    """This process's rank and the number of ranks (1 without torchrun)."""
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


@contextmanager
def process_group(world: int) -> Iterator[None]:
    """A gloo process group for the duration of a multi-rank run (nothing with one rank)."""
    import torch.distributed as dist

    started = world > 1 and not dist.is_initialized()
    if started:
        dist.init_process_group("gloo")
    try:
        yield
    finally:
        if started:
            dist.destroy_process_group()


def gather_to_rank0(obj: Any, world: int) -> list[Any] | None:
    """Every rank's ``obj`` on rank 0 (in rank order); None on the other ranks."""
    if world == 1:
        return [obj]
    import torch.distributed as dist

    rank = dist.get_rank()
    parts: list[Any] | None = [None] * world if rank == 0 else None
    dist.gather_object(obj, parts, dst=0)
    return parts


def all_gather(obj: Any, world: int) -> list[Any]:
    """Every rank's ``obj`` on every rank (in rank order)."""
    if world == 1:
        return [obj]
    import torch.distributed as dist

    parts: list[Any] = [None] * world
    dist.all_gather_object(parts, obj)
    return parts


def all_ok(ok: bool, world: int) -> bool:
    """Whether ``ok`` holds on every rank (each rank must call it)."""
    if world == 1:
        return ok
    import torch
    import torch.distributed as dist

    failed = torch.tensor([0 if ok else 1])
    dist.all_reduce(failed)
    return int(failed) == 0
