"""Pick and build the data source named by `data.source`.

Live sources need a render callable. It is either handed in (tests, notebooks, or a future
render_vk adapter) or opened from `render_vk`, which `train` never imports elsewhere.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from glsl_transpile.plumbing.progress import Meter, silent
from train.config import DataConfig
from train.data.batch import BatchSource
from train.data.folder import ImageFolderSource
from train.data.latent import LatentViewSource, load_generator
from train.data.live import LiveProgramSource
from train.data.program_views import ProgramTimeViewSource
from train.data.render_protocol import ProgramParameters, ProgramRenderer
from train.data.theta_views import ProgramThetaViewSource
from train.data.time_sampling import probe_times
from train.errors import ConfigError, TrainError
from train.registry import choose

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceContext:
    """Where a source runs: per-rank batch, seed, rank and world size, the training device,
    whether the method needs class labels, and the progress meter of slow set-up phases."""

    batch_size: int
    seed: int
    rank: int
    world_size: int
    device: torch.device
    renderer: ProgramRenderer | None = None  # for live sources; None: open render_vk
    needs_labels: bool = True
    meter: Meter = silent


def build_source(cfg: DataConfig, ctx: SourceContext) -> BatchSource:
    """Build the source `cfg.source`.

    Raises:
        ConfigError: unknown source name (lists the valid ones) or bad source settings.
        TrainError: a live source without a renderer and without render_vk.
    """
    return choose(SOURCES, cfg.source, key="data.source")(cfg, ctx)


def _folder(cfg: DataConfig, ctx: SourceContext) -> BatchSource:
    if not cfg.path:
        raise ConfigError("data.source='folder' needs data.path (root/<class>/<image>, or a "
                          "flat folder of images for moco and simclr)")
    return ImageFolderSource(Path(cfg.path), batch_size=ctx.batch_size,
                             resolution=cfg.resolution, num_workers=cfg.num_workers,
                             seed=ctx.seed, rank=ctx.rank, world_size=ctx.world_size,
                             pin_memory=ctx.device.type == "cuda", labelled=ctx.needs_labels)


def _latent(cfg: DataConfig, ctx: SourceContext) -> BatchSource:
    if not cfg.latent.generator:
        raise ConfigError("data.source='latent' needs data.latent.generator ('module:factory')")
    generator = load_generator(cfg.latent.generator, ctx.device)
    return LatentViewSource(generator, latent_dim=cfg.latent.latent_dim, sigma=cfg.latent.sigma,
                            batch_size=ctx.batch_size, steps_per_epoch=_virtual_steps(cfg, ctx),
                            seed=ctx.seed, rank=ctx.rank, world_size=ctx.world_size,
                            device=ctx.device)


def _live(cfg: DataConfig, ctx: SourceContext) -> BatchSource:
    renderer = ctx.renderer or open_renderer(cfg, ctx.device, ctx.meter)
    return LiveProgramSource(renderer, cfg.live, batch_size=ctx.batch_size,
                             images_per_epoch=cfg.images_per_epoch, seed=ctx.seed,
                             rank=ctx.rank, world_size=ctx.world_size)


def _view_pairs(source_type) -> Callable[[DataConfig, SourceContext], BatchSource]:
    """A builder of two-view live sources (``ProgramTimeViewSource``,
    ``ProgramThetaViewSource``): the same renderer, steps and frames for both."""
    def build(cfg: DataConfig, ctx: SourceContext) -> BatchSource:
        renderer = ctx.renderer or open_renderer(cfg, ctx.device, ctx.meter)
        frames = -(-cfg.images_per_epoch // renderer.num_programs)
        return source_type(renderer, cfg.live, batch_size=ctx.batch_size,
                           steps_per_epoch=_virtual_steps(cfg, ctx),
                           frames_per_program=frames, seed=ctx.seed, rank=ctx.rank)
    return build


def _virtual_steps(cfg: DataConfig, ctx: SourceContext) -> int:
    steps = cfg.images_per_epoch // (ctx.batch_size * ctx.world_size)
    if steps == 0:
        raise ConfigError(f"data.images_per_epoch={cfg.images_per_epoch} is less than one global "
                          f"batch ({ctx.batch_size * ctx.world_size})")
    return steps


def open_renderer(cfg: DataConfig, device: torch.device | None = None,
                  meter: Meter = silent) -> ProgramRenderer:
    """Open the live Vulkan renderer for cfg.live.programs at cfg.resolution.

    The programs that compile are numbered 0..num_programs-1 (failures are logged by
    render_vk). ``"builtin"`` in the list stands for render_vk's built-in pack. With
    ``data.live.output`` "auto" and a CUDA training ``device`` (or "cuda"), rendering runs on
    that GPU (matched by UUID) into its memory; otherwise into host memory. Constant and
    static programs are left out unless data.live.drop_constant / drop_static are off.
    ``meter`` shows the compilation and the probe.

    Raises:
        TrainError: render_vk cannot be imported, or no program to render.
    """
    _check_live_inputs(cfg)
    from render_vk.errors import RenderError
    from render_vk.live import open_live_renderer

    cuda_device = _render_cuda_device(cfg, device)
    try:
        live = open_live_renderer(list(cfg.live.programs), int(cfg.resolution),
                                  cuda_device=cuda_device,
                                  consistency_every=cfg.live.consistency_every, meter=meter)
        try:
            _drop_dull(live, cfg, meter)
        except BaseException:
            live.close()
            raise
    except RenderError as err:
        raise TrainError(f"data.source={cfg.source!r}: {err}") from err
    log.info("live rendering %d programs on %s", live.num_programs, live.renderer.device_name)
    where = torch.device("cuda", cuda_device) if cuda_device is not None else torch.device("cpu")
    return ProgramRenderer(render=live, num_programs=live.num_programs, device=where,
                           close=live.close,
                           parameters=[_parameters(box) for box in live.parameter_boxes()])


def _check_live_inputs(cfg: DataConfig) -> None:
    """Before anything compiles: render_vk importable, programs and resolution given, every
    program path there.

    Raises:
        TrainError: no render_vk. ConfigError: the rest, naming the key.
    """
    if importlib.util.find_spec("render_vk") is None:
        raise TrainError(f"data.source={cfg.source!r}: live rendering needs render_vk, which "
                         "cannot be imported; render a dataset to disk and use source: folder")
    if not cfg.live.programs:
        raise ConfigError(f"data.source={cfg.source!r} needs data.live.programs (paths, or "
                          "'builtin' for the built-in pack)")
    if not cfg.resolution:
        raise ConfigError(f"data.source={cfg.source!r} needs data.resolution (render size)")
    from glsl_transpile import missing_inputs

    missing = missing_inputs([p for p in cfg.live.programs if p != "builtin"])
    if missing:
        raise ConfigError(f"data.live.programs: no such file or folder: {', '.join(missing)}")


def _render_cuda_device(cfg: DataConfig, device: torch.device | None) -> int | None:
    """The CUDA device index to render on (data.live.output), or None for host memory."""
    output = cfg.live.output
    if output == "auto":
        output = "cuda" if device is not None and device.type == "cuda" else "cpu"
    if output == "cuda" and not torch.cuda.is_available():
        raise ConfigError("data.live.output='cuda' needs a CUDA device; torch sees none")
    if output != "cuda":
        return None
    return (device.index if device is not None and device.type == "cuda"
            and device.index is not None else torch.cuda.current_device())


def _drop_dull(live, cfg: DataConfig, meter: Meter) -> None:
    """Leave constant / static programs out of the live pool (data.live.drop_constant,
    drop_static), probed at the times the run's sampler gives; logs what was dropped."""
    from render_vk.hygiene import DropRules, summary

    frames = -(-cfg.images_per_epoch // live.num_programs)
    rules = DropRules(cfg.live.drop_constant, cfg.live.drop_static)
    dropped = live.drop_dull(probe_times(cfg.live, frames), rules, meter)
    if dropped:
        names = ", ".join(f"{name} ({why})" for name, why in sorted(dropped.items())[:10])
        more = f" and {len(dropped) - 10} more" if len(dropped) > 10 else ""
        log.warning("live programs: %s of %d: %s%s", summary(dropped),
                    live.num_programs + len(dropped), names, more)


def _parameters(box) -> ProgramParameters | None:
    """render_vk's (values, lows, highs) lists of one program as float32 tensors."""
    if box is None:
        return None
    return ProgramParameters(*(torch.tensor(v, dtype=torch.float32) for v in box))


SOURCES: dict[str, Callable[[DataConfig, SourceContext], BatchSource]] = {
    "folder": _folder,
    "latent": _latent,
    "live": _live,
    "program_time": _view_pairs(ProgramTimeViewSource),
    "program_theta": _view_pairs(ProgramThetaViewSource),
}
