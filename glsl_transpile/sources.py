"""Reading programs as people publish them into immutable ``ShaderSource`` records.

Accepted inputs:

- raw Shadertoy image code (a file that defines ``mainImage``): ``.glsl .frag .fragment .fs .txt``;
- Shadertoy API JSON: ``{"Shader": {"info": ..., "renderpass": [...]}}``, the inner object, or a
  list of either: the Image pass, Buffer A-D and Common passes with every channel input
  (``shadertoy_json.py``); other pass types are an ``UnsupportedShaderError``;
- raw TwiGL code in any of its twelve modes (detected from the code, or given explicitly);
- the Shaders-21k code folder: Shadertoy JSON ``.fragment`` files and TwiGL fragments
  (``fragments/<name>.fragment`` beside ``modes/<name>.fragment``);
- any folder (searched recursively) and manifest files (``.list``/``.lst``/``.manifest``, or a
  ``.txt`` whose lines are paths) listing programs, one path per line, ``#`` comments allowed;
- a spec of generated programs, ``synth:COUNT@SEED`` (``glsl_transpile.synth``), in place of a
  path or a manifest line: the programs are generated in memory.

Only regular files are read (symlinks are followed; FIFOs, devices and sockets are refused
without blocking), each up to ``MAX_FILE_BYTES``. Manifests may include manifests, to a depth of
``MAX_MANIFEST_DEPTH``; a cycle is an error that names it. Program names are safe folder names
(``program_names``) and ``load_sources`` makes them unique.

This module reads files; it never touches a device.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import detect
from .theta import baked_theta
from .errors import ShaderSourceError, UnsupportedShaderError
from .inputs import BufferPass, ChannelInput
from .program_names import assign_unique_names, safe_folder_name

SHADERTOY = "shadertoy"
TWIGL = "twigl"
KINDS = (SHADERTOY, TWIGL)

CODE_SUFFIXES = (".glsl", ".frag", ".fragment", ".fs", ".twigl", ".txt")
JSON_SUFFIXES = (".json",)
MANIFEST_SUFFIXES = (".list", ".lst", ".manifest")

MAX_FILE_BYTES = 64 << 20  # a Shadertoy JSON export may hold thousands of programs
# one program's text (code plus Common pass), refused above this before any parsing: detection
# tokenizes it, at about 5 s and 100 MB per MB; also CompileLimits' default max_source_bytes
MAX_CODE_BYTES = 512 << 10
MAX_MANIFEST_DEPTH = 16
_MANIFEST_CHAIN: ContextVar[tuple[str, ...]] = ContextVar("manifest_chain", default=())

IMAGE, BUFFER = "image", "buffer"  # what a kernel writes: the image, or a buffer (multi-pass)


@dataclass(frozen=True)
class ShaderSource:
    """One program. ``mode`` is a TwiGL mode name (see ``detect.TWIGL_MODES``) or "" for Shadertoy.

    ``channels`` gives the sampler kind of iChannel0..3 ("2d", "cube", "3d") when known (JSON).
    ``inputs`` says what each of iChannel0..3 reads (``inputs.ChannelInput``, None for an empty
    channel; ``()``: nothing is known, every channel is unbound, as for raw code).
    ``passes`` are a multi-pass program's Buffer A-D passes (``inputs.BufferPass``, in frame
    order); ``code`` and ``inputs`` are then its Image pass. ``target`` is what the kernel of
    this record writes: ``"image"``, or ``"buffer"`` for one pass of a multi-pass program
    (``multipass.compile_units``).
    ``origin`` is where it came from (a path, ``path#index`` or "<string>").
    ``common`` is a Shadertoy "Common" pass: code the platform puts before every pass's code.
    ``theta`` holds the values of the program's latent parameters when it declares some (a
    generated program, ``glsl_transpile.synth``); the kernel then reads them per sample.
    ``name`` is always a safe folder name: the name given is passed through
    ``program_names.safe_folder_name``, and kept as given in ``original_name`` (for reports);
    ``load_sources`` also makes names unique (``program_names.assign_unique_names``).
    """

    name: str
    kind: str
    mode: str
    code: str
    origin: str = "<string>"
    channels: tuple[str, ...] = field(default=("2d", "2d", "2d", "2d"))
    common: str = ""
    theta: tuple[float, ...] = ()
    original_name: str = ""
    inputs: tuple[ChannelInput | None, ...] = ()
    passes: tuple[BufferPass, ...] = ()
    target: str = IMAGE

    def __post_init__(self):
        # frozen: the only way to derive fields; a name can never be used unsafely as a path
        object.__setattr__(self, "original_name", self.original_name or self.name)
        object.__setattr__(self, "name", safe_folder_name(self.name))
        if self.inputs:  # the declared kinds follow what is connected
            object.__setattr__(self, "channels", tuple(
                inp.kind if inp is not None else kind
                for inp, kind in zip(self.inputs, self.channels)))


def from_code(code: str, name: str, *, kind: str | None = None, mode: str | None = None,
              origin: str = "<string>") -> ShaderSource:
    """Build a record from program text; ``kind``/``mode`` are detected unless given, and
    ``theta`` holds the values of a parameter declaration (``theta.py``) if the code has one.

    Raises:
        ShaderSourceError: empty code, or an unknown kind/mode name.
        UnsupportedShaderError: ``#include`` (no include mechanism exists on the web platforms),
            or code over ``MAX_CODE_BYTES``.
    """
    check_code_size(name, code)
    if not code.strip():
        raise ShaderSourceError(origin, "the program is empty")
    if kind is not None and kind not in KINDS:
        raise ShaderSourceError(origin, f"unknown kind {kind!r} (valid: {', '.join(KINDS)})")
    if mode is not None and mode not in detect.TWIGL_MODES:
        raise ShaderSourceError(
            origin, f"unknown TwiGL mode {mode!r} (valid: {', '.join(detect.TWIGL_MODES)})")
    include_line = detect.find_include(code)
    if include_line:
        raise UnsupportedShaderError(safe_folder_name(name), "#include is not supported",
                                     line=include_line)
    if kind is None:
        kind = TWIGL if mode else detect.detect_kind(code)
    if kind == TWIGL and not mode:
        mode = detect.detect_twigl_mode(code)
    return ShaderSource(name=name, kind=kind, mode=mode if kind == TWIGL else "", code=code,
                        origin=origin, theta=baked_theta(code))


def source_bytes(code: str, common: str = "", *more: str) -> int:
    """The UTF-8 size of a program's text (code plus Common pass, plus any other passes)."""
    return sum(len(text.encode("utf-8", "surrogatepass")) for text in (code, common, *more))


