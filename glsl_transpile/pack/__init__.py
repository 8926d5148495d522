"""The built-in pack: original programs written for this project (Shadertoy and every TwiGL mode).

Layout: ``shadertoy/<name>.glsl`` and ``twigl/<mode>/<name>.glsl`` (the folder names the mode).
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..sources import SHADERTOY, TWIGL, ShaderSource, from_code, read_text


def builtin_pack_dir() -> Path:
    """Folder of the built-in pack inside the installed package."""
    return Path(str(resources.files(__package__)))


def load_builtin_pack() -> list[ShaderSource]:
    """Every built-in program, Shadertoy first, then TwiGL by mode, sorted by name."""
    root = builtin_pack_dir()
    out = [from_code(read_text(p), p.stem, kind=SHADERTOY, origin=str(p))
           for p in sorted((root / "shadertoy").glob("*.glsl"))]
    for mode_dir in sorted(d for d in (root / "twigl").iterdir() if d.is_dir()):
        out += [from_code(read_text(p), p.stem, kind=TWIGL, mode=mode_dir.name, origin=str(p))
                for p in sorted(mode_dir.glob("*.glsl"))]
    return out
