"""Shared fixtures: one Vulkan kernel runner and one OpenGL reference per session."""
from __future__ import annotations

import os

import numpy as np
import pytest


@pytest.fixture(scope="session")
def kernel_runner():
    from render_vk.kernel_run import KernelRunner

    with KernelRunner() as runner:
        if os.environ.get("EXPECT_LAVAPIPE") == "1":
            assert "llvmpipe" in runner.device.info.name.lower(), runner.device.info.name
        yield runner


@pytest.fixture(scope="session")
def gl_reference():
    from render_vk.gl_reference import GLReference

    with GLReference() as ref:
        yield ref


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two uint8 images (inf when identical)."""
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))
