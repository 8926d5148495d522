"""Reading programs as people publish them into immutable ``ShaderSource`` records.

Accepted inputs:

- raw Shadertoy image code (a file that defines ``mainImage``): ``.glsl .frag .fragment .fs .txt``;
- Shadertoy API JSON: ``{"Shader": {"info": ..., "renderpass": [...]}}``, the inner object, or a
  list of either; single-pass image programs load, anything else is an ``UnsupportedShaderError``;
- raw TwiGL code in any of its twelve modes (detected from the code, or given explicitly);
- the Shaders-21k code folder: Shadertoy JSON ``.fragment`` files and TwiGL fragments
  (``fragments/<name>.fragment`` beside ``modes/<name>.fragment``);
- any folder (searched recursively) and manifest files (``.list``/``.lst``/``.manifest``, or a
  ``.txt`` whose lines are paths) listing programs, one path per line, ``#`` comments allowed;
- a spec of generated programs, ``synth:COUNT@SEED`` (``glsl_transpile.synth``), in place of a
  path or a manifest line: the programs are generated in memory.

This module reads files; it never touches a device.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import detect
from .theta import baked_theta
from .errors import ShaderSourceError, UnsupportedShaderError

SHADERTOY = "shadertoy"
TWIGL = "twigl"
KINDS = (SHADERTOY, TWIGL)

CODE_SUFFIXES = (".glsl", ".frag", ".fragment", ".fs", ".twigl", ".txt")
JSON_SUFFIXES = (".json",)
MANIFEST_SUFFIXES = (".list", ".lst", ".manifest")

# Shadertoy input "ctype" -> how the channel is sampled
CHANNEL_TYPES = {"texture": "2d", "buffer": "2d", "keyboard": "2d", "webcam": "2d", "video": "2d",
                 "music": "2d", "musicstream": "2d", "mic": "2d", "cubemap": "cube", "volume": "3d"}


@dataclass(frozen=True)
class ShaderSource:
    """One program. ``mode`` is a TwiGL mode name (see ``detect.TWIGL_MODES``) or "" for Shadertoy.

    ``channels`` gives the sampler kind of iChannel0..3 ("2d", "cube", "3d") when known (JSON).
    ``origin`` is where it came from (a path, ``path#index`` or "<string>").
    ``common`` is a Shadertoy "Common" pass: code the platform puts before the image code.
    ``theta`` holds the values of the program's latent parameters when it declares some (a
    generated program, ``glsl_transpile.synth``); the kernel then reads them per sample.
    """

    name: str
    kind: str
    mode: str
    code: str
    origin: str = "<string>"
    channels: tuple[str, ...] = field(default=("2d", "2d", "2d", "2d"))
    common: str = ""
    theta: tuple[float, ...] = ()


def from_code(code: str, name: str, *, kind: str | None = None, mode: str | None = None,
              origin: str = "<string>") -> ShaderSource:
    """Build a record from program text; ``kind``/``mode`` are detected unless given, and
    ``theta`` holds the values of a parameter declaration (``theta.py``) if the code has one.

    Raises:
        ShaderSourceError: empty code, or an unknown kind/mode name.
        UnsupportedShaderError: ``#include`` (no include mechanism exists on the web platforms).
    """
    if not code.strip():
        raise ShaderSourceError(origin, "the program is empty")
    if kind is not None and kind not in KINDS:
        raise ShaderSourceError(origin, f"unknown kind {kind!r} (valid: {', '.join(KINDS)})")
    if mode is not None and mode not in detect.TWIGL_MODES:
        raise ShaderSourceError(
            origin, f"unknown TwiGL mode {mode!r} (valid: {', '.join(detect.TWIGL_MODES)})")
    include_line = detect.find_include(code)
    if include_line:
        raise UnsupportedShaderError(name, "#include is not supported", line=include_line)
    if kind is None:
        kind = TWIGL if mode else detect.detect_kind(code)
    if kind == TWIGL and not mode:
        mode = detect.detect_twigl_mode(code)
    return ShaderSource(name=name, kind=kind, mode=mode if kind == TWIGL else "", code=code,
                        origin=origin, theta=baked_theta(code))


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; binary or undecodable files raise ``ShaderSourceError``."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ShaderSourceError(str(path), f"cannot read: {err.strerror or err}") from err
    if b"\x00" in data:
        raise ShaderSourceError(str(path), "binary data (NUL bytes), not program text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ShaderSourceError(
            str(path), f"not UTF-8 text (invalid byte at offset {err.start})") from err
    return text.replace("\r\n", "\n").replace("\r", "\n")


def from_shadertoy_json(obj, origin: str) -> list[ShaderSource]:
    """Records from a parsed Shadertoy API object (outer, inner, or a list of them)."""
    if isinstance(obj, list):
        out: list[ShaderSource] = []
        for i, item in enumerate(obj):
            out.extend(from_shadertoy_json(item, f"{origin}#{i}"))
        return out
    if not isinstance(obj, dict):
        raise ShaderSourceError(origin, "JSON is not a Shadertoy shader object")
    shader = obj.get("Shader", obj)
    if not isinstance(shader, dict) or "renderpass" not in shader:
        raise ShaderSourceError(origin, "JSON has no 'renderpass' list (not a Shadertoy export)")
    info = shader.get("info") or {}
    name = str(info.get("id") or Path(origin.split("#")[0]).stem)
    passes = shader["renderpass"]
    if not isinstance(passes, list) or not passes:
        raise ShaderSourceError(origin, "'renderpass' is empty")
    for p in passes:
        ptype = str(p.get("type", "image")).lower()
        if ptype not in ("image", "common"):
            raise UnsupportedShaderError(
                name, f"pass {p.get('name') or ptype!r} of type {ptype!r}: only single-pass "
                f"image programs are supported")
    images = [p for p in passes if str(p.get("type", "image")).lower() == "image"]
    if len(images) != 1:
        raise UnsupportedShaderError(name, f"{len(images)} image passes (expected exactly one)")
    common = "\n".join(str(p.get("code") or "") for p in passes
                       if str(p.get("type", "")).lower() == "common")
    image = images[0]
    code = image.get("code")
    if not isinstance(code, str):
        raise ShaderSourceError(origin, "image pass has no 'code' string")
    channels = ["2d"] * 4
    for inp in image.get("inputs") or []:
        ch = inp.get("channel")
        ctype = str(inp.get("ctype") or inp.get("type") or "texture").lower()
        if isinstance(ch, int) and 0 <= ch < 4:
            channels[ch] = CHANNEL_TYPES.get(ctype, "2d")
    src = from_code(code, name, kind=SHADERTOY, origin=origin)
    if common and detect.find_include(common):
        raise UnsupportedShaderError(name, "#include in the Common pass")
    return [ShaderSource(name=src.name, kind=SHADERTOY, mode="", code=src.code, origin=origin,
                         channels=tuple(channels), common=common)]


def _json_or_none(text: str):
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def read_twigl_mode_file(path: Path) -> str:
    """The mode named by a Shaders-21k ``modes/<name>.fragment`` file.

    Its lines are: base mode, "True"/"False" for ES 3.00, "True"/"False" for MRT (and a fourth
    flag for the ternary preprocessing the paper applied, which this tool does not need).
    """
    lines = [ln.strip() for ln in read_text(path).split("\n") if ln.strip()]
    if not lines or lines[0] not in detect.BASE_MODES:
        raise ShaderSourceError(str(path), "not a TwiGL mode file (first line must be a mode)")
    flags = [ln == "True" for ln in lines[1:3]] + [False, False]
    suffix = "_300es" if flags[0] else "_mrt" if flags[1] else ""
    return lines[0] + suffix


def load_file(path: str | os.PathLike, *, kind: str | None = None,
              mode: str | None = None) -> list[ShaderSource]:
    """Records from one file (code, JSON or manifest). Names are the file stem (or JSON id)."""
    path = Path(path)
    if path.suffix.lower() in MANIFEST_SUFFIXES:
        return load_manifest(path)
    text = read_text(path)
    if not text.strip():
        raise ShaderSourceError(str(path), "the file is empty")
    obj = _json_or_none(text) if kind != TWIGL else None
    if obj is not None:
        return from_shadertoy_json(obj, str(path))
    if path.suffix.lower() == ".json":
        raise ShaderSourceError(str(path), "malformed JSON")
    if mode is None and path.parent.name == "fragments":
        mode_file = path.parent.parent / "modes" / path.name
        if mode_file.is_file():
            mode = read_twigl_mode_file(mode_file)
    if path.suffix.lower() == ".txt" and detect.looks_like_manifest(text):
        return load_manifest(path)
    return [from_code(text, path.stem, kind=kind, mode=mode, origin=str(path))]


def load_manifest(path: Path) -> list[ShaderSource]:
    """Records for every path listed in a manifest (relative paths are from its folder)."""
    out: list[ShaderSource] = []
    for raw in read_text(path).split("\n"):
        entry = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not entry:
            continue
        if _is_synth_spec(entry):
            out.extend(load_path(entry))
            continue
        target = Path(entry) if os.path.isabs(entry) else path.parent / entry
        if not target.exists():
            raise ShaderSourceError(str(path), f"listed path does not exist: {entry}")
        out.extend(load_path(target))
    return out


def iter_program_files(folder: Path) -> Iterable[Path]:
    """Program files under ``folder`` in sorted order, skipping Shaders-21k ``modes/`` files."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        if Path(root).name == "modes" and (Path(root).parent / "fragments").is_dir():
            continue
        for f in sorted(files):
            if f.lower().endswith(CODE_SUFFIXES + JSON_SUFFIXES) and not f.startswith("."):
                yield Path(root) / f


