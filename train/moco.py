"""MoCo v2 (Chen et al. 2020; He et al. 2020): `python -m train.moco --config X.yaml`.

A query encoder learns; a key encoder follows it by EMA; keys of past batches form a queue of
negatives for InfoNCE. Under DDP, keys are computed with shuffling BN and every rank enqueues
the keys of all ranks; without a process group BN is plain.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Sequence

import torch
from torch import Tensor

from train.cli import run_cli
from train.config import TrainConfig
from train.distributed import gather_no_grad, shuffle_across_ranks, unshuffle_across_ranks
from train.losses import cross_entropy, info_nce_logits
from train.method import Method, MethodSpec, StepOutput, float32_losses, top1_accuracy
from train.models.backbones import Backbone
from train.models.encoder import build_encoder
from train.models.momentum import copy_into, ema_update
from train.queue import NegativeQueue

# TrainConfig's defaults are MoCo v2's ImageNet recipe: lr 0.03 per 256, SGD momentum 0.9,
# wd 1e-4, cosine, 200 epochs, aug+, MLP head, 128-d, queue 65536, tau 0.2, m 0.999.
DEFAULTS = TrainConfig()


class MoCo(Method):
    """views: (query view, key view), each (B, 3, h, w); labels are not used."""

    def __init__(self, cfg: TrainConfig) -> None:
        super().__init__()
        self.query = build_encoder(cfg.model)
        self.key = copy.deepcopy(self.query)
        copy_into(self.key, self.query)
        self.queue = NegativeQueue(cfg.loss.queue_size, cfg.model.embed_dim)
        self.temperature = cfg.loss.temperature
        self.momentum = cfg.loss.key_momentum
        self.shuffle_bn = cfg.loss.shuffle_bn

    @property
    def backbone(self) -> Backbone:  # type: ignore[override]
        return self.query.backbone

    def forward(self, views: tuple[Tensor, ...], labels: Tensor) -> StepOutput:
        q = self.query(views[0])
        with torch.no_grad():
            ema_update(self.key, self.query, self.momentum)
            k = self.keys(views[1])
        # The queue changes below (enqueue); the loss must see it as it was.
        negatives = self.queue.items.clone()
        with float32_losses(q):
            logits, targets = info_nce_logits(q.float(), k.float(), negatives, self.temperature)
            loss = cross_entropy(logits, targets)
        self.queue.enqueue(gather_no_grad(k))
        return StepOutput(loss, top1_accuracy(logits, targets))

    @torch.no_grad()
    def keys(self, images: Tensor) -> Tensor:
        """Key embeddings (B, D) of this rank's images; BN sees a shuffled batch under DDP."""
        if not self.shuffle_bn:
            return self.key(images)
        shard, order = shuffle_across_ranks(images)
        return unshuffle_across_ranks(self.key(shard), order)


def build(cfg: TrainConfig, num_classes: int | None) -> Method:
    del num_classes  # self-supervised: labels are not used
    return MoCo(cfg)


SPEC = MethodSpec(name="moco", num_views=2, defaults=DEFAULTS, build=build)


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(SPEC, argv)


if __name__ == "__main__":
    sys.exit(main())
