from pathlib import Path

import pytest
import yaml

from train.config import (TrainConfig, config_to_dict, load_config, parse_override,
                          per_rank_batch, resume_mismatches, scaled_lr)
from train.errors import ConfigError
from train.models.backbones import build_backbone
from train.registry import choose

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return path


def test_unknown_key_error_names_the_key_path(tmp_path):
    path = _write(tmp_path, "data:\n  augment:\n    crop_sise: 64\n")
    with pytest.raises(ConfigError, match=r"'data\.augment\.crop_sise'.*did you mean 'crop_size'"):
        load_config(path)


def test_wrong_type_error_names_the_key_and_type(tmp_path):
    path = _write(tmp_path, "optim:\n  base_lr: fast\n")
    with pytest.raises(ConfigError, match=r"'optim\.base_lr' must be float, got str 'fast'"):
        load_config(path)
    with pytest.raises(ConfigError, match=r"'data\.batch_size' must be int"):
        load_config(None, ["data.batch_size=1.5"])
    with pytest.raises(ConfigError, match=r"'data\.augment\.crop_scale' must be a list of 2"):
        load_config(None, ["data.augment.crop_scale=[0.1]"])


def test_exponent_floats_that_yaml_1_1_reads_as_strings_are_accepted(tmp_path):
    path = _write(tmp_path, "optim:\n  weight_decay: 1e-4\n  base_lr: 5E-2\n")
    cfg = load_config(path)
    assert cfg.optim.weight_decay == 1e-4 and cfg.optim.base_lr == 0.05


def test_a_section_given_a_value_is_rejected():
    with pytest.raises(ConfigError, match="'data' must be a section"):
        load_config(None, ["data=3"])


def test_set_overrides_apply_over_the_file(tmp_path):
    path = _write(tmp_path, "data:\n  batch_size: 64\noptim:\n  base_lr: 0.1\n")
    cfg = load_config(path, ["optim.base_lr=0.5", "data.augment.crop_scale=[0.1, 1]",
                             "data.live.programs=[a.glsl, b/]", "run.max_steps=null"])
    assert cfg.data.batch_size == 64 and cfg.optim.base_lr == 0.5
    assert cfg.data.augment.crop_scale == (0.1, 1.0)  # list -> tuple, int -> float
    assert cfg.data.live.programs == ("a.glsl", "b/") and cfg.run.max_steps is None


def test_set_unknown_key_and_malformed_items_are_rejected():
    with pytest.raises(ConfigError, match="'run.bogus'"):
        load_config(None, ["run.bogus=1"])
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_override("optim.base_lr")
    with pytest.raises(ConfigError, match="holds a value"):
        load_config(None, ["run.epochs=3", "run.epochs.x=1"])


def test_out_of_range_values_are_rejected():
    with pytest.raises(ConfigError, match="'data.augment.flip_prob' is out of range"):
        load_config(None, ["data.augment.flip_prob=1.5"])


def test_defaults_come_from_the_entry_point():
    defaults = load_config(None, ["loss.temperature=0.5"])
    cfg = load_config(None, ["run.epochs=3"], defaults=defaults)
    assert cfg.loss.temperature == 0.5 and cfg.run.epochs == 3


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        TrainConfig().optim.base_lr = 1.0  # type: ignore[misc]


def test_derived_values_are_computed_not_stored():
    cfg = load_config(None, ["data.batch_size=512", "optim.base_lr=0.03"])
    assert scaled_lr(cfg.optim.base_lr, global_batch=cfg.data.batch_size) == pytest.approx(0.06)
    assert per_rank_batch(cfg.data.batch_size, 4) == 128
    assert cfg.optim.base_lr == 0.03
    with pytest.raises(ConfigError, match="not divisible by 3 ranks"):
        per_rank_batch(512, 3)


def test_registry_miss_lists_valid_names():
    with pytest.raises(ConfigError, match=r"model.backbone='resnet19' is not one of: alexnet, "
                                          r"resnet18, resnet50"):
        build_backbone("resnet19")
    with pytest.raises(ConfigError, match="x.y='c' is not one of: a, b"):
        choose({"a": 1, "b": 2}, "c", key="x.y")


def test_resume_mismatches_ignore_driving_keys_only():
    a = config_to_dict(load_config(None))
    b = config_to_dict(load_config(None, ["run.max_steps=5", "optim.base_lr=0.1"]))
    assert resume_mismatches(a, b) == ["optim.base_lr: 0.03 -> 0.1"]


def test_a_checkpoint_from_before_an_option_resumes_at_its_default_only():
    current = config_to_dict(load_config(None))
    older = config_to_dict(load_config(None))
    del older["data"]["live"]["balanced"]  # written before the option existed
    assert resume_mismatches(older, current) == ["data.live.balanced: None -> False"]
    assert resume_mismatches(older, current, defaults=TrainConfig()) == []
    changed = config_to_dict(load_config(None, ["data.live.fixed_dataset=true",
                                                "data.live.balanced=true"]))
    assert resume_mismatches(older, changed, defaults=TrainConfig()) == [
        "data.live.balanced: False -> True", "data.live.fixed_dataset: False -> True"]
    older["optim"]["removed_option"] = 1
    assert "does not load today" in resume_mismatches(older, current, defaults=TrainConfig())[0]


# configs/study_*.yaml are recipes of python -m eval.study, tested in tests/eval/test_study.py.
TRAIN_CONFIGS = sorted(p for p in CONFIGS.glob("*.yaml") if not p.name.startswith("study_"))


@pytest.mark.parametrize("path", TRAIN_CONFIGS, ids=lambda p: p.name)
def test_shipped_configs_load(path):
    assert isinstance(yaml.safe_load(path.read_text()), dict)
    load_config(path)