def check_code_size(name: str, code: str, common: str = "", *more: str) -> None:
    """Refuse a program whose text is over ``MAX_CODE_BYTES`` (``UnsupportedShaderError``)."""
    size = source_bytes(code, common, *more)
    if size > MAX_CODE_BYTES:
        raise UnsupportedShaderError(safe_folder_name(name), f"source is {size} bytes, over "
                                                             f"the limit of {MAX_CODE_BYTES}")


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of the regular file ``path`` (at most ``max_bytes``).

    Raises:
        ShaderSourceError: not a regular file (FIFO, device, socket, folder), too large,
            unreadable, binary or not UTF-8.
    """
    data = read_regular_file(path, max_bytes)
    if b"\x00" in data:
        raise ShaderSourceError(str(path), "binary data (NUL bytes), not program text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ShaderSourceError(
            str(path), f"not UTF-8 text (invalid byte at offset {err.start})") from err
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is (or links to) a regular file of at most ``max_bytes``.

    It is checked before opening (so a device is never opened) and again on the open file
    (``O_NONBLOCK``: a FIFO swapped in between cannot block), and read to ``max_bytes + 1`` at
    most (a file still growing cannot exceed the limit).
    """
    try:
        _check_regular(path, os.stat(path), max_bytes)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise ShaderSourceError(str(path), f"cannot read: {err.strerror or err}") from err
    try:
        _check_regular(path, os.fstat(fd), max_bytes)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(max_bytes + 1)
    except OSError as err:
        raise ShaderSourceError(str(path), f"cannot read: {err.strerror or err}") from err
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise ShaderSourceError(str(path), f"larger than the {max_bytes} byte limit")
    return data


