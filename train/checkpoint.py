"""Checkpoints: atomic writes, loading that names the file on failure, RNG states, backbone export.

A checkpoint holds everything a resumed run needs to continue exactly: model (MoCo queue and key
encoder included, as module buffers and parameters), optimiser, scheduler, epoch/step counters
and the python/numpy/torch RNG states of every rank plus each rank's augmentation generator.
Files hold only tensors and plain Python values, so they load with torch.load(weights_only=True).
On disk a checkpoint is an envelope ``{"format", "sha256", "payload"}``: the payload is the
serialised state as a uint8 tensor and its SHA-256 is checked on load, so flipped bytes are a
`CheckpointError`, never a silently different resume. State keys: format, method, config (nested dict), world_size, epoch, step_in_epoch, global_step, model,
optimizer, scheduler, rng (one dict per rank) and backbone_torchvision (the export, so that eval
can load a training checkpoint directly).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import random
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from glsl_transpile.plumbing.atomic import write_bytes
from train.errors import CheckpointError

CHECKPOINT_NAME = "checkpoint.pt"
EXPORT_NAME = "backbone_torchvision.pt"
FORMAT_VERSION = 1
ENVELOPE_FORMAT = "train-checkpoint-sha256-v1"


def _serialise(obj: Any) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def save_torch(obj: Any, path: str | os.PathLike) -> Path:
    """``torch.save`` ``obj`` to ``path`` atomically (plain torch format: an export, a cache)."""
    return write_bytes(path, _serialise(obj))


def save_checkpoint(state: dict[str, Any], path: str | os.PathLike) -> Path:
    """Write a training checkpoint atomically, inside an envelope with its SHA-256."""
    payload = _serialise(state)
    envelope = {"format": ENVELOPE_FORMAT, "sha256": hashlib.sha256(payload).hexdigest(),
                "payload": torch.frombuffer(bytearray(payload), dtype=torch.uint8)}
    return save_torch(envelope, path)


def _torch_load(source: Any, path: Path) -> Any:
    try:
        return torch.load(source, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, pickle.UnpicklingError, zipfile.BadZipFile,
            ValueError, KeyError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CheckpointError(path, f"corrupt or not a checkpoint ({reason})") from err


def load_torch_file(path: str | os.PathLike) -> Any:
    """What a weights file holds, onto the CPU: a plain torch file as is, a training checkpoint
    (envelope) after checking its digest.

    Raises:
        CheckpointError: missing, unreadable, corrupt (digest mismatch included); names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, "no such file")
    obj = _torch_load(path, path)
    if not (isinstance(obj, dict) and obj.get("format") == ENVELOPE_FORMAT):
        return obj
    payload = obj.get("payload")
    if not isinstance(payload, torch.Tensor) or payload.dtype != torch.uint8:
        raise CheckpointError(path, "corrupt checkpoint envelope (no payload)")
    data = payload.numpy().tobytes()
    if hashlib.sha256(data).hexdigest() != obj.get("sha256"):
        raise CheckpointError(path, "corrupt: its SHA-256 does not match the digest it was "
                                    "saved with (the file changed after it was written)")
    return _torch_load(io.BytesIO(data), path)


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Load a checkpoint written by `save_checkpoint` onto the CPU (digest checked).

    Raises:
        CheckpointError: missing, unreadable, corrupt, or of another format; names the file.
    """
    if not Path(path).is_file():
        raise CheckpointError(path, "no such file (nothing to resume)")
    state = load_torch_file(path)
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
    save_torch(state_dict, path)
