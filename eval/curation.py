"""Curation of a program corpus, as the paper did for Shaders-21k: render, measure, drop.

Each program is compiled and rendered at fixed times (``CurationConfig.times_s``), then dropped
for the first reason that applies, in this order (``REASONS``):

- ``compile_error`` / ``unsupported`` / ``timeout`` / ``crash`` / ``loop_capped``: as the
  compiler and the renderer report it;
- ``constant``: every pixel equal in every sample;
- ``static``: no sample differs from the first by more than ``static_tolerance`` (mean
  absolute difference in [0, 1]; 0 means identical images);
- ``slow``: seconds per image (the least of its timed renders; one that looks slow is timed
  ``RETIMES`` more times) above ``slow_factor`` times the median of all programs;
- ``low_diversity``: colour spread, fill or pixel self-distance below its threshold
  (``eval.program_metrics``);
- ``duplicate``: the perceptual hashes of its samples are within ``duplicate_bits`` (mean over
  the times) of an earlier surviving program's.

Every program keeps its metrics; survivors are written by ``python -m eval.curate``.
Rendering goes through ``render_vk.Renderer`` in chunks, so memory stays flat for any count
(``eval.program_renders`` owns the warm-up and the retries).
"""
from __future__ import annotations

import logging
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from eval.program_metrics import (colourfulness, fill_fraction, gzip_bytes,
                                  image_colour_spread, is_constant, jpeg_bytes, perceptual_hash,
                                  pixel_crop_distance, self_distance)
from eval.program_renders import render_programs, render_timed

log = logging.getLogger(__name__)

REASONS = ("compile_error", "unsupported", "timeout", "crash", "loop_capped", "constant",
           "static", "slow", "low_diversity", "duplicate")
KEPT = "kept"
RETIMES = 2        # extra renders of a program that looks slow, before it is called slow


@dataclass(frozen=True)
class CurationConfig:
    """Every knob of curation (see module doc for what each threshold rejects)."""

    resolution: int = 64
    times_s: tuple[float, ...] = (0.5, 1.5, 3.0, 6.0)
    static_tolerance: float = 0.002
    slow_factor: float = 10.0
    min_image_colour_spread: float = 0.03
    min_fill: float = 0.05
    min_self_distance: float = 0.004
    duplicate_bits: float = 6.0
    chunk_programs: int = 256      # programs per renderer (pipelines are freed per chunk)
    batch_images: int = 256        # images per render request
    seed: int = 0                  # crops of the self-distance


@dataclass
class ProgramOutcome:
    """One program's verdict (``KEPT`` or a reason), its metrics and its hash bits."""

    name: str
    status: str
    log: str = ""
    metrics: dict = field(default_factory=dict)
    hash_bits: np.ndarray | None = None
    duplicate_of: str = ""

    def to_json(self) -> dict:
        out = {"status": self.status, "metrics": self.metrics}
        if self.log:
            out["log"] = self.log
        if self.duplicate_of:
            out["duplicate_of"] = self.duplicate_of
        return out


def image_metrics(images: np.ndarray, rng: np.random.Generator) -> dict:
    """Metrics of one program's samples ``(T, H, W, 3) uint8`` (no device, no files)."""
    first = images[:1].astype(np.float64)
    motion = float(np.abs(images.astype(np.float64) - first).mean(axis=(1, 2, 3)).max()) / 255
    return {
        "constant": is_constant(images), "motion": motion,
        "image_colour_spread": image_colour_spread(images), "fill": fill_fraction(images),
        "self_distance": self_distance(images, pixel_crop_distance, rng),
        "colourfulness": colourfulness(images),
        "gzip_bytes": float(np.mean([gzip_bytes(im) for im in images])),
        "jpeg_bytes": float(np.mean([jpeg_bytes(im) for im in images])),
    }


def verdict(metrics: dict, cfg: CurationConfig) -> str:
    """The first reason among constant / static / low_diversity that applies, else KEPT."""
    if metrics["constant"]:
        return "constant"
    if metrics["motion"] <= cfg.static_tolerance:
        return "static"
    if (metrics["image_colour_spread"] < cfg.min_image_colour_spread
            or metrics["fill"] < cfg.min_fill or metrics["self_distance"] < cfg.min_self_distance):
        return "low_diversity"
    return KEPT


def mark_slow(outcomes: Sequence[ProgramOutcome], cfg: CurationConfig) -> None:
    """Programs whose seconds per image exceed ``slow_factor`` x the median of their peers."""
    timed = [o.metrics["seconds_per_image"] for o in outcomes
             if o.metrics.get("seconds_per_image") is not None]
    if len(timed) < 3:
        return
    median = statistics.median(timed)
    for o in outcomes:
        seconds = o.metrics.get("seconds_per_image")
        if o.status == KEPT and seconds is not None and seconds > cfg.slow_factor * median:
            o.status = "slow"
            o.log = f"{seconds * 1e3:.2f} ms per image, {seconds / median:.0f}x the median"


