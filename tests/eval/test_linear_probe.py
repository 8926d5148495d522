"""eval.linear_probe: each probe separates linearly separable synthetic features."""
from __future__ import annotations

import pytest
import torch

from eval.errors import ConfigError
from eval.knn_classifier import topk_accuracy
from eval.linear_probe import (LinearProbeConfig, cosine_lr, fit_linear_probe,
                               fold_standardization, probe_scores)


def separable(n: int, classes: int = 6, dim: int = 32, seed: int = 0):
    directions = torch.randn(classes, dim, generator=torch.Generator().manual_seed(99))
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % classes
    # Shifted and scaled so standardisation matters; margins stay large.
    x = 3 * directions[labels] + 0.3 * torch.randn(n, dim, generator=gen)
    return x * 40 + 7, labels


@pytest.mark.parametrize("cfg", [
    LinearProbeConfig(method="sgd", epochs=20, lr=0.5, batch_size=64, standardize=True),
    LinearProbeConfig(method="sgd", epochs=20),   # the paper's lr 30 on raw features
    LinearProbeConfig(method="lbfgs", max_iter=100),
    LinearProbeConfig(method="ridge"),
], ids=["sgd-standardized", "sgd-paper", "lbfgs", "ridge"])
def test_probe_reaches_full_accuracy_on_separable_features(cfg):
    train_x, train_y = separable(300)
    val_x, val_y = separable(120, seed=1)
    linear = fit_linear_probe(train_x, train_y, 6, cfg)
    assert topk_accuracy(probe_scores(linear, val_x), val_y)["top1"] >= 99.0


def test_folded_standardization_equals_standardize_then_apply():
    layer = torch.nn.Linear(4, 3)
    mean, std = torch.randn(4), torch.rand(4) + 0.5
    x = torch.randn(10, 4)
    folded = fold_standardization(layer, mean, std)
    torch.testing.assert_close(folded(x), layer((x - mean) / std))


def test_cosine_lr_starts_at_base_and_ends_at_zero():
    assert cosine_lr(30.0, 0, 100) == 30.0
    assert cosine_lr(30.0, 50, 100) == pytest.approx(15.0)
    assert cosine_lr(30.0, 100, 100) == pytest.approx(0.0, abs=1e-12)


def test_unknown_probe_method_lists_valid_names():
    with pytest.raises(ConfigError, match="lbfgs, ridge, sgd"):
        fit_linear_probe(torch.randn(4, 2), torch.tensor([0, 1, 0, 1]), 2,
                         LinearProbeConfig(method="svm"))
