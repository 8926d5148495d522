"""The study's cells and pretraining datasets: pure functions from the config to names and plans.

A cell is one point of the grid (method, programs, mixing, data mode, epochs, seed) and owns one
run folder. A pretraining dataset is one (programs, image budget, resolution, mixing, seed)
combination: rendered to disk once and reused by every method (and by live cells, as the list
of programs to render from). Program subsets are deterministic per seed and nested: the 4
programs of seed s are the first 4 of its 16. A subset is a list of program files, or of
generated programs (``synth:1@SEED``, one per line of its manifest). Nothing here renders,
trains or reads images.
"""
from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from typing import Iterator, Sequence

import numpy as np

from eval.errors import StudyError
from eval.study_config import LABELLED_METHODS, StudyConfig

@dataclasses.dataclass(frozen=True)
class Cell:
    """One grid point; ``epochs`` None means the recipe's own ``run.epochs``."""

    method: str
    programs: int
    mixup_k: int
    data: str
    seed: int
    epochs: int | None

    @property
    def cell_id(self) -> str:
        """The run folder's name, e.g. ``supcon-p16-raw-disk-e4-s0``."""
        mix = "raw" if self.mixup_k == 1 else f"mix{self.mixup_k}"
        length = "" if self.epochs is None else f"-e{self.epochs}"
        return f"{self.method}-p{self.programs}-{mix}-{self.data}{length}-s{self.seed}"


@dataclasses.dataclass(frozen=True)
class Skipped:
    """A grid point that cannot be run, and why (reported, never silently dropped)."""

    cell: Cell
    reason: str


def cells(cfg: StudyConfig) -> Iterator[Cell | Skipped]:
    """Every grid point, in a fixed order (seeds outermost, so that a short study gives the
    whole curve of one seed before the next); impossible ones as :class:`Skipped`."""
    grid = cfg.grid
    epochs: Sequence[int | None] = grid.epochs or (None,)
    for seed, method, k, data, length, n in itertools.product(
            grid.seeds, grid.methods, grid.mixup, grid.data, epochs, grid.programs):
        cell = Cell(method, n, k, data, seed, length)
        reason = skip_reason(cell)
        yield cell if reason is None else Skipped(cell, reason)


def skip_reason(cell: Cell) -> str | None:
    """Why ``cell`` cannot be trained, or None."""
    if cell.mixup_k > 1 and cell.mixup_k > cell.programs:
        return f"MixUp of {cell.mixup_k} images needs at least {cell.mixup_k} programs"
    if cell.mixup_k > 1 and cell.data == "disk" and cell.method in LABELLED_METHODS:
        return (f"{cell.method} needs the program of each image; MixUp images on disk carry "
                "none (use data: live, which labels a mix by its largest weight)")
    if cell.method == "ce" and cell.programs < 2:
        return "cross-entropy with one program has a single class: nothing to learn"
    return None


def choose_programs(available: Sequence[str], count: int, seed: int) -> list[str]:
    """``count`` of ``available`` (program files or ``synth:1@SEED`` specs), the first
    ``count`` of a seeded permutation.

    Raises:
        StudyError: fewer programs available than asked.
    """
    if count > len(available):
        raise StudyError(f"grid.programs asks for {count} programs, pretrain.programs has only "
                         f"{len(available)} (that compile, for files)")
    order = np.random.default_rng(seed).permutation(len(available))
    return [available[i] for i in order[:count]]


# How ``render_argv`` renders a plan: a new value keys datasets cached by an older study anew.
# 2: raw datasets hold exactly the budget (--total --balanced), not budget // count a program.
RENDER_VERSION = 2


@dataclasses.dataclass(frozen=True)
class DatasetPlan:
    """A pretraining dataset: ``count`` programs (``programs``: their files or generated-program
    specs), the image budget, render size, time sampling, mixing and seed.
    ``key`` names its cache folder."""

    count: int
    programs: tuple[str, ...]
    images: int
    resolution: int
    time_sampling: str
    mixup_k: int
    seed: int

    @property
    def key(self) -> str:
        what = {**dataclasses.asdict(self), "render": RENDER_VERSION}
        digest = hashlib.sha256(json.dumps(what, sort_keys=True).encode())
        mix = "raw" if self.mixup_k == 1 else f"mix{self.mixup_k}"
        return (f"p{self.count}-{mix}-i{self.images}-r{self.resolution}-s{self.seed}-"
                f"{digest.hexdigest()[:10]}")


def dataset_plan(cfg: StudyConfig, cell: Cell, available: Sequence[str]) -> DatasetPlan:
    """The pretraining dataset of ``cell``: its programs drawn from ``available`` (see
    ``eval.study_data.available_programs``)."""
    programs = tuple(choose_programs(available, cell.programs, cell.seed))
    return DatasetPlan(cell.programs, programs, cfg.pretrain.images, cfg.pretrain.resolution,
                       cfg.pretrain.time_sampling, cell.mixup_k, cell.seed)


def render_argv(plan: DatasetPlan, manifest: str, out: str) -> list[str]:
    """The ``python -m render_vk.render`` command line of a dataset on disk: ``--total`` images
    in per-program folders (program = class), the budget split evenly (``--balanced``: each
    program ``images / count`` images or one more, and programs the render drops as constant
    or static leave their share to the others), or a flat folder of MixUp images."""
    argv = [manifest, "--out", out, "--resolution", str(plan.resolution),
            "--time-sampling", plan.time_sampling, "--seed", str(plan.seed), "--quiet"]
    if plan.mixup_k == 1:
        return argv + ["--total", str(plan.images), "--balanced"]
    return argv + ["--mixup", str(plan.mixup_k), "--total", str(plan.images)]
