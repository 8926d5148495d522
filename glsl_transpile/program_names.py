"""Program names are data, never paths: safe folder names, unique names, checked output paths.

A program's name comes from its file's stem or its Shadertoy ``info.id`` and is used as a
folder (``OUT/<name>/...``) or file stem (``OUT/<name>.spv``). Anyone can write those, so:

- ``safe_folder_name`` maps any text to a name that is one plain path component: letters,
  digits and ``_ . -`` only (any other character, NUL, control characters and slashes become
  ``_``), no leading dot, not ``.``/``..``, not a name the tools write beside the programs
  (``report.json``...), at most ``MAX_NAME_BYTES`` UTF-8 bytes (longer names keep a prefix and a
  hash of the whole). ``ShaderSource`` applies it to every name it is given and keeps the text
  as given in ``original_name``.
- ``assign_unique_names`` makes the names of one run unique, compared case-insensitively (the
  folders may land on a case-insensitive file system): a name shared by several programs is
  replaced, in each of them, by the shortest tail of its origin that tells them apart (folders
  joined with ``-``: ``a/good.glsl`` and ``b/good.glsl`` become ``a-good`` and ``b-good``; the
  entries of one JSON list get their index). Programs no tail separates (the same file loaded
  twice) are numbered ``-2``, ``-3``... in input order. The result is a function of the inputs
  and their order only.
- ``check_output_folders`` verifies that ``root/<name>`` resolves inside ``root`` (symlinks
  included) before anything is written there.

Pure string functions except ``check_output_folders``, which reads (never writes) the file system.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import unicodedata
from pathlib import PurePath
from typing import Iterable, Sequence

from .errors import OutputPathError

MAX_NAME_BYTES = 100
_HASH_CHARS = 12
# suffixes of files written beside the program folders (report.json, contact_sheet.png, flat
# images, .spv kernels): a program folder must never take such a name
_OUTPUT_SUFFIXES = (".json", ".png", ".jpg", ".jpeg", ".spv", ".tmp")
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                    *(f"lpt{i}" for i in range(10))}
_UNSAFE_ASCII_RE = re.compile(r"[^A-Za-z0-9_.\-]")


def safe_folder_name(name: str) -> str:
    """``name`` as one safe path component (see the module doc); idempotent."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch if _safe_char(ch) else "_" for ch in text)
    stripped = text.lstrip(".")
    text = "_" * (len(text) - len(stripped)) + stripped  # no hidden names, no "." or ".."
    if text.endswith((".", " ")):
        text = text[:-1] + "_"  # Windows drops trailing dots
    if not text:
        return "unnamed"
    lower = text.lower()
    if lower.endswith(_OUTPUT_SUFFIXES):
        dot = text.rindex(".")
        text = text[:dot] + "_" + text[dot + 1:]
    if lower.split(".")[0] in _WINDOWS_DEVICES:
        text = "_" + text
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]
        keep = MAX_NAME_BYTES - _HASH_CHARS - 1
        prefix = text.encode("utf-8")[:keep].decode("utf-8", "ignore")
        text = f"{prefix}-{digest}"
    return text


def _safe_char(ch: str) -> bool:
    if ch.isascii():
        return _UNSAFE_ASCII_RE.match(ch) is None
    return ch.isalnum()  # letters and digits of any script; no spaces, marks or controls


def assign_unique_names(sources: Sequence) -> list:
    """``sources`` (``ShaderSource`` records) with names unique in the run (module doc).

    Each name is rebuilt from the record's ``original_name`` and ``origin``, so calling this
    again on a longer list (e.g. with the built-in pack added) renames consistently.
    """
    names = [safe_folder_name(s.original_name) for s in sources]
    groups: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        groups.setdefault(n.casefold(), []).append(i)
    # names unique as given are kept; derived ones must not take them
    taken = {key for key, members in groups.items() if len(members) == 1}
    for members in groups.values():
        if len(members) > 1:
            tails = _distinguishing_names([sources[i] for i in members])
            for i, tail in zip(members, tails):
                names[i] = _number_if_taken(tail, taken)
                taken.add(names[i].casefold())
    return [src if name == src.name else dataclasses.replace(src, name=name)
            for src, name in zip(sources, names)]


def _number_if_taken(name: str, taken: set[str]) -> str:
    if name.casefold() not in taken:
        return name
    n = 2
    while True:
        suffix = f"-{n}"
        head = name.encode("utf-8")[:MAX_NAME_BYTES - len(suffix)].decode("utf-8", "ignore")
        candidate = head + suffix
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def _qualifiers(src) -> list[tuple[str, str]]:
    """What can tell a record's name apart, innermost first: ("index", i) of a JSON list
    entry, ("stem", s) when the name is not the file's stem, then the folders, inner to outer."""
    path, sep, index = src.origin.rpartition("#")
    if not (sep and index.isdigit()):
        path, index = src.origin, ""
    if path.startswith("<"):
        return [("index", index)] if index else []  # "<string>": no path
    pure = PurePath(path)
    out = [("index", index)] if index else []
    if pure.stem != src.original_name:
        out.append(("stem", pure.stem))
    folders = [p for p in pure.parent.parts if p not in (pure.anchor, ".", "")]
    out += [("folder", p) for p in reversed(folders)]
    return out


def _qualified_name(src, depth: int) -> str:
    used = _qualifiers(src)[:depth]
    index = [text for kind, text in used if kind == "index"]
    outer = [text for kind, text in reversed(used) if kind != "index"]
    return safe_folder_name("-".join(outer + [src.original_name] + index))


def _distinguishing_names(group: Sequence) -> list[str]:
    """For records sharing a name: each one's name with the fewest qualifiers that make the
    group's names distinct (all qualifiers where none suffice)."""
    deepest = max(len(_qualifiers(s)) for s in group)
    for depth in range(1, deepest + 1):
        names = [_qualified_name(s, depth) for s in group]
        if len({n.casefold() for n in names}) == len(names):
            return names
    return [_qualified_name(s, deepest) for s in group]


def check_output_folders(root: str | os.PathLike, names: Iterable[str]) -> None:
    """Check that ``root/<name>`` resolves to a folder strictly inside ``root`` for every name
    (following symlinks that already exist), before anything is written.

    Raises:
        OutputPathError: the first name whose folder would lie elsewhere.
    """
    real_root = os.path.realpath(root)
    for name in names:
        target = os.path.realpath(os.path.join(real_root, name))
        if os.path.dirname(target) != real_root or os.path.basename(target) in ("", ".", ".."):
            raise OutputPathError(str(root), os.path.join(str(root), name))


def output_file(root: str | os.PathLike, name: str, suffix: str) -> str:
    """The path ``root/<name><suffix>``, checked to resolve inside ``root``.

    Raises:
        OutputPathError: it would not (an unsafe name, or an existing symlink pointing away).
    """
    check_output_folders(root, [name + suffix])
    return os.path.join(os.fspath(root), name + suffix)
