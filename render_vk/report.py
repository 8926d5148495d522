"""Per-program outcome of a render-to-disk run (``report.json``), merged across ranks, and a
contact sheet for a quick look.

An image is observed once, from its raw pixels before encoding (``Observation``): the same
definition serves a fresh run and a resumed one, which reads the observations of images already
on disk from the output folder's state instead of decoding them (a JPEG decodes to other pixels).
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
from PIL import Image

from .writer import atomic_write_bytes


@dataclass(frozen=True)
class Observation:
    """What the report needs of one image: digest of its raw RGB pixels, and its colour if all
    its pixels have one colour (hex of 3 bytes), else None."""

    digest: str
    colour: str | None

    @classmethod
    def of(cls, rgb_hwc: np.ndarray) -> Observation:
        """Of an ``(H, W, 3) uint8`` image."""
        pixels = np.ascontiguousarray(rgb_hwc)
        digest = hashlib.blake2b(pixels.tobytes(), digest_size=16).hexdigest()
        flat = pixels.reshape(-1, 3)
        one_colour = bool((flat == flat[0]).all())
        return cls(digest, flat[0].tobytes().hex() if one_colour else None)


@dataclass
class ProgramReport:
    """``report.json`` entry: status, log, seconds, constant, static (docs/DESIGN.md), plus
    images, origin, the original name (``name``) where the folder name had to differ from it,
    ``device_ms_per_image``, ``dropped`` (``"constant"`` / ``"static"`` when the data
    hygiene left the program out, ``render_vk.hygiene``; its constant / static flags then say
    what its probe images showed), and where they apply ``inputs`` (what each channel is bound
    to, or why it is unbound) and ``frames_simulated`` (a multi-pass program's cost)."""

    status: str = "ok"
    log: str = ""
    origin: str = ""  # the program's source (file, or file#index for JSON lists)
    name: str = ""    # the program's own name, when its folder name differs
    seconds: float = 0.0
    images: int = 0
    # device time per image (ms, median over this program's dispatches; the watchdog's
    # timestamps), unlike ``seconds``, which is a share of each batch's wall time
    device_ms_per_image: float | None = None
    inputs: list[str] = field(default_factory=list)
    frames_simulated: int = 0
    dropped: str | None = None
    _first: Observation | None = None
    _constant: bool = True
    _static: bool = True

    def observe(self, obs: Observation, *, count: bool = True) -> None:
        """Account one image of this program (``count`` False: seen, but not written)."""
        if self._first is None:
            self._first = obs
        self._static = self._static and obs.digest == self._first.digest
        self._constant = (self._constant and obs.colour is not None
                          and obs.colour == self._first.colour)
        self.images += int(count)

    def to_json(self) -> dict:
        seen = self._first is not None
        entry = {"status": self.status, "log": self.log, "seconds": round(self.seconds, 4),
                 "constant": bool(self._constant and seen), "static": bool(self._static and seen),
                 "images": self.images, "origin": self.origin,
                 "device_ms_per_image": (None if self.device_ms_per_image is None
                                         else round(self.device_ms_per_image, 4)),
                 "dropped": self.dropped,
                 "first": None if self._first is None else [self._first.digest,
                                                            self._first.colour]}
        if self.name:
            entry["name"] = self.name
        if self.inputs:
            entry["inputs"] = list(self.inputs)
        if self.frames_simulated:
            entry["frames_simulated"] = self.frames_simulated
        return entry


def merge_entries(parts: Iterable[dict[str, dict]]) -> dict[str, dict]:
    """One report from the reports of several ranks (each rank renders a share of the images,
    every rank loads every program): a failure seen by any rank wins, and so does a drop;
    images and seconds add up; a program is constant (static) if it is so on every rank that
    observed it and all of them saw the same first colour (image)."""
    merged: dict[str, dict] = {}
    for part in parts:
        for name, entry in part.items():
            prev = merged.get(name)
            merged[name] = dict(entry) if prev is None else _merge_two(prev, entry)
    return merged


def _merge_two(a: dict, b: dict) -> dict:
    out = dict(a)
    if a["status"] == "ok" and b["status"] != "ok":
        out["status"], out["log"] = b["status"], b["log"]
    out["images"] = a["images"] + b["images"]
    if a.get("frames_simulated") or b.get("frames_simulated"):
        out["frames_simulated"] = a.get("frames_simulated", 0) + b.get("frames_simulated", 0)
    out["seconds"] = round(a["seconds"] + b["seconds"], 4)
    if out.get("device_ms_per_image") is None:
        out["device_ms_per_image"] = b.get("device_ms_per_image")
    out["dropped"] = a.get("dropped") or b.get("dropped")
    if b["first"] is None:
        return out
    if a["first"] is None:
        out.update(constant=b["constant"], static=b["static"], first=b["first"])
        return out
    same_first = a["first"] == b["first"]
    same_colour = (a["first"] or [None, None])[1] == (b["first"] or [None, None])[1]
    out["static"] = bool(a["static"] and b["static"] and same_first)
    out["constant"] = bool(a["constant"] and b["constant"] and same_colour)
    return out


def write_contact_sheet(out: Path, folders: list[str], ext: str, per_row: int = 8,
                        thumb: int = 64, max_programs: int = 64) -> Path | None:
    """A grid PNG: one row per program folder (up to ``per_row`` of its images)."""
    rows = []
    for name in folders[:max_programs]:
        files = sorted((out / name).glob(f"*.{ext}"))[:per_row]
        if files:
            rows.append(files)
    if not rows:
        return None
    sheet = Image.new("RGB", (per_row * thumb, len(rows) * thumb))
    for r, files in enumerate(rows):
        for c, f in enumerate(files):
            with Image.open(f) as img:
                sheet.paste(img.convert("RGB").resize((thumb, thumb)), (c * thumb, r * thumb))
    buf = io.BytesIO()
    sheet.save(buf, format="PNG")
    path = out / "contact_sheet.png"
    atomic_write_bytes(path, buf.getvalue())
    return path
