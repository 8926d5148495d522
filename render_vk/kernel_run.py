"""The minimal rendering path: one kernel, one submission, images copied to numpy.

For tests and tools that render a few images of one program. The batched renderer
(``render_vk.renderer``) reuses the same device, layout, pipelines and command stream.
"""
from __future__ import annotations

from contextlib import ExitStack

import numpy as np

from .device import VulkanDevice
from .dispatch import CommandStream, Dispatch
from .memory import HostBuffer
from .pipeline import DescriptorSets, KernelLayout, create_pipeline


class KernelRunner:
    """A device with the kernel interface set up. Use as a context manager."""

    def __init__(self, device: int | str | None = None):
        self._stack = ExitStack()
        try:
            self.device = VulkanDevice(device)
            self._stack.callback(self.device.close)
            self.layout = KernelLayout(self.device)
            self._stack.callback(self.layout.close)
            self.stream = CommandStream(self.device, self.layout)
            self._stack.callback(self.stream.close)
        except BaseException:
            self._stack.close()
            raise

    def __enter__(self) -> "KernelRunner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stack.close()

    def render(self, spirv: bytes, name: str, records: np.ndarray, width: int, height: int,
               *, timeout_s: float = 60.0) -> np.ndarray:
        """Render one sample per record: ``(N, H, W, 3) uint8``, top-down."""
        n = len(records)
        with ExitStack() as stack:
            frames = HostBuffer(self.device, max(records.nbytes, 16), cached=False)
            stack.callback(frames.close)
            pixels = HostBuffer(self.device, n * width * height * 4)
            stack.callback(pixels.close)
            frames.array[:records.nbytes] = records.view(np.uint8)
            pipeline, destroy = create_pipeline(self.device, self.layout, spirv, name)
            stack.callback(destroy)
            sets = DescriptorSets(self.device, self.layout, 1)
            stack.callback(sets.close)
            sets.bind(0, frames.buffer, pixels.buffer)
            self.stream.submit([Dispatch(pipeline, sets.sets[0], width, height, 0, 0, n)])
            self.stream.wait(timeout_s, name)
            rgba = pixels.array.reshape(n, height, width, 4)
            return rgba[..., :3].copy()