def _check_regular(path: Path, st: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise ShaderSourceError(str(path), f"not a regular file ({_file_kind(st.st_mode)}); "
                                           "only regular files are read")
    if st.st_size > max_bytes:
        raise ShaderSourceError(str(path), f"{st.st_size} bytes, larger than the {max_bytes} "
                                           "byte limit")


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return "not a file"


def from_shadertoy_json(obj, origin: str) -> list[ShaderSource]:
    """Records from a parsed Shadertoy API object (outer, inner, or a list of them)."""
    from .shadertoy_json import load_program, program_name, shader_object

    if isinstance(obj, list):
        out: list[ShaderSource] = []
        for i, item in enumerate(obj):
            if isinstance(item, list):
                raise ShaderSourceError(f"{origin}#{i}", "a list inside a list of shaders")
            out.extend(from_shadertoy_json(item, f"{origin}#{i}"))
        return out
    if not isinstance(obj, dict):
        raise ShaderSourceError(origin, "JSON is not a Shadertoy shader object")
    shader = shader_object(obj, origin)
    check_code_size(program_name(shader, origin), "", *_pass_codes(shader))
    fields = load_program(shader, origin)
    src = from_code(fields["code"], fields["name"], kind=SHADERTOY, origin=origin)
    return [ShaderSource(name=fields["name"], kind=SHADERTOY, mode="", code=src.code,
                         origin=origin, common=fields["common"], inputs=fields["inputs"],
                         passes=fields["passes"])]


def _pass_codes(shader: dict) -> list[str]:
    """The code of every pass (for the size limit, checked before any parsing)."""
    passes = shader.get("renderpass") if isinstance(shader.get("renderpass"), list) else []
    return [p["code"] for p in passes if isinstance(p, dict) and isinstance(p.get("code"), str)]


def bind_noise_channels(src: ShaderSource) -> ShaderSource:
    """``src`` with the noise stand-ins (``media.NOISE_CHANNELS``) on iChannel0..3, when it is
    Shadertoy code with no known inputs (raw code); otherwise ``src`` unchanged."""
    from .media import noise_input

    if src.kind != SHADERTOY or src.inputs or src.passes:
        return src
    return dataclasses.replace(src, inputs=tuple(noise_input(i) for i in range(4)),
                               channels=("2d",) * 4)


def _json_or_none(text: str, origin: str):
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None
    except RecursionError as err:
        raise ShaderSourceError(origin, "JSON nested too deeply") from err


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
    obj = _json_or_none(text, str(path)) if kind != TWIGL else None
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
    """Records for every path listed in a manifest (relative paths are from its folder).

    Raises:
        ShaderSourceError: a listed path is missing, the manifest includes itself (directly or
            through others: the message names the cycle) or manifests nest too deeply.
    """
    chain = _MANIFEST_CHAIN.get()
    key = os.path.realpath(path)
    if key in chain:
        cycle = " -> ".join([*chain[chain.index(key):], key])
        raise ShaderSourceError(str(path), f"manifest cycle: {cycle}")
    if len(chain) >= MAX_MANIFEST_DEPTH:
        raise ShaderSourceError(str(path), f"manifests nested deeper than {MAX_MANIFEST_DEPTH}")
    token = _MANIFEST_CHAIN.set(chain + (key,))
    try:
        return _load_manifest_entries(path)
    finally:
        _MANIFEST_CHAIN.reset(token)


def _load_manifest_entries(path: Path) -> list[ShaderSource]:
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


# generated programs (glsl_transpile.synth: "synth:COUNT@SEED") are specs, not paths
_GENERATED_SPEC_RE = re.compile(r"^synth:")


def _is_synth_spec(path: str | os.PathLike) -> bool:
    return isinstance(path, str) and bool(_GENERATED_SPEC_RE.match(path))


def missing_inputs(sources: Iterable[str | os.PathLike]) -> list[str]:
    """The SOURCE arguments that are neither an existing path nor a generated-program spec
    (CLIs check them before any work, and exit with an error naming them)."""
    return [str(s) for s in sources
            if not _GENERATED_SPEC_RE.match(str(s)) and not os.path.exists(s)]


def load_sources(paths: Iterable[str | os.PathLike], *, on_error=None,
                 builtin: bool = False) -> list[ShaderSource]:
    """Records from many paths (after the built-in pack, with ``builtin``), with names unique
    across all of them (``program_names.assign_unique_names``: where names clash, each is
    qualified by its path). ``on_error(path, err)``, if given, receives per-file errors
    (``TranspileError``) and loading goes on; without it the first error propagates."""
    from .errors import TranspileError

    out: list[ShaderSource] = []
    if builtin:
        from .pack import load_builtin_pack  # the pack reads its files through this module
        out += load_builtin_pack()
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
    return assign_unique_names(out)
