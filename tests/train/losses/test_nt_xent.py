import math

import pytest
import torch

from tests.train.losses.reference import nt_xent_loop
from train.losses import nt_xent, nt_xent_logits


def test_nt_xent_matches_loop_reference():
    gen = torch.Generator().manual_seed(1)
    z1, z2 = torch.randn(6, 5, generator=gen), torch.randn(6, 5, generator=gen)
    assert nt_xent(z1, z2, 0.5).item() == pytest.approx(nt_xent_loop(z1, z2, 0.5), rel=1e-5)


def test_nt_xent_closed_form_identical_embeddings():
    # All 2B embeddings equal: every logit is 1/tau, so loss = log(2B - 1).
    z = torch.ones(4, 3)
    assert nt_xent(z, z, 0.1).item() == pytest.approx(math.log(7), rel=1e-6)


def test_nt_xent_masks_self_and_targets_other_view():
    logits, targets = nt_xent_logits(torch.randn(3, 4), torch.randn(3, 4), 0.5)
    assert logits.shape == (6, 6)
    assert torch.isinf(logits.diagonal()).all()
    assert targets.tolist() == [3, 4, 5, 0, 1, 2]


def test_nt_xent_gathered_halves_average_to_the_full_batch_loss():
    # Two "ranks" of 3 samples each, contrasting against all 6: mean of rank losses = full loss.
    gen = torch.Generator().manual_seed(2)
    z1, z2 = torch.randn(6, 5, generator=gen), torch.randn(6, 5, generator=gen)
    parts = [nt_xent(z1[r * 3:(r + 1) * 3], z2[r * 3:(r + 1) * 3], 0.3, z1_all=z1, z2_all=z2,
                     offset=r * 3) for r in range(2)]
    assert (sum(parts) / 2).item() == pytest.approx(nt_xent(z1, z2, 0.3).item(), rel=1e-6)


def test_nt_xent_needs_both_gathered_views():
    with pytest.raises(ValueError):
        nt_xent(torch.randn(2, 3), torch.randn(2, 3), 0.5, z1_all=torch.randn(4, 3))
