"""What compiling each program gave, remembered beside the SPIR-V cache, so that a second run
over the same corpus knows every program's status and kernel without transpiling, compiling or
checking it again (21k programs load in seconds instead of minutes).

An entry is keyed by everything that decides the outcome: the program's own text and kind, the
compile limits, the compiler build, and a digest of this package's code and templates (so any
change to the transpiler invalidates every entry). Only outcomes that a later run would repeat
are kept: success (with the kernel's SPIR-V cache key) and compile or unsupported errors; a
deadline or a crash may depend on the machine's load, so those are tried again.

Entries live in ``<cache dir>/outcomes/<aa>/<key>.json``, written atomically.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ShaderCompileError, TranspileError, UnsupportedShaderError
from .limits import CompileLimits
from .plumbing.atomic import write_bytes
from .sources import ShaderSource
from .status import COMPILE_ERROR, OK, UNSUPPORTED


@lru_cache(maxsize=None)
def tool_digest() -> str:
    """SHA-256 of this package's Python and GLSL files (the transpiler that made a kernel)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".glsl") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Outcome:
    """A remembered result: ``status``; ``spirv_key`` when ok; the error's fields otherwise."""

    status: str
    spirv_key: str | None = None
    message: str = ""
    line: int | None = None
    log: str = ""

    def error(self, shader: str) -> TranspileError | None:
        """The error this outcome stands for (None when ok)."""
        if self.status == COMPILE_ERROR:
            return ShaderCompileError(shader, self.line, self.message, self.log)
        if self.status == UNSUPPORTED:
            return UnsupportedShaderError(shader, self.message, line=self.line)
        return None

    @classmethod
    def of_error(cls, err: TranspileError) -> Outcome | None:
        """The outcome to remember for ``err``, or None (not deterministic, or unknown)."""
        if type(err) is ShaderCompileError:
            return cls(COMPILE_ERROR, message=err.message, line=err.line, log=err.log)
        if type(err) is UnsupportedShaderError:
            return cls(UNSUPPORTED, message=err.message, line=err.line)
        return None


class OutcomeIndex:
    """Outcomes by program, in the folder of a ``SpirvCache``."""

    def __init__(self, cache_dir: Path, compiler_version: str):
        self.directory = Path(cache_dir) / "outcomes"
        self._salt = f"{tool_digest()}\0{compiler_version}\0".encode()

    def key(self, src: ShaderSource, limits: CompileLimits) -> str:
        h = hashlib.sha256(self._salt)
        for part in (src.kind, src.mode, src.code, src.common, "|".join(src.channels),
                     str(len(src.theta)), repr(src.inputs), src.target, repr(limits)):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Outcome | None:
        try:
            raw = json.loads(self._path(key).read_text())
            return Outcome(raw["status"], raw.get("spirv_key"), raw.get("message", ""),
                           raw.get("line"), raw.get("log", ""))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: a miss

    def put(self, key: str, outcome: Outcome) -> None:
        if outcome.status not in (OK, COMPILE_ERROR, UNSUPPORTED):
            return
        data = {"status": outcome.status, "spirv_key": outcome.spirv_key,
                "message": outcome.message, "line": outcome.line, "log": outcome.log}
        try:
            write_bytes(self._path(key), json.dumps(data).encode(), sync=False)
        except OSError:
            pass  # a read-only cache folder: the next run just works again
