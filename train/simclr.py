"""SimCLR (Chen et al. 2020): `python -m train.simclr --config X.yaml`.

Both views go through one encoder in one batch; NT-Xent contrasts each view against every other
view, of all ranks when loss.gather_negatives is set under DDP.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace

import torch
from torch import Tensor

from train.cli import run_cli
from train.config import LossConfig, TrainConfig
from train.distributed import gather_with_grad, is_distributed, rank_offset
from train.losses import cross_entropy, nt_xent_logits
from train.method import ContrastiveMethod, Method, MethodSpec, StepOutput, float32_losses, top1_accuracy

# SimCLR's CIFAR temperature; the optimiser keeps the shared SGD defaults (no LARS here).
DEFAULTS = replace(TrainConfig(), loss=LossConfig(temperature=0.5))


class SimCLR(ContrastiveMethod):
    """views: two (B, 3, h, w) views of the same images; labels are not used."""

    def forward(self, views: tuple[Tensor, ...], labels: Tensor) -> StepOutput:
        z1, z2 = self.encoder(torch.cat(views[:2])).float().chunk(2)
        kwargs = {}
        if self.gather and is_distributed():
            kwargs = dict(z1_all=gather_with_grad(z1), z2_all=gather_with_grad(z2),
                          offset=rank_offset(z1.shape[0]))
        with float32_losses(z1):
            logits, targets = nt_xent_logits(z1, z2, self.temperature, **kwargs)
            loss = cross_entropy(logits, targets)
        return StepOutput(loss, top1_accuracy(logits, targets))


def build(cfg: TrainConfig, num_classes: int | None) -> Method:
    del num_classes  # self-supervised: labels are not used
    return SimCLR(cfg)


SPEC = MethodSpec(name="simclr", num_views=2, defaults=DEFAULTS, build=build)


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(SPEC, argv)


if __name__ == "__main__":
    sys.exit(main())