def load_path(path: str | os.PathLike, *, kind: str | None = None,
              mode: str | None = None) -> list[ShaderSource]:
    """Records from a file, a manifest, a folder (recursively) or a ``synth:`` spec."""
    if _is_synth_spec(path):
        from .synth import sources_from_spec  # synth builds on this module

        return sources_from_spec(str(path))
    path = Path(path)
    if path.is_dir():
        out: list[ShaderSource] = []
        for f in iter_program_files(path):
            out.extend(load_file(f, kind=kind, mode=mode))
        return out
    if not path.exists():
        raise ShaderSourceError(str(path), "no such file or folder")
    return load_file(path, kind=kind, mode=mode)


def _is_synth_spec(path: str | os.PathLike) -> bool:
    return isinstance(path, str) and path.startswith("synth:")


def load_sources(paths: Iterable[str | os.PathLike], *, on_error=None) -> list[ShaderSource]:
    """Records from many paths. ``on_error(path, err)``, if given, receives per-file errors
    (``TranspileError``) and loading goes on; without it the first error propagates.
    Duplicate names raise ``ShaderSourceError`` (a program's name is its output folder)."""
    from .errors import TranspileError

    out: list[ShaderSource] = []
    for p in paths:
        p = p if _is_synth_spec(p) else Path(p)
        files = list(iter_program_files(p)) if isinstance(p, Path) and p.is_dir() else [p]
        for f in files:
            try:
                out.extend(load_path(f))
            except TranspileError as err:
                if on_error is None:
                    raise
                on_error(f, err)
    seen: dict[str, str] = {}
    for s in out:
        if s.name in seen:
            raise ShaderSourceError(s.origin, f"duplicate program name {s.name!r} "
                                              f"(also {seen[s.name]})")
        seen[s.name] = s.origin
    return out
