import math

import pytest
import torch

from train.config import OptimConfig
from train.errors import ConfigError
from train.optimization import build_optimizer, build_scheduler, cosine_with_warmup


def test_warmup_is_linear_then_cosine_reaches_zero():
    f = [cosine_with_warmup(s, total_steps=10, warmup_steps=2) for s in range(10)]
    assert f[0] == pytest.approx(0.5) and f[1] == pytest.approx(1.0)
    assert f[2] == pytest.approx(1.0) and f[6] == pytest.approx(0.5)
    assert f[9] == pytest.approx(0.5 * (1 + math.cos(math.pi * 7 / 8)))
    assert cosine_with_warmup(10, total_steps=10, warmup_steps=2) == pytest.approx(0.0)


def test_scheduler_steps_the_optimizer_rate_per_step():
    model = torch.nn.Linear(2, 2)
    opt = build_optimizer(model, OptimConfig(base_lr=0.1), lr=0.4)
    sched = build_scheduler(opt, total_steps=4, warmup_steps=0)
    rates = []
    for _ in range(4):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert rates == pytest.approx([0.4, 0.4 * (1 + math.cos(math.pi / 4)) / 2, 0.2,
                                   0.4 * (1 + math.cos(3 * math.pi / 4)) / 2])


def test_optimizers_by_name_skip_frozen_parameters():
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 2))
    model[1].requires_grad_(False)
    opt = build_optimizer(model, OptimConfig(name="adamw"), lr=1e-3)
    assert isinstance(opt, torch.optim.AdamW) and len(opt.param_groups[0]["params"]) == 2
    with pytest.raises(ConfigError, match="optim.name='lamb' is not one of: adamw, sgd"):
        build_optimizer(model, OptimConfig(name="lamb"), lr=1e-3)
