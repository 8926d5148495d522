"""Vulkan -> CUDA hand-off. The Vulkan export runs on lavapipe; the CUDA import needs a GPU.

The ``gpu`` tests run where torch sees a CUDA device and the NVIDIA Vulkan driver is installed
(``pytest -m gpu tests/render_vk/test_interop_cuda.py``); they are skipped elsewhere.
"""
import os

import pytest
import torch

from glsl_transpile import load_builtin_pack
from render_vk import RenderError, Renderer, RendererConfig, RenderRequest
from render_vk.device import VulkanDevice
from render_vk.interop_cuda import DEVICE_EXTENSIONS, CudaImport, ExportableBuffer

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
RES = 64


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_exportable_buffer_exports_an_fd():
    device = VulkanDevice(extensions=DEVICE_EXTENSIONS)
    try:
        buf = ExportableBuffer(device, 1 << 16)
        fd, again = buf.export_fd(), buf.export_fd()
        try:
            assert buf.allocation_bytes >= 1 << 16
            # the fd holds the whole allocation, and every export is the same memory
            assert os.fstat(fd).st_size >= buf.allocation_bytes
            assert fd != again and os.fstat(fd).st_ino == os.fstat(again).st_ino
        finally:
            os.close(fd)
            os.close(again)
            buf.close()
    finally:
        device.close()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the failure without a driver")
def test_a_failed_cuda_import_names_the_call_and_closes_the_exported_fd():
    pytest.importorskip("cuda.bindings")
    device = VulkanDevice(extensions=DEVICE_EXTENSIONS)
    try:
        buf = ExportableBuffer(device, 1 << 16)
        before = _open_fds()
        for _ in range(3):
            with pytest.raises(RenderError, match="cudaSetDevice failed: CUDA error"):
                CudaImport(buf, 0)
        assert _open_fds() == before
        buf.close()
    finally:
        device.close()


def test_vulkan_device_is_found_by_uuid_and_a_missing_one_lists_the_devices():
    from render_vk import DeviceNotFoundError
    from render_vk.device import list_devices
    from render_vk.interop_cuda import vulkan_device_with_uuid

    for info in list_devices():
        assert vulkan_device_with_uuid(info.uuid, "test") == info.index
    with pytest.raises(DeviceNotFoundError, match=r"UUID 00ff.* of cuda:7; Vulkan devices: \[0\]"):
        vulkan_device_with_uuid(bytes([0, 255] * 8), "cuda:7")


def test_unknown_output_is_refused_before_any_device_work():
    from glsl_transpile.plumbing.config import ConfigError

    with pytest.raises(ConfigError, match="output='tpu'"):
        RendererConfig(output="tpu")


def _pack_request(renderer):
    ids = renderer.ok_indices()
    return RenderRequest(ids * 2, [0.5] * len(ids) + [2.0] * len(ids), RES, RES)


@pytest.fixture(scope="module")
def cpu_images():
    with Renderer(RendererConfig(output="cpu")) as cpu:
        cpu.load(load_builtin_pack())
        return cpu.render(_pack_request(cpu)).clone()


@pytest.mark.gpu
@needs_cuda
@pytest.mark.parametrize("sync", ["timeline", "fence"])
def test_cuda_output_equals_cpu_output_without_a_copy(cpu_images, sync):
    from render_vk.handoff import FenceHandoff, TimelineHandoff

    with Renderer(RendererConfig(output="cuda", sync=sync)) as gpu:
        gpu.load(load_builtin_pack())
        assert isinstance(gpu._ctx.handoff,
                          TimelineHandoff if sync == "timeline" else FenceHandoff)
        with gpu.submit(_pack_request(gpu)) as pending:
            on_gpu = pending.result()
            assert on_gpu.is_cuda
            assert on_gpu.data_ptr() == pending._slot.flat.data_ptr()
            assert torch.equal(on_gpu.cpu(), cpu_images)
        assert torch.equal(gpu.render(_pack_request(gpu)).cpu(), cpu_images)


