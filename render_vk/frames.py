"""Per-sample uniform records with the platform's values (docs/DESIGN.md); the layout is
``glsl_transpile.abi.FRAME_DTYPE``, as the kernels read it."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from glsl_transpile.abi import FRAME_DTYPE

DEFAULT_DATE = (2021.0, 10.0, 3.0, 0.0)


def pack_frames(times_seconds: Sequence[float], frames: Sequence[int] | None = None, *,
                out_index: Sequence[int] | None = None, param_base: Sequence[int] | None = None,
                fps: float = 4.0, date=DEFAULT_DATE) -> np.ndarray:
    """Records for samples at ``times_seconds`` with frame indices ``frames`` (default 0..N-1)
    writing output images ``out_index`` (default 0..N-1), reading parameters from
    ``param_base`` (default 0).

    Returns a structured array of ``FRAME_DTYPE`` (docs/DESIGN.md: iTimeDelta = 1/fps,
    iFrameRate = fps, iMouse = 0, iDate as given, iSampleRate = 44100, iChannelTime = 0).
    """
    n = len(times_seconds)
    rec = np.zeros(n, dtype=FRAME_DTYPE)
    rec["time"] = np.asarray(times_seconds, dtype=np.float32)
    rec["frame"] = np.arange(n) if frames is None else np.asarray(frames)
    rec["out_index"] = np.arange(n) if out_index is None else np.asarray(out_index)
    if param_base is not None:
        rec["param_base"] = np.asarray(param_base)
    rec["time_delta"] = 1.0 / fps
    rec["frame_rate"] = fps
    rec["sample_rate"] = 44100.0
    rec["date"] = np.asarray(date, dtype=np.float32)
    return rec
