"""The per-sample inputs of a request, written into its ring slot: parameter vectors and
uniform records (``glsl_transpile.abi``), grouped by program so that one dispatch covers all of
a program's samples."""
from __future__ import annotations

import numpy as np

from .config import RenderRequest
from .errors import RenderError
from .frames import pack_frames

Group = tuple[int, int]  # (program index, samples of it in the batch)


def sample_params(table, req: RenderRequest) -> tuple[np.ndarray, np.ndarray]:
    """(flat float32 parameters, first entry of each sample's vector): the request's vectors,
    else each program's own theta. A wrong length raises ``RenderError``."""
    chunks, base, offset = [], np.zeros(len(req.programs), dtype=np.uint32), 0
    for i, prog in enumerate(req.programs):
        theta = table.source(prog).theta
        given = None if req.params is None else req.params[i]
        vec = np.asarray(theta if given is None else given, dtype=np.float32).reshape(-1)
        if given is not None and len(vec) != len(theta):
            raise RenderError(f"{table.name(prog)}: sample {i} gives {len(vec)} "
                              f"parameters, the program declares {len(theta)}")
        base[i] = offset
        chunks.append(vec)
        offset += len(vec)
    flat = np.concatenate(chunks) if offset else np.zeros(0, dtype=np.float32)
    return flat, base


def fill_records(slot, req: RenderRequest, params, fps: float) -> list[Group]:
    """Fill the slot's records grouped by program; returns (program, samples) groups in
    record order (a program's samples are consecutive records)."""
    programs = np.asarray(req.programs, dtype=np.int64)
    order = np.argsort(programs, kind="stable")
    frames = np.arange(len(programs)) if req.frames is None else np.asarray(req.frames)
    times = np.asarray(req.times_s, dtype=np.float32)
    flat, base = params
    slot.params.array[:flat.nbytes] = flat.view(np.uint8)
    records = pack_frames(times[order], frames[order], out_index=order,
                          param_base=base[order], fps=fps)
    slot.frames.array[:records.nbytes] = records.view(np.uint8)
    uniq, counts = np.unique(programs[order], return_counts=True)
    return [(int(p), int(c)) for p, c in zip(uniq, counts)]


def record_starts(groups: list[Group]) -> dict[int, int]:
    """The first record of each program's group."""
    starts, first = {}, 0
    for prog, count in groups:
        starts[prog] = first
        first += count
    return starts


def times_of(req: RenderRequest, prog: int) -> list[float]:
    """The times the request asks of ``prog``."""
    return [float(t) for p, t in zip(req.programs, req.times_s) if p == prog]
