import pytest
import torch
import torchvision

from train.models.backbones import build_backbone, missing_after_export
from train.models.heads import build_head
from train.errors import ConfigError


def test_resnet18_returns_512_d_embeddings_and_exports_without_fc():
    backbone = build_backbone("resnet18")
    assert backbone(torch.zeros(2, 3, 32, 32)).shape == (2, 512)
    result = torchvision.models.resnet18().load_state_dict(backbone.torchvision_state_dict(),
                                                            strict=False)
    assert set(result.missing_keys) == {"fc.weight", "fc.bias"} == missing_after_export("resnet18")
    assert result.unexpected_keys == []


def test_alexnet_exports_without_its_last_classifier_layer():
    backbone = build_backbone("alexnet")
    assert backbone.embed_dim == 4096
    with torch.no_grad():
        assert backbone.eval()(torch.zeros(1, 3, 64, 64)).shape == (1, 4096)
    result = torchvision.models.alexnet().load_state_dict(backbone.torchvision_state_dict(),
                                                           strict=False)
    assert set(result.missing_keys) == {"classifier.6.weight", "classifier.6.bias"}
    assert result.unexpected_keys == []


def test_exported_weights_are_the_trained_ones():
    backbone = build_backbone("resnet18")
    model = torchvision.models.resnet18()
    model.load_state_dict(backbone.torchvision_state_dict(), strict=False)
    assert torch.equal(model.conv1.weight, backbone.net.conv1.weight)


def test_heads_map_embeddings_to_outputs():
    mlp = build_head("mlp", 512, 128)
    assert [type(m).__name__ for m in mlp] == ["Linear", "ReLU", "Linear"]
    assert mlp[0].out_features == 512 and mlp(torch.zeros(3, 512)).shape == (3, 128)
    assert build_head("linear", 512, 10)(torch.zeros(3, 512)).shape == (3, 10)
    with pytest.raises(ConfigError, match="linear, mlp"):
        build_head("transformer", 512, 10)
