"""Per-program outcome of a render-to-disk run, and a contact sheet for a quick look."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .writer import atomic_write_bytes


@dataclass
class ProgramReport:
    """``report.json`` entry: status, log, seconds, constant, static (docs/DESIGN.md)."""

    status: str = "ok"
    log: str = ""
    origin: str = ""  # the program's source (file, or file#index for JSON lists)
    seconds: float = 0.0
    constant: bool = True
    static: bool = True
    images: int = 0
    # device time per image (ms, median over this program's dispatches; the watchdog's
    # timestamps), unlike ``seconds``, which is a share of each batch's wall time
    device_ms_per_image: float | None = None
    _first: str | None = None
    _colour: bytes | None = None

    def observe(self, rgb_hwc: np.ndarray) -> None:
        """Account one rendered image ``(H, W, 3) uint8``."""
        digest = hashlib.blake2b(np.ascontiguousarray(rgb_hwc).tobytes(), digest_size=16).hexdigest()
        flat = rgb_hwc.reshape(-1, 3)
        one_colour = bool((flat == flat[0]).all())
        if self._first is None:
            self._first, self._colour = digest, flat[0].tobytes()
        self.static = self.static and digest == self._first
        self.constant = self.constant and one_colour and flat[0].tobytes() == self._colour
        self.images += 1

    def observe_file(self, path: Path) -> None:
        """Account an image already on disk (resumed runs)."""
        with Image.open(path) as img:
            self.observe(np.asarray(img.convert("RGB")))

    def to_json(self) -> dict:
        seen = self.images > 0
        return {"status": self.status, "log": self.log, "seconds": round(self.seconds, 4),
                "constant": bool(self.constant and seen), "static": bool(self.static and seen),
                "images": self.images, "origin": self.origin,
                "device_ms_per_image": (None if self.device_ms_per_image is None
                                        else round(self.device_ms_per_image, 4)),
                "state": {"first": self._first,
                          "colour": self._colour.hex() if self._colour else None}}

    def restore(self, entry: dict | None, images_on_disk: int) -> bool:
        """Take the observations of an earlier run's entry if it accounted exactly
        ``images_on_disk`` images; False (nothing changed) otherwise."""
        state = (entry or {}).get("state") or {}
        if not entry or entry.get("images") != images_on_disk or not state.get("first"):
            return False
        self.images = images_on_disk
        self.constant, self.static = bool(entry["constant"]), bool(entry["static"])
        self._first = state["first"]
        self._colour = bytes.fromhex(state["colour"]) if state.get("colour") else None
        self.seconds += float(entry.get("seconds", 0.0))
        self.device_ms_per_image = entry.get("device_ms_per_image")
        return True


def write_contact_sheet(out: Path, names: list[str], ext: str, per_row: int = 8,
                        thumb: int = 64, max_programs: int = 64) -> Path | None:
    """A grid PNG: one row per program (up to ``per_row`` of its images)."""
    rows = []
    for name in names[:max_programs]:
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
    import io
    buf = io.BytesIO()
    sheet.save(buf, format="PNG")
    path = out / "contact_sheet.png"
    atomic_write_bytes(path, buf.getvalue())
    return path
