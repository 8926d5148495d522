"""eval.features: extraction shapes and the disk cache keyed by weights, data and transform."""
from __future__ import annotations

import dataclasses

import torch

from eval.backbones import load_backbone
from eval.config import BackboneConfig, DataConfig, FeatureConfig
from eval.datasets import load_split
from eval.features import cached_features


def test_second_extraction_hits_cache_and_changed_checkpoint_misses(
        tmp_path, image_folder, resnet18_state_file):
    data = DataConfig(name="imagefolder", root=str(image_folder), resolution=32)
    feats_cfg = FeatureConfig(cache_dir=str(tmp_path / "cache"), batch_size=8)
    split = load_split(data, "train")
    backbone = load_backbone(BackboneConfig(checkpoint=str(resnet18_state_file)))

    first, hit1 = cached_features(backbone, split, feats_cfg)
    second, hit2 = cached_features(backbone, split, feats_cfg)
    assert (hit1, hit2) == (False, True)
    torch.testing.assert_close(first.features, second.features)
    assert first.features.shape == (len(split), 512)
    assert first.labels.tolist() == split.labels.tolist()

    changed = tmp_path / "changed.pt"
    state = torch.load(resnet18_state_file, weights_only=True)
    state["conv1.weight"] = state["conv1.weight"] * 2
    torch.save(state, changed)
    other = load_backbone(BackboneConfig(checkpoint=str(changed)))
    third, hit3 = cached_features(other, split, feats_cfg)
    assert hit3 is False
    assert not torch.allclose(first.features, third.features)


def test_changed_resolution_misses_cache(tmp_path, image_folder):
    feats_cfg = FeatureConfig(cache_dir=str(tmp_path / "cache"), batch_size=8)
    backbone = load_backbone(BackboneConfig(random_init=True))
    data = DataConfig(name="imagefolder", root=str(image_folder), resolution=32)
    _, hit_a = cached_features(backbone, load_split(data, "val"), feats_cfg)
    bigger = dataclasses.replace(data, resolution=40)
    _, hit_b = cached_features(backbone, load_split(bigger, "val"), feats_cfg)
    _, hit_c = cached_features(backbone, load_split(data, "val"), feats_cfg)
    assert (hit_a, hit_b, hit_c) == (False, False, True)


def test_use_cache_false_writes_nothing(tmp_path, image_folder):
    feats_cfg = FeatureConfig(cache_dir=str(tmp_path / "cache"), use_cache=False)
    backbone = load_backbone(BackboneConfig(random_init=True))
    split = load_split(DataConfig(name="imagefolder", root=str(image_folder), resolution=32),
                       "val")
    _, hit = cached_features(backbone, split, feats_cfg)
    assert hit is False and not (tmp_path / "cache").exists()
