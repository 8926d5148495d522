"""The renderer's knobs (``RendererConfig``) and one request (``RenderRequest``), both checked
when they are made: a bad value is a ``ConfigError`` naming the field, before any device work."""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Sequence

from glsl_transpile.plumbing.config import ConfigError

OUTPUTS = ("cpu", "cuda")
SYNCS = ("auto", "fence", "timeline")
MAX_IMAGE_SIDE = 8192  # pixels; one 8192^2 RGBA8 image is 256 MiB
CPU_PIPELINE_BUDGET = 256
GPU_PIPELINE_BUDGET = 4096


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


@dataclass(frozen=True)
class RendererConfig:
    """Every knob of the renderer."""

    device: int | str | None = None   # index or name substring; None: best GPU, else lavapipe
    output: str = "cpu"               # "cpu": mapped host memory; "cuda": the GPU's own memory
                                      # imported into CUDA (interop_cuda; not yet run on a GPU)
    sync: str = "auto"                # hand-off (handoff.py): "fence" (host waits), "timeline"
                                      # (semaphores), "auto": timeline for CUDA where exportable
    ring_size: int = 2                # requests in flight at once
    batch_timeout_s: float = 60.0     # a submission still running after this is hung: the
                                      # program running then is stopped (status "timeout")
    image_timeout_s: float = 30.0     # a program slower than this per image (device time) is
                                      # stopped by the watchdog; slowness relative to its batch
                                      # peers is recorded, never a failure
    watchdog: bool = True             # time each dispatch on the device (a barrier between
                                      # programs); also names a hung batch's culprit at once
    consistency_every: int = 0        # re-render a fixed sample every N requests and compare
                                      # (catches silent corruption under shared load); 0 = off
    fps: float = 4.0                  # iTimeDelta = 1/fps, iFrameRate = fps
    compile_jobs: int | None = None   # compiler processes; None: one per core
    cache_dir: str | None = None      # SPIR-V cache (pipeline caches under it); None: default
    use_cache: bool = True
    pipeline_budget: int | None = None  # pipelines alive at once; None: 256 on a CPU device,
                                        # 4096 on a GPU (least recently used are destroyed)
    pipeline_cache: bool = True       # a persistent VkPipelineCache per device, on disk
    max_frames: int = 601             # multi-pass programs: the most frames one simulation
                                      # runs (601: frames 0..600, every t up to 10 s, the end
                                      # of random time sampling's range); a time beyond is
                                      # refused (status "beyond_frame_cap")
    multipass_memory_bytes: int | None = None  # device memory for multi-pass buffers at once
                                      # (decides how many programs simulate together); None:
                                      # 256 MiB on a CPU device, 2 GiB on a GPU
    frames_per_submit: int = 16       # frame steps recorded into one simulation submission
                                      # (fewer where measured frame times say it would run
                                      # longer than batch_timeout_s / 8)

    def __post_init__(self):
        _require(self.output in OUTPUTS, f"RendererConfig.output={self.output!r}: use one of "
                                         f"{', '.join(OUTPUTS)}")
        _require(self.sync in SYNCS, f"RendererConfig.sync={self.sync!r}: use one of "
                                     f"{', '.join(SYNCS)}")
        _require(self.ring_size >= 1, f"RendererConfig.ring_size={self.ring_size}: must be >= 1")
        for name in ("batch_timeout_s", "image_timeout_s", "fps"):
            value = getattr(self, name)
            _require(value > 0 and math.isfinite(value),
                     f"RendererConfig.{name}={value!r}: must be a positive number")
        _require(self.consistency_every >= 0, "RendererConfig.consistency_every: must be >= 0")
        _require(self.compile_jobs is None or self.compile_jobs >= 1,
                 f"RendererConfig.compile_jobs={self.compile_jobs}: must be >= 1")
        _require(self.pipeline_budget is None or self.pipeline_budget >= 1,
                 f"RendererConfig.pipeline_budget={self.pipeline_budget}: must be >= 1")
        for name in ("max_frames", "frames_per_submit"):
            _require(getattr(self, name) >= 1, f"RendererConfig.{name}: must be >= 1")
        _require(self.multipass_memory_bytes is None or self.multipass_memory_bytes > 0,
                 "RendererConfig.multipass_memory_bytes: must be positive")

    def memory_for(self, device_kind: str) -> int:
        """Bytes of multi-pass buffers at once on a device of ``device_kind``."""
        if self.multipass_memory_bytes is not None:
            return self.multipass_memory_bytes
        return (256 << 20) if device_kind == "CPU" else (2 << 30)

    def budget_for(self, device_kind: str) -> int:
        """The pipeline budget on a device of ``device_kind`` (``DeviceInfo.kind``)."""
        if self.pipeline_budget is not None:
            return self.pipeline_budget
        return CPU_PIPELINE_BUDGET if device_kind == "CPU" else GPU_PIPELINE_BUDGET


@dataclass(frozen=True)
class RenderRequest:
    """``programs[i]`` (index into the loaded programs) rendered at ``times_s[i]``."""

    programs: Sequence[int]
    times_s: Sequence[float]
    width: int
    height: int
    frames: Sequence[int] | None = None   # iFrame per sample (default: 0..N-1); a multi-pass
                    # program's iFrame is its frame number, round(60 t) (docs/DESIGN.md)
    params: Sequence[Sequence[float] | None] | None = None  # per sample, for kernels that
                    # declare parameters (glsl_transpile.abi): that sample's vector, or None for
                    # the program's own (ShaderSource.theta)

    def __post_init__(self):
        n = len(self.programs)
        _require(len(self.times_s) == n, f"RenderRequest: {n} programs but "
                                         f"{len(self.times_s)} times_s")
        _require(self.frames is None or len(self.frames) == n,
                 f"RenderRequest: {n} programs but {len(self.frames or ())} frames")
        _require(self.params is None or len(self.params) == n,
                 "RenderRequest: params must hold one entry (or None) per sample")
        for name in ("width", "height"):
            side = getattr(self, name)
            _require(isinstance(side, numbers.Integral) and not isinstance(side, bool)
                     and 1 <= side <= MAX_IMAGE_SIDE,
                     f"RenderRequest.{name}={side!r}: must be an integer in 1..{MAX_IMAGE_SIDE}")
        _require(all(math.isfinite(t) for t in self.times_s),
                 "RenderRequest: times_s must be finite numbers")

    @property
    def images(self) -> int:
        return len(self.programs)
