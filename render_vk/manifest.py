"""``OUT/manifest.jsonl``: what every image of a render run shows, one JSON object a line.

    {"path": "000012.png", "programs": ["fbm_warp", "hex_truchet"], "times_s": [3.1, 0.4],
     "frames": [12, 12], "weights": [0.62, 0.38]}

``path`` is relative to OUT; ``programs`` are the report's (folder) names of the images mixed
into this one (one for an unmixed image), rendered at ``times_s`` (seconds) with ``iFrame`` =
``frames``; ``weights`` are MixUp's Dirichlet weights (``[1.0]`` unmixed). CutMix images also have
``boxes``: per component, ``[y0, x0, y1, x1]`` in pixels, pasted in order (the first covers the
image). Lines are sorted by path.

Every field is a function of the run's parameters and the image's index, so a resumed run writes
the same manifest as an uninterrupted one. It is written atomically at the end of a run that
finished (rank 0, merging every rank's images), and lists exactly the images on disk: those of
programs dropped by the data hygiene, or of programs that failed, are absent.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from .jobs import Job, mix_draws
from .writer import atomic_write_bytes

MANIFEST_NAME = "manifest.jsonl"


def manifest_entry(job: Job, root: Path, names: Sequence[str], args) -> dict:
    """The manifest line of one written job (see the module doc)."""
    entry = {"path": str(job.path.relative_to(root)),
             "programs": [names[p] for p in job.programs],
             "times_s": list(job.times), "frames": list(job.frames)}
    if len(job.programs) == 1:
        entry["weights"] = [1.0]
        return entry
    weights, boxes = mix_draws(job, args)
    entry["weights"] = [float(w) for w in weights[0]]
    if boxes is not None:
        entry["boxes"] = boxes[0].tolist()
    return entry


class Manifest:
    """The entries of the images one rank accounted for (written or found on disk)."""

    def __init__(self, root: Path, args):
        self.root, self.args = Path(root), args
        self.names: Sequence[str] = ()
        self.entries: list[dict] = []

    def add(self, job: Job) -> None:
        if job.path is not None:
            self.entries.append(manifest_entry(job, self.root, self.names, self.args))


def write_manifest(root: Path, parts: Sequence[Sequence[dict]]) -> Path:
    """Write every rank's entries, sorted by path, to ``root/manifest.jsonl`` atomically."""
    lines = sorted((e for part in parts for e in part), key=lambda e: e["path"])
    path = Path(root) / MANIFEST_NAME
    atomic_write_bytes(path, "".join(json.dumps(e) + "\n" for e in lines).encode())
    return path
