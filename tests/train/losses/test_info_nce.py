import math

import pytest
import torch

from tests.train.losses.reference import info_nce_loop
from train.losses import info_nce, info_nce_logits


def test_info_nce_matches_loop_reference_with_queue():
    gen = torch.Generator().manual_seed(0)
    q, k = torch.randn(5, 8, generator=gen), torch.randn(5, 8, generator=gen)
    queue = torch.randn(11, 8, generator=gen)
    got = info_nce(q, k, queue, temperature=0.2)
    assert got.item() == pytest.approx(info_nce_loop(q, k, queue, 0.2), rel=1e-5)


def test_info_nce_closed_form_orthogonal_negatives():
    # q = k and every negative orthogonal to q: loss = log(1 + K exp(-1 / tau)).
    q = torch.zeros(3, 6)
    q[torch.arange(3), torch.arange(3)] = 1.0
    queue = torch.zeros(4, 6)
    queue[torch.arange(4), torch.tensor([3, 4, 5, 5])] = 1.0
    tau = 0.5
    expected = math.log(1 + 4 * math.exp(-1 / tau))
    assert info_nce(q, q * 3.0, queue, tau).item() == pytest.approx(expected, rel=1e-6)


def test_info_nce_logits_put_the_positive_in_column_zero():
    q = torch.randn(4, 8)
    logits, targets = info_nce_logits(q, q, torch.randn(7, 8), temperature=0.1)
    assert logits.shape == (4, 8) and targets.tolist() == [0, 0, 0, 0]
    assert logits[:, 0] == pytest.approx(torch.full((4,), 10.0), rel=1e-5)


def test_info_nce_gradient_flows_to_queries_only_when_keys_detached():
    q = torch.randn(4, 8, requires_grad=True)
    k = torch.randn(4, 8, requires_grad=True)
    info_nce(q, k.detach(), torch.randn(6, 8), 0.2).backward()
    assert q.grad is not None and k.grad is None
