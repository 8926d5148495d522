"""Cross-entropy with the program (or folder) as the class: `python -m train.ce --config X.yaml`.

One augmented view per image; a linear classifier over the backbone's embedding predicts the
label. The classifier is training scaffolding: only the backbone is exported.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace

from torch import Tensor

from train.cli import run_cli
from train.config import ModelConfig, OptimConfig, TrainConfig
from train.errors import ConfigError
from train.losses import cross_entropy
from train.method import Method, MethodSpec, StepOutput, float32_losses, top1_accuracy
from train.models.backbones import Backbone
from train.models.encoder import build_encoder

# A linear classifier and the usual supervised SGD rate of 0.1 per 256 images.
DEFAULTS = replace(TrainConfig(), model=ModelConfig(head="linear"),
                   optim=OptimConfig(base_lr=0.1))


class CrossEntropy(Method):
    """views: one (B, 3, h, w) view; labels: (B,) int64 in [0, num_classes)."""

    def __init__(self, cfg: TrainConfig, num_classes: int) -> None:
        super().__init__()
        self.classifier = build_encoder(cfg.model, out_dim=num_classes)
        self.label_smoothing = cfg.loss.label_smoothing

    @property
    def backbone(self) -> Backbone:  # type: ignore[override]
        return self.classifier.backbone

    def forward(self, views: tuple[Tensor, ...], labels: Tensor) -> StepOutput:
        logits = self.classifier(views[0]).float()
        with float32_losses(logits):
            loss = cross_entropy(logits, labels, label_smoothing=self.label_smoothing)
        return StepOutput(loss, top1_accuracy(logits, labels))


def build(cfg: TrainConfig, num_classes: int | None) -> Method:
    if num_classes is None:
        raise ConfigError(f"train.ce needs labelled classes, but data.source={cfg.data.source!r} "
                          "makes every sample its own class")
    return CrossEntropy(cfg, num_classes)


SPEC = MethodSpec(name="ce", num_views=1, defaults=DEFAULTS, build=build, needs_labels=True)


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(SPEC, argv)


if __name__ == "__main__":
    sys.exit(main())