@pytest.mark.gpu
@needs_cuda
def test_auto_sync_uses_timeline_semaphores_on_nvidia():
    from render_vk.handoff import TimelineHandoff

    with Renderer(RendererConfig(output="cuda")) as gpu:
        assert "nvidia" in gpu.device_name.lower() or "h100" in gpu.device_name.lower() \
            or "h200" in gpu.device_name.lower(), gpu.device_name
        assert isinstance(gpu._ctx.handoff, TimelineHandoff)


@pytest.mark.gpu
@needs_cuda
def test_timeline_hand_off_keeps_pixels_right_while_the_stream_is_busy():
    """Slow work queued on the stream before each batch is read: the ring must not render into
    a slot the stream has yet to read (three requests in turn over a ring of two slots)."""
    pack = load_builtin_pack()
    with Renderer(RendererConfig(output="cpu")) as cpu:
        cpu.load(pack)
        ids = cpu.ok_indices()
        requests = [RenderRequest(ids, [0.5 + k + 0.01 * i for i in range(len(ids))], RES, RES)
                    for k in range(3)]
        expected = [cpu.render(req).clone() for req in requests]
    with Renderer(RendererConfig(output="cuda", ring_size=2)) as gpu:
        gpu.load(pack)
        busy = torch.randn(4096, 4096, device="cuda")
        copies = []
        for i in range(12):
            pending = gpu.submit(requests[i % 3])
            images = pending.result()
            for _ in range(4):
                busy = (busy @ busy).tanh_()  # the stream is busy before it reads the images
            copies.append(images.clone())
            pending.release()  # queued after the clone: the device waits for the stream
        for i, copy in enumerate(copies):
            assert torch.equal(copy.cpu(), expected[i % 3]), i


@pytest.mark.gpu
@needs_cuda
def test_no_device_to_host_copy_in_a_profile():
    from torch.profiler import ProfilerActivity, profile

    with Renderer(RendererConfig(output="cuda")) as gpu:
        gpu.load(load_builtin_pack())
        req = _pack_request(gpu)
        gpu.render(req)
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            for _ in range(5):
                x = gpu.render(req).float().div_(255.0)
                x.mean(dim=(0, 2, 3))
            torch.cuda.synchronize()
        names = [e.name for e in prof.events()]
        copies = [n for n in names if "Memcpy" in n and ("DtoH" in n or "Device -> Pageable" in n
                                                          or "Device -> Pinned" in n)]
        assert not copies, copies


@pytest.mark.gpu
@needs_cuda
def test_cuda_output_does_not_leak_over_many_batches():
    with Renderer(RendererConfig(output="cuda")) as gpu:
        gpu.load(load_builtin_pack())
        ids = gpu.ok_indices()
        req = RenderRequest(ids, [1.0] * len(ids), RES, RES)
        for _ in range(20):
            gpu.render(req)
        torch.cuda.synchronize()
        before = torch.cuda.memory_allocated()
        free_before = torch.cuda.mem_get_info()[0]
        fds_before = _open_fds()
        for _ in range(2000):
            gpu.render(req).float().mean()
        torch.cuda.synchronize()
        assert torch.cuda.memory_allocated() - before < 16 << 20
        assert free_before - torch.cuda.mem_get_info()[0] < 64 << 20
        assert _open_fds() <= fds_before + 2


@pytest.mark.gpu
@needs_cuda
def test_live_source_renders_and_mixes_on_the_gpu():
    from render_vk.live import open_live_renderer
    from train.config import LiveConfig
    from train.data.live import LiveProgramSource
    from train.data.render_protocol import ProgramRenderer

    live = open_live_renderer(["builtin"], 64, cuda_device=torch.cuda.current_device())
    try:
        device = torch.device("cuda", torch.cuda.current_device())
        source = LiveProgramSource(ProgramRenderer(live, live.num_programs, device),
                                   LiveConfig(mixup_k=6), batch_size=32, images_per_epoch=256,
                                   seed=0)
        assert source.stream is not None  # the next batch is prepared on a side stream
        views = [b.views[0].clone() for _, b in zip(range(4), source.batches(0))]
        for step, view in enumerate(views):
            assert view.is_cuda and view.dtype == torch.float32 and view.shape == (32, 3, 64, 64)
            assert 0.0 <= float(view.min()) and float(view.max()) <= 1.0
            assert torch.equal(view, source.batch(0, step).views[0])  # same without prefetch
    finally:
        live.close()
