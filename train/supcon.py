"""Supervised contrastive learning (Khosla et al. 2020): `python -m train.supcon --config X.yaml`.

Positives are all views of images with the same label: the program (live sources) or the folder
(rendered datasets), as in Baradad et al. 2022's SupCon runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace

import torch
from torch import Tensor

from train.cli import run_cli
from train.config import LossConfig, TrainConfig
from train.distributed import gather_no_grad, gather_with_grad, is_distributed, rank_offset
from train.losses import supcon, supcon_logits
from train.method import ContrastiveMethod, Method, MethodSpec, StepOutput, float32_losses, top1_positive

# SupCon's ImageNet temperature (Khosla et al. 2020, sec. 4).
DEFAULTS = replace(TrainConfig(), loss=LossConfig(temperature=0.1))


class SupCon(ContrastiveMethod):
    """views: two (B, 3, h, w) views; labels: (B,) int64 classes shared by positives."""

    def forward(self, views: tuple[Tensor, ...], labels: Tensor) -> StepOutput:
        anchors = self.encoder(torch.cat(views[:2])).float()
        anchor_labels = torch.cat([labels, labels])
        kwargs = {}
        if self.gather and is_distributed():
            offset = rank_offset(anchors.shape[0])
            kwargs = dict(contrast=gather_with_grad(anchors),
                          contrast_labels=gather_no_grad(anchor_labels),
                          self_index=offset + torch.arange(anchors.shape[0], device=anchors.device))
        with float32_losses(anchors):
            loss = supcon(anchors, anchor_labels, self.temperature, **kwargs)
            with torch.no_grad():
                logits, positives = supcon_logits(anchors, anchor_labels, self.temperature,
                                                  **kwargs)
        return StepOutput(loss, top1_positive(logits, positives))


def build(cfg: TrainConfig, num_classes: int | None) -> Method:
    del num_classes  # labels define positives; their count does not matter
    return SupCon(cfg)


SPEC = MethodSpec(name="supcon", num_views=2, defaults=DEFAULTS, build=build,
                  needs_labels=True)


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(SPEC, argv)


if __name__ == "__main__":
    sys.exit(main())
