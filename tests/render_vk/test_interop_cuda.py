"""Vulkan -> CUDA hand-off. The Vulkan export runs on lavapipe; the CUDA import needs a GPU."""
import os

import pytest
import torch

from glsl_transpile import load_builtin_pack
from render_vk import RenderError, Renderer, RendererConfig, RenderRequest
from render_vk.device import VulkanDevice
from render_vk.interop_cuda import DEVICE_EXTENSIONS, ExportableBuffer

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def test_exportable_buffer_exports_an_fd():
    device = VulkanDevice(extensions=DEVICE_EXTENSIONS)
    try:
        buf = ExportableBuffer(device, 1 << 16)
        fd = buf.export_fd()
        try:
            assert fd >= 0 and os.fstat(fd) is not None
            assert buf.allocation_bytes >= 1 << 16
        finally:
            os.close(fd)
            buf.close()
    finally:
        device.close()


def test_unknown_output_is_refused():
    with pytest.raises(RenderError, match="output"):
        Renderer(RendererConfig(output="tpu"))


@pytest.mark.gpu
@needs_cuda
def test_cuda_output_equals_cpu_output_without_a_copy():
    pack = load_builtin_pack()
    with Renderer(RendererConfig(output="cpu")) as cpu, Renderer(RendererConfig(output="cuda")) as gpu:
        cpu.load(pack)
        gpu.load(pack)
        ids = cpu.ok_indices()
        req = RenderRequest(ids * 2, [0.5] * len(ids) + [2.0] * len(ids), 64, 64)
        on_cpu = cpu.render(req).clone()
        on_gpu = gpu.render(req)
        assert on_gpu.is_cuda
        slot = gpu._slots[(gpu._next_slot - 1) % len(gpu._slots)]
        assert on_gpu.data_ptr() == slot.flat.data_ptr()
        assert torch.equal(on_gpu.cpu(), on_cpu)


@pytest.mark.gpu
@needs_cuda
def test_cuda_output_does_not_leak_over_many_batches():
    with Renderer(RendererConfig(output="cuda")) as gpu:
        gpu.load(load_builtin_pack())
        ids = gpu.ok_indices()
        req = RenderRequest(ids, [1.0] * len(ids), 64, 64)
        for _ in range(20):
            gpu.render(req)
        before = torch.cuda.memory_allocated()
        for _ in range(2000):
            gpu.render(req).float().mean()
        assert torch.cuda.memory_allocated() - before < 16 << 20
