"""The config tree of ``python -m eval.study``: the grid, the pretraining data, the evaluation.

One frozen dataclass tree loaded by the project's one loader (``glsl_transpile.plumbing.config``):
unknown keys, wrong types and values out of range (each dataclass's ``checks()``) are
``ConfigError``s naming the key path. A recipe in ``configs/study_*.yaml`` holds only what
differs from these defaults. Must not import torch.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Sequence

from eval.knn_classifier import KnnConfig
from eval.linear_probe import LinearProbeConfig
from glsl_transpile.plumbing import config as plumbing

METHODS = ("simclr", "supcon", "ce", "moco")  # train.<name> entry points
LABELLED_METHODS = frozenset({"supcon", "ce"})  # need the program as the label
DATA_MODES = ("disk", "live")
PROBES = ("knn", "linear")
TIME_SAMPLINGS = ("continuous", "random")
IMAGEFOLDER_PREFIX = "imagefolder:"
EVAL_DATASETS = ("fashion_mnist", "mnist", "digits")  # besides imagefolder:PATH


@dataclasses.dataclass(frozen=True)
class GridConfig:
    """The axes; every combination is one cell (one run folder).

    ``programs``: number of programs at the fixed image budget (``pretrain.images``).
    ``mixup``: images of different programs mixed into one (1 = raw, 6 = MixUp-6).
    ``epochs``: training lengths; empty = each recipe's ``run.epochs``.
    """

    programs: tuple[int, ...] = (1, 4, 16)
    methods: tuple[str, ...] = ("supcon",)
    mixup: tuple[int, ...] = (1,)
    data: tuple[str, ...] = ("disk",)
    seeds: tuple[int, ...] = (0,)
    epochs: tuple[int, ...] = ()

    def checks(self):
        for name in ("programs", "methods", "mixup", "data", "seeds"):
            yield name, len(getattr(self, name)) > 0, "must list at least one value"
        yield "programs", all(n >= 1 for n in self.programs)
        yield "methods", set(self.methods) <= set(METHODS), f"must be among {', '.join(METHODS)}"
        yield "mixup", all(k >= 1 for k in self.mixup)
        yield "data", set(self.data) <= set(DATA_MODES), f"must be among {', '.join(DATA_MODES)}"
        yield "seeds", all(s >= 0 for s in self.seeds)
        yield "epochs", all(e >= 1 for e in self.epochs)


@dataclasses.dataclass(frozen=True)
class RecipeConfig:
    """The training config (a ``configs/*.yaml`` of ``train``) each method starts from."""

    simclr: str = "configs/simclr_tiny_cpu.yaml"
    supcon: str = "configs/supcon_tiny_cpu.yaml"
    ce: str = "configs/ce_tiny_cpu.yaml"
    moco: str = "configs/moco_tiny_cpu.yaml"


@dataclasses.dataclass(frozen=True)
class PretrainConfig:
    """The pretraining data and how each method is trained on it.

    ``programs``: ``builtin`` (the built-in pack), a folder or manifest of programs, or
    generated programs ``synth:COUNT@SEED`` (``glsl_transpile.synth``); every cell draws its
    subset from these. ``images``: the image budget of every cell. ``time_sampling``: the
    render CLI's (``continuous``: image n at about n / 4 s, so a program of more than 40 images
    asks multi-pass programs for frames beyond the render's 600-frame cap and they fail with
    ``beyond_frame_cap``; ``random``: t ~ U[0.1, 10] s, the paper's).
    ``overrides``: ``a.b=v`` strings applied to every method's recipe (after the study's own
    settings: data path, resolution, run folder, seed, epochs). ``data_dir``: where rendered
    datasets are cached ("" = ``<out_dir>/data``). ``keep_checkpoints``: keep a finished
    training's resumable checkpoint (ResNet-18 with its optimiser and head: about 180 MB a
    cell); by default only the exported backbone the evaluation reads (about 45 MB) stays.
    """

    programs: str = "builtin"
    images: int = 2688
    resolution: int = 32
    time_sampling: str = "continuous"
    recipes: RecipeConfig = RecipeConfig()
    overrides: tuple[str, ...] = ()
    data_dir: str = ""
    keep_checkpoints: bool = False

    def checks(self):
        yield "programs", bool(self.programs)
        yield "images", self.images >= 1
        yield "resolution", 8 <= self.resolution <= 4096
        yield "time_sampling", self.time_sampling in TIME_SAMPLINGS


@dataclasses.dataclass(frozen=True)
class StudyEvalConfig:
    """Frozen-feature evaluation of every cell and of the random-init baseline.

    ``datasets``: ``fashion_mnist``, ``mnist``, ``digits`` or ``imagefolder:PATH`` (a folder
    holding ``train/`` and ``val/``). ``layers``: "" for the embedding training produces, or a
    module name to tap (``layer3``). ``resolution``: the backbone's input side.
    """

    datasets: tuple[str, ...] = ("fashion_mnist", "mnist")
    probes: tuple[str, ...] = PROBES
    layers: tuple[str, ...] = ("",)
    resolution: int = 32
    limit_train: int = 10000
    limit_val: int = 2000
    knn: KnnConfig = KnnConfig(ks=(20,))
    # L-BFGS logistic regression on standardised features: what it finds does not depend on
    # the features' scale, which random and trained encoders do not share. The SGD probe
    # (lr 30 on raw features, eval.linear's default) fits random-init ResNet-18 features up to
    # 4 points worse (MNIST, layer3, 32 px), which read as a gain of the trained encoders.
    linear: LinearProbeConfig = LinearProbeConfig(method="lbfgs")
    batch_size: int = 256
    device: str = "cpu"  # where features are computed (cpu, cuda)
    cache_dir: str = ""  # feature cache; "" = eval's default (EVAL_CACHE_DIR or ~/.cache)
    retrieval_rows: int = 8  # rows of the best cell's k-NN retrieval grid

    def checks(self):
        yield "datasets", len(self.datasets) > 0, "must list at least one dataset"
        for name in self.datasets:
            known = name in EVAL_DATASETS or (name.startswith(IMAGEFOLDER_PREFIX)
                                              and len(name) > len(IMAGEFOLDER_PREFIX))
            yield "datasets", known, (f"has {name!r}; valid: {', '.join(EVAL_DATASETS)} or "
                                      f"{IMAGEFOLDER_PREFIX}PATH")
        yield "probes", len(self.probes) > 0 and set(self.probes) <= set(PROBES), \
            f"must be among {', '.join(PROBES)}"
        yield "layers", len(self.layers) > 0, "must list at least one layer ('' = embedding)"
        yield "resolution", 8 <= self.resolution <= 4096
        yield "limit_train", self.limit_train >= 0
        yield "limit_val", self.limit_val >= 0
        yield "batch_size", self.batch_size > 0
        yield "retrieval_rows", self.retrieval_rows >= 0


@dataclasses.dataclass(frozen=True)
class StudyConfig:
    grid: GridConfig = GridConfig()
    pretrain: PretrainConfig = PretrainConfig()
    eval: StudyEvalConfig = StudyEvalConfig()
    out_dir: str = "runs/study"

    def checks(self):
        yield "out_dir", bool(self.out_dir)


def load_study_config(path: str | Path | None, overrides: Sequence[str] = ()) -> StudyConfig:
    """Load a study recipe plus ``--set a.b=v`` overrides.

    Raises:
        ConfigError: unreadable file, unknown key, wrong type or a value out of range.
    """
    return plumbing.load_config(StudyConfig, path, overrides)


def data_dir(cfg: StudyConfig) -> Path:
    """Where rendered pretraining datasets are cached."""
    return Path(cfg.pretrain.data_dir) if cfg.pretrain.data_dir else Path(cfg.out_dir) / "data"


def recipe_path(cfg: StudyConfig, method: str) -> str:
    """The training recipe of ``method`` (a ``configs/*.yaml`` path)."""
    return getattr(cfg.pretrain.recipes, method)
