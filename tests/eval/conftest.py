"""Fixtures of the eval tests: tiny data made under tmp_path, never downloaded."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tiny tensors run faster on one thread, and a shared 2-core machine stays responsive."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def cache_under_tmp_path(tmp_path, monkeypatch):
    """A test that forgets --cache-dir still writes only under tmp_path."""
    monkeypatch.setenv("EVAL_CACHE_DIR", str(tmp_path / "default-feature-cache"))


def make_image_folder(root: Path, per_class: int = 6, size: int = 24) -> Path:
    """root/{train,val}/{red,green,blue}/*.png: solid colours plus noise, 3 separable classes."""
    rng = np.random.default_rng(0)
    colours = {"blue": (20, 40, 220), "green": (30, 200, 40), "red": (220, 30, 30)}
    for split, count in (("train", per_class), ("val", max(2, per_class // 2))):
        for name, rgb in colours.items():
            folder = root / split / name
            folder.mkdir(parents=True)
            for i in range(count):
                noise = rng.integers(-25, 26, (size, size + 4, 3))
                image = np.clip(np.array(rgb) + noise, 0, 255).astype(np.uint8)
                Image.fromarray(image).save(folder / f"{i:03d}.png")
    return root


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    return make_image_folder(tmp_path / "colours")


@pytest.fixture(scope="session")
def resnet18_state_file(tmp_path_factory) -> Path:
    """A torchvision resnet18 state dict with the fc layer removed, as train exports it."""
    torch.manual_seed(123)
    state = torchvision.models.resnet18(weights=None).state_dict()
    del state["fc.weight"], state["fc.bias"]
    path = tmp_path_factory.mktemp("ckpt") / "resnet18_backbone.pt"
    torch.save(state, path)
    return path


def write_program(root: Path, name: str, images: list[np.ndarray]) -> Path:
    """root/name/<k:06d>.png as the renderer writes them."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for k, image in enumerate(images):
        Image.fromarray(image).save(folder / f"{k:06d}.png")
    return folder


@pytest.fixture
def program_writer():
    """The :func:`write_program` helper, as a fixture (test modules never import conftest)."""
    return write_program
