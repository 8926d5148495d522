"""The ``--out`` folder of a render run: one writer at a time, the same parameters on resume,
and images on disk trusted only once checked.

- ``.lock-r<rank>``: held (``flock``) for the whole run; a second process on the same folder
  and rank gets a clear error instead of interleaving its images and temporaries.
- ``.render_params.json``: what decides the pixels (resolution, times, seed, format...). A run
  asking for other values into the same folder is an error naming them (``--overwrite``
  renders every image again instead).
- ``.render_state/r<rank>.jsonl``: one line per finished image (path, bytes, observation),
  appended after its file is in place. On resume an image with a matching line is kept as is;
  one without (a run killed between the rename and the line, or an older tool) is decoded and
  checked; a damaged one is rendered again.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from glsl_transpile.plumbing.atomic import remove_temporaries

from .report import Observation
from .writer import OutputError, atomic_write_bytes

log = logging.getLogger(__name__)

PARAMS_NAME = ".render_params.json"
STATE_DIR = ".render_state"


@dataclass(frozen=True)
class Finished:
    """A finished image as the state file records it."""

    size_bytes: int
    observation: Observation


class OutputFolder:
    """See the module doc. ``open()`` first; ``close()`` releases the lock."""

    def __init__(self, root: Path, rank: int):
        self.root, self.rank = Path(root), rank
        self.tmp_prefix = f".tmp-r{rank}-"
        self._lock_file = None
        self._state = None
        self._state_lock = threading.Lock()

    def open(self) -> int:
        """Create and lock the folder, remove this rank's stale temporaries (returns how many).

        Raises:
            OutputError: not writable, or another process holds it.
        """
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.root / f".write-test-{os.getpid()}", b"")
            (self.root / f".write-test-{os.getpid()}").unlink()
        except (OSError, OutputError) as err:
            raise OutputError(f"output folder {self.root} is not writable: {err}") from err
        lock_path = self.root / f".lock-r{self.rank}"
        self._lock_file = open(lock_path, "a+")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.seek(0)
            owner = self._lock_file.read().strip() or "?"
            self._lock_file.close()
            self._lock_file = None
            raise OutputError(f"another render process (pid {owner}) is writing to {self.root}"
                              f" (rank {self.rank}): wait for it to end, or use another --out")
        self._lock_file.truncate(0)
        self._lock_file.write(str(os.getpid()))
        self._lock_file.flush()
        return remove_temporaries(self.root, self.tmp_prefix)

    def check_params(self, params: dict, *, overwrite: bool) -> None:
        """Refuse to resume into a folder rendered with other parameters, then record them.

        Raises:
            OutputError: the folder's images were made with other values (named).
        """
        path = self.root / PARAMS_NAME
        old = None
        if path.is_file():
            try:
                old = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError):
                old = None
        if old is not None and old != params and not overwrite:
            diffs = [f"{k}: {old.get(k)!r} there, {params.get(k)!r} now"
                     for k in sorted(set(old) | set(params)) if old.get(k) != params.get(k)]
            raise OutputError(f"{self.root} holds images rendered with other parameters ("
                              + "; ".join(diffs) + "): use another --out, or --overwrite to "
                              "render every image again")
        if self.rank == 0 and old != params:
            atomic_write_bytes(path, json.dumps(params, indent=1, sort_keys=True).encode())

    def finished(self, *, forget: bool = False) -> dict[str, Finished]:
        """Images the state files (every rank's) record, by path relative to the folder;
        ``forget`` empties this rank's state instead (an ``--overwrite`` run)."""
        folder = self.root / STATE_DIR
        folder.mkdir(exist_ok=True)
        mine = folder / f"r{self.rank}.jsonl"
        if forget:
            mine.write_text("")
        done: dict[str, Finished] = {}
        for part in sorted(folder.glob("r*.jsonl")):
            for line in part.read_text().splitlines():
                try:
                    rec = json.loads(line)
                    done[rec["path"]] = Finished(int(rec["bytes"]),
                                                 Observation(rec["digest"], rec["colour"]))
                except (ValueError, KeyError, TypeError):
                    continue  # a torn last line of a killed run
        self._state = open(mine, "a")  # noqa: SIM115 - closed in close()
        return done

    def check_image(self, path: Path, entry: Finished | None, side: int) -> Observation | None:
        """The observation of an image already on disk, or None if it must be rendered again
        (missing, truncated, undecodable, of another size)."""
        try:
            size = path.stat().st_size
        except OSError:
            return None
        if entry is not None and entry.size_bytes == size:
            return entry.observation
        try:
            with Image.open(path) as img:
                img.load()
                if img.size != (side, side):
                    raise ValueError(f"{img.size[0]}x{img.size[1]}, expected {side}x{side}")
                import numpy as np

                obs = Observation.of(np.asarray(img.convert("RGB")))
        except (OSError, ValueError) as err:
            log.warning("%s is damaged (%s): rendering it again", path, err)
            return None
        self.record(path, size, obs)
        return obs

    def record(self, path: Path, size_bytes: int, obs: Observation) -> None:
        """Append a finished image to this rank's state (thread-safe)."""
        line = json.dumps({"path": str(path.relative_to(self.root)), "bytes": size_bytes,
                           "digest": obs.digest, "colour": obs.colour})
        with self._state_lock:
            self._state.write(line + "\n")

    def close(self) -> None:
        if self._state is not None:
            self._state.flush()
            os.fsync(self._state.fileno())
            self._state.close()
            self._state = None
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None
