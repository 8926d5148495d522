import math

import pytest
import torch

from tests.train.losses.reference import cross_entropy_loop
from train.losses import cross_entropy


def test_cross_entropy_matches_loop_reference_for_class_ids():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 4, generator=gen)
    labels = torch.tensor([0, 3, 1, 1, 2, 0])
    assert cross_entropy(logits, labels).item() == pytest.approx(
        cross_entropy_loop(logits, labels), rel=1e-6)


def test_cross_entropy_matches_loop_reference_for_mixup_probabilities():
    gen = torch.Generator().manual_seed(1)
    logits = torch.randn(3, 5, generator=gen)
    probs = torch.softmax(torch.randn(3, 5, generator=gen), dim=1)
    assert cross_entropy(logits, probs).item() == pytest.approx(
        cross_entropy_loop(logits, probs), rel=1e-6)


def test_cross_entropy_closed_form_uniform_logits_is_log_c():
    assert cross_entropy(torch.zeros(4, 10), torch.tensor([1, 2, 3, 9])).item() == pytest.approx(
        math.log(10), rel=1e-6)


def test_label_smoothing_mixes_targets_with_uniform():
    logits = torch.randn(4, 3, generator=torch.Generator().manual_seed(2))
    labels = torch.tensor([0, 1, 2, 1])
    eps = 0.1
    smooth = torch.nn.functional.one_hot(labels, 3) * (1 - eps) + eps / 3
    got = cross_entropy(logits, labels, label_smoothing=eps).item()
    assert got == pytest.approx(cross_entropy_loop(logits, smooth), rel=1e-6)
