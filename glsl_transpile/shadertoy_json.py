"""Shadertoy API JSON (one program: ``{"Shader": {"info", "renderpass"}}`` or the inner object)
into a ``ShaderSource``.

Passes: the Image pass becomes ``code`` (with its channel ``inputs``), Buffer A-D become
``passes`` (``inputs.BufferPass``, in frame order), Common passes become ``common``; a Sound
pass is dropped (it makes sound, and no image pass can read it); a Cubemap pass (Cube A) is
unsupported. Both spellings of the export are read (``inputs.py``).
"""
from __future__ import annotations

from pathlib import Path

from . import detect
from .errors import ShaderSourceError, UnsupportedShaderError
from .inputs import BufferPass, buffer_index, output_ids, parse_inputs
from .program_names import safe_folder_name

_IGNORED = ("sound",)


def shader_object(obj: dict, origin: str) -> dict:
    """The inner ``Shader`` object of an export (``ShaderSourceError`` if it is none)."""
    shader = obj.get("Shader", obj)
    if not isinstance(shader, dict) or "renderpass" not in shader:
        raise ShaderSourceError(origin, "JSON has no 'renderpass' list (not a Shadertoy export)")
    return shader


def program_name(shader: dict, origin: str) -> str:
    info = shader.get("info") if isinstance(shader.get("info"), dict) else {}
    return str(info.get("id") or Path(origin.split("#")[0]).stem)


def load_program(shader: dict, origin: str) -> dict:
    """The fields of the program's ``ShaderSource``: name, code, inputs, passes, common.

    Raises:
        ShaderSourceError: malformed passes.
        UnsupportedShaderError: no or several image passes, a Cubemap pass or an unknown one,
            two passes rendering one buffer, ``#include`` in a pass.
    """
    name = program_name(shader, origin)
    label = safe_folder_name(name)  # errors name the program as reports do, on one line
    passes = _checked_passes(shader["renderpass"], label, origin)
    by_type: dict[str, list[dict]] = {}
    for p in passes:
        by_type.setdefault(str(p.get("type", "image")).lower(), []).append(p)
    images = by_type.get("image", [])
    if len(images) != 1:
        raise UnsupportedShaderError(label, f"{len(images)} image passes (expected exactly one)")
    buffers = _buffer_passes(by_type.get("buffer", []), label, origin)
    common = "\n".join(str(p.get("code") or "") for p in by_type.get("common", []))
    for text, where in [(common, "the Common pass")] + [(b.code, b.name) for b in buffers]:
        if detect.find_include(text):
            raise UnsupportedShaderError(label, f"#include in {where}")
    code = images[0].get("code")
    if not isinstance(code, str):
        raise ShaderSourceError(origin, "image pass has no 'code' string")
    ids = _buffer_ids(by_type.get("buffer", []))
    return {"name": name, "code": code, "common": common, "passes": tuple(buffers),
            "inputs": parse_inputs(images[0], ids)}


def _checked_passes(passes, label: str, origin: str) -> list[dict]:
    if not isinstance(passes, list) or not passes:
        raise ShaderSourceError(origin, "'renderpass' is empty")
    if not all(isinstance(p, dict) for p in passes):
        raise ShaderSourceError(origin, "'renderpass' entries must be objects")
    kept = []
    for p in passes:
        ptype = str(p.get("type", "image")).lower()
        if ptype in _IGNORED:
            continue
        if ptype not in ("image", "common", "buffer"):
            raise UnsupportedShaderError(
                label, f"pass {p.get('name') or ptype!r} of type {ptype!r}: Image, Buffer A-D "
                f"and Common passes are supported")
        kept.append(p)
    return kept


def _buffer_ids(buffer_objs: list[dict]) -> dict[str, int]:
    """Output id (as a string) -> buffer index, for inputs that name a buffer by id."""
    ids: dict[str, int] = {}
    for order, p in enumerate(buffer_objs):
        for out in output_ids(p):
            ids[out] = buffer_index(p, order)
    return ids


def _buffer_passes(buffer_objs: list[dict], label: str, origin: str) -> list[BufferPass]:
    ids = _buffer_ids(buffer_objs)
    out: dict[int, BufferPass] = {}
    for order, p in enumerate(buffer_objs):
        index = buffer_index(p, order)
        if index in out or not 0 <= index < 4:
            raise UnsupportedShaderError(label, f"two passes render Buffer {'ABCD'[index % 4]}")
        code = p.get("code")
        if not isinstance(code, str):
            raise ShaderSourceError(origin, f"buffer pass {p.get('name')!r} has no 'code' string")
        out[index] = BufferPass(index, code, parse_inputs(p, ids))
    return [out[i] for i in sorted(out)]