def mark_duplicates(outcomes: Sequence[ProgramOutcome], cfg: CurationConfig) -> None:
    """Greedy in input order: a survivor whose hashes are within ``duplicate_bits`` (mean over
    the times) of an earlier survivor's becomes a ``duplicate`` of it."""
    kept: list[ProgramOutcome] = []
    signs: list[np.ndarray] = []
    for o in outcomes:
        if o.status != KEPT or o.hash_bits is None:
            continue
        x = np.where(o.hash_bits, 1.0, -1.0).astype(np.float32)  # (T, 64)
        if signs:
            stack = np.stack(signs)  # (K, T, 64): Hamming = (64 - <x, y>) / 2 per time
            bits = (x.shape[1] - np.einsum("ktb,tb->kt", stack, x)) / 2
            mean_bits = bits.mean(axis=1)
            nearest = int(mean_bits.argmin())
            if mean_bits[nearest] <= cfg.duplicate_bits:
                o.status, o.duplicate_of = "duplicate", kept[nearest].name
                continue
        kept.append(o)
        signs.append(x)


def count_reasons(outcomes: Sequence[ProgramOutcome]) -> dict[str, int]:
    """Programs per verdict, every reason listed (zeros included), then ``kept``."""
    counts = Counter(o.status for o in outcomes)
    return {reason: counts.get(reason, 0) for reason in (*REASONS, KEPT)}


@dataclass
class CurationRun:
    """Outcomes in input order plus where the time went (seconds) and compile cache hits."""

    outcomes: list[ProgramOutcome]
    seconds: dict[str, float]
    cache_hits: int
    compiled: int


def curate(sources: Sequence, cfg: CurationConfig, *, cache=None,
           progress: Callable[[int], None] | None = None) -> CurationRun:
    """Compile, render and judge ``sources`` (``glsl_transpile.ShaderSource``), chunk by chunk.

    ``cache`` is a ``glsl_transpile.SpirvCache`` (None: no cache); ``progress(n)`` is called
    with the number of programs finished in each chunk.
    """
    from glsl_transpile import compile_programs

    seconds = Counter()
    outcomes: list[ProgramOutcome] = []
    hits = compiled = 0
    rng = np.random.default_rng(cfg.seed)
    for start in range(0, len(sources), cfg.chunk_programs):
        chunk = list(sources[start:start + cfg.chunk_programs])
        t0 = time.perf_counter()
        results = compile_programs(chunk, cache=cache)
        seconds["compile"] += time.perf_counter() - t0
        hits += sum(r.cached for r in results)
        compiled += len(results)
        outcomes += _render_chunk(chunk, cfg, rng, seconds, cache)
        if progress:
            progress(len(chunk))
    mark_slow(outcomes, cfg)
    mark_duplicates(outcomes, cfg)
    return CurationRun(outcomes, dict(seconds), hits, compiled)


def _render_chunk(chunk, cfg: CurationConfig, rng, seconds: Counter, cache) -> list:
    """Outcomes of one chunk: load (cache hits after ``compile_programs``), render, measure."""
    from render_vk import Renderer, RendererConfig

    config = RendererConfig(cache_dir=str(cache.directory) if cache else None,
                            use_cache=cache is not None)
    t0 = time.perf_counter()
    with Renderer(config) as renderer:
        renderer.load(chunk)
        seconds["load_kernels"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        images, timing = _render_all(renderer, cfg)  # pipelines are made at first use
        seconds["render"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        outcomes = []
        for i, state in enumerate(renderer.programs()):
            outcome = ProgramOutcome(state.name, KEPT if state.ok else state.status,
                                     log="" if state.ok else state.log)
            if outcome.status == KEPT and i in images:
                outcome.metrics = image_metrics(images[i], rng)
                outcome.metrics["seconds_per_image"] = timing.get(i)
                outcome.hash_bits = np.stack([perceptual_hash(im) for im in images[i]])
                outcome.status = verdict(outcome.metrics, cfg)
            outcomes.append(outcome)
        seconds["measure"] += time.perf_counter() - t0
    return outcomes


def _render_all(renderer, cfg: CurationConfig) -> tuple[dict[int, np.ndarray], dict]:
    """Images ``(T, H, W, 3) uint8`` of every renderable program at ``cfg.times_s``, and its
    device seconds per image (the least over its timed renders, see ``_retime_suspects``)."""
    renders = render_programs(renderer, renderer.ok_indices(), cfg.times_s, cfg.resolution,
                              batch_images=cfg.batch_images)
    _retime_suspects(renderer, renders.seconds_per_image, cfg)
    return renders.images, renders.seconds_per_image


def _retime_suspects(renderer, timing: dict[int, float], cfg: CurationConfig) -> None:
    """Render the programs that look slow (against this chunk's median) ``RETIMES`` more
    times, keeping the least timing: on a shared machine other work only ever adds time."""
    from render_vk import RenderError

    if len(timing) < 3:
        return
    limit = cfg.slow_factor * statistics.median(timing.values())
    suspects = [p for p, t in timing.items() if t > limit and renderer.program(p).ok]
    for _ in range(RETIMES if suspects else 0):
        try:
            seconds = render_timed(renderer, suspects, cfg.times_s,
                                   cfg.resolution).seconds_per_image
        except RenderError as err:
            log.warning("%s", err)
            return
        for p, t in seconds.items():
            timing[p] = min(timing[p], t)
