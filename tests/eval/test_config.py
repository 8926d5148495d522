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
    with pytest.raises(ConfigError, match=r"unknown config key 'knn.k'.*valid here: ks"):
        load_config(KnnRunConfig, None, ["knn.k=5"])


def test_wrong_type_is_named_with_its_path():
    with pytest.raises(ConfigError, match=r"'data.resolution' must be int"):
        load_config(KnnRunConfig, None, ["data.resolution=big"])
    with pytest.raises(ConfigError, match=r"'knn.ks\[1\]' must be int"):
        load_config(KnnRunConfig, None, ["knn.ks=[5, x]"])


def test_eval_and_train_configs_share_one_loader_and_its_rules():
    from eval.runs import LinearRunConfig
    from train.config import load_config as load_train_config
    from train.errors import ConfigError as TrainConfigError

    assert TrainConfigError is ConfigError  # one error class for every config tree
    # YAML 1.1 reads 1e-4 as a string: both trees take it as the float the user meant
    assert load_config(LinearRunConfig, None, ["probe.weight_decay=1e-4"]).probe.weight_decay \
        == 1e-4
    assert load_train_config(None, ["optim.weight_decay=1e-4"]).optim.weight_decay == 1e-4
    with pytest.raises(ConfigError, match=r"'data.name' must be str, got int 5"):
        load_config(KnnRunConfig, None, ["data.name=5"])  # never silently '5'
    with pytest.raises(ConfigError, match=r"'knn.ks' is out of range: \(\)"):
        load_config(KnnRunConfig, None, ["knn.ks=[]"])
    with pytest.raises(ConfigError, match=r"'features.batch_size' is out of range"):
        load_config(KnnRunConfig, None, ["features.batch_size=0"])


def test_malformed_override_is_rejected():
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        load_config(KnnRunConfig, None, ["knn.ks"])


def test_choose_lists_valid_names():
    with pytest.raises(ConfigError, match="loss.name='x' is not one of: a, b"):
        choose({"b": 1, "a": 2}, "x", key="loss.name")
