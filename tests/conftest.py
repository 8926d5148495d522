"""Shared fixtures: one Vulkan kernel runner and one OpenGL reference per session."""
from __future__ import annotations

import os

import numpy as np
import pytest


@pytest.fixture(scope="session", autouse=True)
def _caches_under_tmp(tmp_path_factory):
    """Tests write only under pytest's temporary folders: the SPIR-V cache included."""
    old = os.environ.get("GLSL_TRANSPILE_CACHE")
    os.environ["GLSL_TRANSPILE_CACHE"] = str(tmp_path_factory.mktemp("spirv-cache"))
    yield
    if old is None:
        os.environ.pop("GLSL_TRANSPILE_CACHE", None)
    else:
        os.environ["GLSL_TRANSPILE_CACHE"] = old


@pytest.fixture(scope="session")
def builtin_renderer(_caches_under_tmp):
    """One Renderer for the session, with the built-in pack loaded (program i = pack[i])."""
    from glsl_transpile import load_builtin_pack
    from render_vk import Renderer, RendererConfig

    with Renderer(RendererConfig(ring_size=2)) as renderer:
        if os.environ.get("EXPECT_LAVAPIPE") == "1":
            assert "llvmpipe" in renderer.device_name.lower(), renderer.device_name
        renderer.load(load_builtin_pack())
        yield renderer


@pytest.fixture(scope="session")
def gl_reference():
    from render_vk.gl_reference import GLReference

    with GLReference() as ref:
        yield ref


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two uint8 images (inf when identical)."""
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))
