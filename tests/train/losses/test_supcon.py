import math

import pytest
import torch

from tests.train.losses.reference import supcon_loop
from train.losses import nt_xent, supcon


def _two_views(batch: int, dim: int, seed: int) -> torch.Tensor:
    return torch.randn(2 * batch, dim, generator=torch.Generator().manual_seed(seed))


def test_supcon_matches_loop_reference():
    anchors = _two_views(6, 5, 0)
    labels = torch.tensor([0, 1, 0, 2, 1, 0]).repeat(2)
    got = supcon(anchors, labels, 0.1).item()
    assert got == pytest.approx(supcon_loop(anchors, labels, 0.1), rel=1e-5)


def test_supcon_with_a_single_positive_is_nt_xent():
    # Distinct labels, two views: each anchor's only positive is its other view.
    anchors = _two_views(5, 4, 1)
    labels = torch.arange(5).repeat(2)
    expected = nt_xent(anchors[:5], anchors[5:], 0.5).item()
    assert supcon(anchors, labels, 0.5).item() == pytest.approx(expected, rel=1e-6)


def test_supcon_all_same_class_identical_embeddings_is_log_n_minus_one():
    anchors = torch.ones(8, 3)
    labels = torch.zeros(8, dtype=torch.long)
    assert supcon(anchors, labels, 0.07).item() == pytest.approx(math.log(7), rel=1e-6)


def test_supcon_all_same_class_matches_reference():
    anchors = _two_views(4, 6, 2)
    labels = torch.zeros(8, dtype=torch.long)
    assert supcon(anchors, labels, 0.2).item() == pytest.approx(
        supcon_loop(anchors, labels, 0.2), rel=1e-5)


def test_supcon_class_with_one_sample_is_left_out_of_the_mean_but_stays_a_negative():
    anchors = torch.randn(5, 4, generator=torch.Generator().manual_seed(3))
    labels = torch.tensor([7, 1, 1, 2, 2])  # label 7 appears once, with a single view
    got = supcon(anchors, labels, 0.3).item()
    assert got == pytest.approx(supcon_loop(anchors, labels, 0.3), rel=1e-5)
    assert math.isfinite(got)


def test_supcon_without_any_positive_raises():
    with pytest.raises(ValueError, match="no anchor has a positive"):
        supcon(torch.randn(3, 4), torch.tensor([0, 1, 2]), 0.1)


def test_supcon_gathered_contrast_matches_full_batch_rows():
    anchors = _two_views(4, 5, 4)
    labels = torch.tensor([0, 1, 1, 2]).repeat(2)
    local = slice(2, 5)
    got = supcon(anchors[local], labels[local], 0.2, contrast=anchors, contrast_labels=labels,
                 self_index=torch.arange(2, 5))
    # Reference: the full batch's per-anchor terms, averaged over the local rows only.
    rows = [_anchor_term(anchors, labels, i, 0.2) for i in range(2, 5)]
    assert got.item() == pytest.approx(sum(rows) / 3, rel=1e-5)


def _anchor_term(anchors: torch.Tensor, labels: torch.Tensor, i: int, tau: float) -> float:
    z = torch.nn.functional.normalize(anchors.double(), dim=1)
    sims = (z @ z[i]) / tau
    others = [j for j in range(len(z)) if j != i]
    log_denom = math.log(sum(math.exp(float(sims[j])) for j in others))
    positives = [j for j in others if labels[j] == labels[i]]
    return -sum(float(sims[p]) - log_denom for p in positives) / len(positives)
