"""eval.config: YAML + overrides build the frozen tree; bad keys and types name the key path."""
from __future__ import annotations

import dataclasses

import pytest

from eval.config import choose, load_config
from eval.errors import ConfigError
from eval.runs import KnnRunConfig


def test_yaml_then_overrides_build_frozen_tree(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("data:\n  name: digits\n  resolution: 32\nknn:\n  ks: [5, 20]\n")
    cfg = load_config(KnnRunConfig, path, ["knn.temperature=0.1", "backbone.random_init=true"])
    assert cfg.data.name == "digits" and cfg.data.resolution == 32
    assert cfg.knn.ks == (5, 20) and cfg.knn.temperature == 0.1
    assert cfg.backbone.random_init is True and cfg.features.batch_size == 64
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.data.name = "mnist"


def test_partial_section_keeps_the_parent_default_instance():
    from eval.programs import ProgramsConfig

    cfg = load_config(ProgramsConfig, None, ["backbone.seed=3"])
    assert cfg.backbone.random_init is True and cfg.backbone.seed == 3


def test_unknown_key_is_named_with_its_path():
    with pytest.raises(ConfigError, match=r"knn: unknown key\(s\) \['k'\]"):
        load_config(KnnRunConfig, None, ["knn.k=5"])


def test_wrong_type_is_named_with_its_path():
    with pytest.raises(ConfigError, match="data.resolution: expected int"):
        load_config(KnnRunConfig, None, ["data.resolution=big"])
    with pytest.raises(ConfigError, match=r"knn.ks\[1\]: expected int"):
        load_config(KnnRunConfig, None, ["knn.ks=[5, x]"])


def test_malformed_override_is_rejected():
    with pytest.raises(ConfigError, match="dotted.key=value"):
        load_config(KnnRunConfig, None, ["knn.ks"])


def test_choose_lists_valid_names():
    with pytest.raises(ConfigError, match="loss.name: unknown name 'x'; valid names: a, b"):
        choose({"b": 1, "a": 2}, "x", key="loss.name")
