"""eval.backbones: both checkpoint formats of the train contract load; mismatches are named."""
from __future__ import annotations

import random

import pytest
import torch
import torchvision

from eval.backbones import load_backbone, read_backbone_state
from eval.config import BackboneConfig
from eval.errors import CheckpointError, ConfigError


def test_plain_state_dict_without_fc_loads_the_weights(resnet18_state_file):
    backbone = load_backbone(BackboneConfig(name="resnet18", checkpoint=str(resnet18_state_file)))
    saved = torch.load(resnet18_state_file, weights_only=True)
    torch.testing.assert_close(backbone.model.conv1.weight, saved["conv1.weight"])
    assert backbone.identity.startswith("sha256:")
    assert backbone.model(torch.zeros(2, 3, 32, 32)).shape == (2, 512)


def test_training_checkpoint_with_backbone_torchvision_key_loads(tmp_path):
    model = torchvision.models.resnet18(weights=None)
    path = tmp_path / "ckpt.pt"
    state = {k: v for k, v in model.state_dict().items() if not k.startswith("fc.")}
    # Shaped like train's checkpoint.pt: RNG tuples and optimiser state load with weights_only.
    torch.save({"backbone_torchvision": state, "epoch": 3, "method": "moco",
                "rng": {"python": random.getstate(), "torch": torch.get_rng_state()},
                "optimizer": {"state": {}, "param_groups": [{"lr": 0.1}]},
                "config": {"model": {"backbone": "resnet18"}}}, path)
    backbone = load_backbone(BackboneConfig(name="resnet18", checkpoint=str(path)))
    torch.testing.assert_close(backbone.model.layer4[1].bn2.weight, model.layer4[1].bn2.weight)


def test_checkpoint_naming_another_backbone_is_rejected(tmp_path):
    path = tmp_path / "ckpt.pt"
    torch.save({"backbone_torchvision": {}, "config": {"model": {"backbone": "resnet50"}}}, path)
    with pytest.raises(CheckpointError, match="resnet50"):
        read_backbone_state(str(path), expected_name="resnet18")


def test_state_dict_of_wrong_architecture_is_rejected(resnet18_state_file):
    with pytest.raises(CheckpointError, match="do not match"):
        load_backbone(BackboneConfig(name="alexnet", checkpoint=str(resnet18_state_file)))


def test_alexnet_is_evaluated_on_the_fc7_embedding_it_was_trained_for():
    backbone = load_backbone(BackboneConfig(name="alexnet", random_init=True))
    assert backbone.feature_dim == 4096
    assert backbone.model(torch.zeros(1, 3, 64, 64)).shape == (1, 4096)
    from train.models.backbones import build_backbone

    trained = build_backbone("alexnet")
    assert trained(torch.zeros(1, 3, 64, 64)).shape[1] == backbone.feature_dim


def test_a_trained_alexnet_keeps_fc6_and_fc7_at_evaluation(tmp_path):
    from train.models.backbones import build_backbone

    trained = build_backbone("alexnet")
    path = tmp_path / "backbone_torchvision.pt"
    torch.save(trained.torchvision_state_dict(), path)
    backbone = load_backbone(BackboneConfig(name="alexnet", checkpoint=str(path)))
    torch.testing.assert_close(backbone.model.classifier[4].weight,
                               trained.net.classifier[4].weight)
    x = torch.rand(2, 3, 64, 64)
    torch.testing.assert_close(backbone.model(x), trained.eval()(x))


def test_a_layer_tap_gives_pooled_features_of_that_layer():
    backbone = load_backbone(BackboneConfig(name="resnet18", random_init=True, layer="layer3"))
    assert backbone.feature_dim == 256 and "layer=layer3" in backbone.identity
    assert backbone.model(torch.zeros(2, 3, 32, 32)).shape == (2, 256)
    with pytest.raises(ConfigError, match="layer9.*layer4"):
        load_backbone(BackboneConfig(name="resnet18", random_init=True, layer="layer9"))


def test_random_init_is_seeded_and_needs_no_checkpoint():
    a = load_backbone(BackboneConfig(name="resnet18", random_init=True, seed=3))
    b = load_backbone(BackboneConfig(name="resnet18", random_init=True, seed=3))
    c = load_backbone(BackboneConfig(name="resnet18", random_init=True, seed=4))
    torch.testing.assert_close(a.model.conv1.weight, b.model.conv1.weight)
    assert not torch.equal(a.model.conv1.weight, c.model.conv1.weight)
    assert a.identity != c.identity and "random-init" in a.label


def test_checkpoint_and_random_init_are_exclusive(resnet18_state_file):
    with pytest.raises(ConfigError, match="exactly one"):
        load_backbone(BackboneConfig(checkpoint=str(resnet18_state_file), random_init=True))
    with pytest.raises(ConfigError, match="exactly one"):
        load_backbone(BackboneConfig())


def test_unknown_backbone_lists_valid_names():
    with pytest.raises(ConfigError, match="alexnet, resnet18, resnet50"):
        load_backbone(BackboneConfig(name="vit", random_init=True))


def test_missing_checkpoint_file_names_the_path(tmp_path):
    with pytest.raises(CheckpointError, match="no such file"):
        load_backbone(BackboneConfig(checkpoint=str(tmp_path / "nope.pt")))
