"""eval.knn_classifier: weighted k-NN equals a brute-force loop; top-k accuracy is counted right."""
from __future__ import annotations

import math

import pytest
import torch

from eval.errors import ConfigError
from eval.knn_classifier import KnnConfig, evaluate_knn, knn_scores, nearest_neighbours, topk_accuracy


def brute_force_scores(train, labels, queries, k, num_classes, temperature):
    """The obvious loop: cosine to every train point, sort, vote exp(sim / T)."""
    out = torch.zeros(len(queries), num_classes)
    for q, query in enumerate(queries):
        sims = []
        for i, x in enumerate(train):
            cos = float(query @ x) / (float(query.norm()) * float(x.norm()))
            sims.append((cos, i))
        sims.sort(key=lambda s: -s[0])
        for cos, i in sims[:k]:
            out[q, int(labels[i])] += math.exp(cos / temperature)
    return out


@pytest.mark.parametrize("k", [1, 5, 20])
def test_knn_scores_equal_brute_force_loop(k):
    gen = torch.Generator().manual_seed(0)
    train = torch.randn(60, 8, generator=gen)
    labels = torch.randint(0, 4, (60,), generator=gen)
    queries = torch.randn(15, 8, generator=gen)
    fast = knn_scores(train, labels, queries, k=k, num_classes=4, temperature=0.07,
                      chunk_size=4)
    slow = brute_force_scores(train, labels, queries, k, 4, 0.07)
    torch.testing.assert_close(fast, slow, rtol=1e-4, atol=1e-3)


def test_knn_weights_are_exp_sim_over_temperature():
    train = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    labels = torch.tensor([0, 1])
    query = torch.tensor([[1.0, 1.0]])  # cosine 1/sqrt(2) to both
    scores = knn_scores(train, labels, query, k=2, num_classes=3, temperature=0.5)
    expected = math.exp((1 / math.sqrt(2)) / 0.5)
    torch.testing.assert_close(scores, torch.tensor([[expected, expected, 0.0]]))


def test_topk_accuracy_counts_top1_and_top5():
    scores = torch.tensor([
        [9.0, 8, 7, 6, 5, 4, 3],   # label 0: top1 hit
        [9.0, 8, 7, 6, 5, 4, 3],   # label 4: 5th best -> top5 hit only
        [9.0, 8, 7, 6, 5, 4, 3],   # label 5: 6th best -> miss
        [1.0, 2, 3, 4, 5, 6, 7],   # label 6: top1 hit
    ])
    labels = torch.tensor([0, 4, 5, 6])
    acc = topk_accuracy(scores, labels)
    assert acc == {"top1": 50.0, "top5": 75.0}


def test_topk_accuracy_breaks_ties_toward_lower_class():
    scores = torch.zeros(2, 8)
    labels = torch.tensor([4, 5])   # all tied: ranks follow the class index
    assert topk_accuracy(scores, labels) == {"top1": 0.0, "top5": 50.0}


def test_nearest_neighbours_rejects_k_above_train_size():
    with pytest.raises(ConfigError, match="k=7"):
        nearest_neighbours(torch.randn(5, 3), torch.randn(2, 3), 7)


def test_evaluate_knn_reports_every_k_on_clustered_features():
    gen = torch.Generator().manual_seed(1)
    centres = torch.randn(5, 16, generator=gen) * 5
    train_y = torch.arange(100) % 5
    val_y = torch.arange(40) % 5
    train = centres[train_y] + torch.randn(100, 16, generator=gen) * 0.1
    val = centres[val_y] + torch.randn(40, 16, generator=gen) * 0.1
    result = evaluate_knn(train, train_y, val, val_y, num_classes=5, cfg=KnnConfig(ks=(5, 20)))
    assert set(result) == {"knn_k5", "knn_k20"}
    assert result["knn_k5"]["top1"] == 100.0 and result["knn_k20"]["top5"] == 100.0
