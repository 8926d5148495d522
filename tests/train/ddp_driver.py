"""Run under `torch.distributed.run --nproc_per_node 2`: checks of the DDP code paths.

Usage: ddp_driver.py losses OUT_DIR: gathered losses and shuffle-BN against one process.
Each rank writes OUT_DIR/rank<r>.json with its findings; the test reads them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
import torch.distributed as dist

from train.distributed import (gather_with_grad, rank_offset, shuffle_across_ranks,
                               unshuffle_across_ranks)
from train.losses import nt_xent, supcon as supcon_loss


def _grad_matches(loss_fn, full_fn, z_all: torch.Tensor, rows: slice, world: int) -> dict:
    """Local loss (gathered) vs the full loss of one process, values and gradients."""
    local = z_all[rows].clone().requires_grad_(True)
    loss = loss_fn(local)
    loss.backward()
    mean = loss.detach().clone()
    dist.all_reduce(mean)
    full_z = z_all.clone().requires_grad_(True)
    full = full_fn(full_z)
    full.backward()
    return {"value": abs(mean.item() / world - full.item()) < 1e-5,
            "grad": torch.allclose(local.grad, world * full_z.grad[rows], atol=1e-6)}


def check_losses(rank: int, world: int) -> dict:
    gen = torch.Generator().manual_seed(0)  # the same global batch on every rank
    b = 4
    z = torch.randn(2, world * b, 6, generator=gen)  # view, sample, dim
    labels = torch.randint(0, 3, (world * b,), generator=gen)
    mine = slice(rank * b, (rank + 1) * b)

    anchors = z.transpose(0, 1)  # (world * b, 2, 6): rank r owns rows r*b .. r*b+b

    def nt_local(local):  # local: (b, 2, 6), the two views of this rank's samples
        return nt_xent(local[:, 0], local[:, 1], 0.5, z1_all=gather_with_grad(local[:, 0]),
                       z2_all=gather_with_grad(local[:, 1]), offset=rank_offset(b))

    out = {"nt_xent": _grad_matches(nt_local, lambda f: nt_xent(f[:, 0], f[:, 1], 0.5),
                                    anchors, mine, world)}

    def sup_local(local):
        flat, lab = local.reshape(-1, 6), labels[mine].repeat_interleave(2)
        contrast = gather_with_grad(flat)
        every = labels.repeat_interleave(2)
        index = rank_offset(flat.shape[0]) + torch.arange(flat.shape[0])
        return supcon_loss(flat, lab, 0.2, contrast=contrast, contrast_labels=every,
                           self_index=index)

    out["supcon"] = _grad_matches(sup_local, lambda f: supcon_loss(
        f.reshape(-1, 6), labels.repeat_interleave(2), 0.2), anchors, mine, world)
    x = torch.arange(world * b, dtype=torch.float32)[mine].view(b, 1) + 100 * rank
    shard, order = shuffle_across_ranks(x)
    back = unshuffle_across_ranks(shard * 2, order)
    out["shuffle_round_trip"] = torch.equal(back, x * 2)
    out["shuffle_moves_rows"] = not torch.equal(shard, x)
    return out


def main() -> int:
    out_dir = Path(sys.argv[2])
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    results = check_losses(rank, dist.get_world_size())
    dist.destroy_process_group()
    (out_dir / f"rank{rank}.json").write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
