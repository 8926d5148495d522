"""Checkpoints: atomic writes, loading that names the file on failure, RNG states, backbone export.

A checkpoint holds everything a resumed run needs to continue exactly: model (MoCo queue and key
encoder included, as module buffers and parameters), optimiser, scheduler, epoch/step counters
and the python/numpy/torch RNG states of every rank plus each rank's augmentation generator.
Files hold only tensors and plain Python values, so they load with torch.load(weights_only=True).
Keys: format, method, config (nested dict), world_size, epoch, step_in_epoch, global_step, model,
optimizer, scheduler, rng (one dict per rank) and backbone_torchvision (the export, so that eval
can load a training checkpoint directly).
"""

from __future__ import annotations

import os
import pickle
import random
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from train.errors import CheckpointError

CHECKPOINT_NAME = "checkpoint.pt"
EXPORT_NAME = "backbone_torchvision.pt"
FORMAT_VERSION = 1


def atomic_torch_save(obj: Any, path: Path) -> None:
    """torch.save to a temporary name in the same folder, then os.replace: never half a file."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Load a checkpoint written by `atomic_torch_save` onto the CPU.

    Raises:
        CheckpointError: missing, unreadable, corrupt, or of another format; names the file.
    """
    if not path.is_file():
        raise CheckpointError(path, "no such file (nothing to resume)")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, pickle.UnpicklingError, zipfile.BadZipFile) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CheckpointError(path, f"corrupt or not a checkpoint ({reason})") from err
    if not isinstance(state, dict) or state.get("format") != FORMAT_VERSION:
        raise CheckpointError(path, f"not a train checkpoint of format {FORMAT_VERSION}")
    return state


def restore_state(target: Any, state: dict[str, Any], path: Path, what: str) -> None:
    """target.load_state_dict(state) (strict), turning a mismatch into a CheckpointError.

    Args:
        target: a module, optimiser or scheduler. what: its name in the message.
    """
    try:
        result = target.load_state_dict(state)
    except (RuntimeError, KeyError, ValueError, TypeError) as err:
        first = str(err).strip().splitlines()[0]
        raise CheckpointError(path, f"{what} does not match the checkpoint: {first}") from err
    if isinstance(target, nn.Module) and (result.missing_keys or result.unexpected_keys):
        raise CheckpointError(path, f"{what} does not match the checkpoint: {result}")


def capture_rng(aug_generator: torch.Generator) -> dict[str, Any]:
    """This process's RNG states: python, numpy, torch CPU, CUDA (all devices) and augmentation."""
    np_state = np.random.get_state()
    state = {
        "python": random.getstate(),
        "numpy": (np_state[0], torch.from_numpy(np_state[1].astype(np.int64)),
                  int(np_state[2]), int(np_state[3]), float(np_state[4])),
        "torch": torch.get_rng_state(),
        "augment": aug_generator.get_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict[str, Any], aug_generator: torch.Generator) -> None:
    """Inverse of `capture_rng`."""
    random.setstate(_as_tuples(state["python"]))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"])
    aug_generator.set_state(state["augment"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _as_tuples(value: Any) -> Any:
    # random.setstate needs tuples; a round trip through some serialisers yields lists.
    if isinstance(value, (list, tuple)):
        return tuple(_as_tuples(v) for v in value)
    return value


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch (CPU and CUDA) global generators."""
    random.seed(seed)
    np.random.seed(seed % (1 << 32))
    torch.manual_seed(seed % (1 << 63))


def export_backbone(state_dict: dict[str, torch.Tensor], path: Path) -> None:
    """Write a backbone state dict in torchvision's key format, atomically."""
    atomic_torch_save(state_dict, path)
