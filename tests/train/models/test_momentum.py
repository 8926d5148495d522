import torch

from train.models.momentum import copy_into, ema_update
from train.queue import NegativeQueue


def test_ema_update_moves_parameters_only():
    online, target = torch.nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3)
    copy_into(target, online)
    assert not any(p.requires_grad for p in target.parameters())
    with torch.no_grad():
        online.weight.fill_(2.0)
        online.running_mean.fill_(5.0)
    ema_update(target, online, momentum=0.75)
    assert torch.allclose(target.weight, torch.full((3,), 0.75 * 1.0 + 0.25 * 2.0))
    assert torch.equal(target.running_mean, torch.zeros(3))


def test_queue_enqueues_normalised_keys_and_wraps_around():
    queue = NegativeQueue(5, 2, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(queue.items.norm(dim=1), torch.ones(5))
    queue.enqueue(torch.tensor([[3.0, 0.0], [0.0, 2.0], [1.0, 1.0]]))
    assert int(queue.pointer) == 3 and torch.allclose(queue.items[1], torch.tensor([0.0, 1.0]))
    queue.enqueue(torch.tensor([[0.0, -1.0], [-1.0, 0.0], [2.0, 0.0]]))
    assert int(queue.pointer) == 1
    assert torch.allclose(queue.items[4], torch.tensor([-1.0, 0.0]))
    assert torch.allclose(queue.items[0], torch.tensor([1.0, 0.0]))  # oldest overwritten
    assert set(dict(queue.named_buffers())) == {"items", "pointer"}  # saved in checkpoints
