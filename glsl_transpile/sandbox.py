"""Compiling kernels in worker processes under limits: a crash or a runaway compile costs one
program, never the caller.

``CompilePool`` keeps up to ``workers`` processes (``compile_worker.py``), started on demand
and reused for many kernels, each under ``CompileLimits`` (address space, compile-thread stack,
CPU time). Every request has a wall-clock deadline (``deadline_s``, counted from when it is
sent); past it the worker is killed and replaced. A worker that dies (SIGSEGV on a stack
overflow, SIGABRT when glslang cannot allocate under the memory limit) costs only the request
it held: the reply says why, with what the worker wrote to stderr.

Workers are fresh interpreters (``subprocess``: fork and exec), not forks of the caller, which
may hold threads, CUDA contexts or Vulkan devices a forked child must not inherit; nor
multiprocessing's spawn, which would import the caller's ``__main__`` (and torch with it).
"""
from __future__ import annotations

import base64
import json
import logging
import os
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from .limits import CompileLimits

log = logging.getLogger(__name__)

_STARTUP_S = 120.0        # a worker that is not ready by then is killed (a loaded machine)
_MAX_FAILED_STARTS = 3    # then the pool gives up and says why
_LOG_TAIL_CHARS = 4000
_MiB = 1 << 20
MAX_MESSAGE_BYTES = 256 << 20
_HEADER = struct.Struct(">I")


def write_message(stream: BinaryIO, message: dict) -> None:
    """Send one message (length-prefixed JSON) and flush."""
    data = json.dumps(message).encode("utf-8")
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_message(stream: BinaryIO) -> dict | None:
    """The next message, or None at end of stream (the other side closed or died).

    Raises:
        ValueError: a message that is too large or not a JSON object.
    """
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    if size > MAX_MESSAGE_BYTES:
        raise ValueError(f"message of {size} bytes")
    data = stream.read(size)
    if len(data) < size:
        return None
    message = json.loads(data)
    if not isinstance(message, dict):
        raise ValueError("message is not a JSON object")
    return message


@dataclass(frozen=True)
class CompileRequest:
    """One kernel to compile; ``key`` is the caller's, returned with the reply; ``name``
    names it in logs."""

    key: object
    name: str
    glsl: str


@dataclass(frozen=True)
class CompileReply:
    """Exactly one outcome: ``spirv``; ``failed`` (glslang's stage, with its ``log``);
    ``timeout``; ``crash`` (why the worker died, with its ``log``); ``unavailable`` (no
    compiler, or no worker could start). ``seconds``: compile time in the worker."""

    spirv: bytes | None = None
    failed: str = ""
    timeout: bool = False
    crash: str = ""
    unavailable: str = ""
    log: str = ""
    seconds: float = 0.0


class _Worker:
    """One worker process, its stderr log file and the request it holds."""

    def __init__(self, limits: CompileLimits):
        self.limits = limits
        self.log = tempfile.TemporaryFile(prefix="glsl-compile-", suffix=".log")
        self.proc = subprocess.Popen(_command(limits), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, env=_worker_env())
        self.request: CompileRequest | None = None
        self.ready = False
        self.deadline = time.monotonic() + _STARTUP_S
        self.sent = 0.0
        self.log_start = 0
        self.last_log = ""  # what it wrote to stderr for its last request, once stopped

    def send(self, request: CompileRequest) -> None:
        self.log_start = os.fstat(self.log.fileno()).st_size
        self.request, self.sent = request, time.monotonic()
        self.deadline = self.sent + self.limits.deadline_s
        write_message(self.proc.stdin, {"glsl": request.glsl})

    def log_tail(self) -> str:
        end = os.fstat(self.log.fileno()).st_size
        start = max(self.log_start, end - _LOG_TAIL_CHARS)
        return os.pread(self.log.fileno(), end - start, start).decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass  # a pipe to a dead process may fail to flush; nothing is lost
        self.log.close()

    def death(self, log_text: str) -> CompileReply:
        """The reply for the request of a worker that died (after ``stop``)."""
        rc = self.proc.returncode
        seconds = time.monotonic() - self.sent
        if rc == -signal.SIGXCPU:
            return CompileReply(timeout=True, log=log_text, seconds=seconds)
        memory = "bad_alloc" in log_text or "MemoryError" in log_text
        if rc is not None and rc < 0:
            try:
                reason = signal.Signals(-rc).name
            except ValueError:
                reason = f"signal {-rc}"
        else:
            reason = f"exited with status {rc}"
        if memory:
            reason += f": out of memory (limit {self.limits.memory_bytes // _MiB} MiB)"
        elif rc == -signal.SIGSEGV:
            reason += (f": likely a stack overflow (nesting too deep for the "
                       f"{self.limits.stack_bytes // _MiB} MiB compile stack)")
        return CompileReply(crash=reason, log=log_text, seconds=seconds)


def _command(limits: CompileLimits) -> list[str]:
    return [sys.executable, "-m", "glsl_transpile.compile_worker",
            "--memory-bytes", str(limits.memory_bytes), "--stack-bytes", str(limits.stack_bytes),
            "--cpu-seconds", str(int(limits.deadline_s) + 5)]


def _worker_env() -> dict[str, str]:
    """The caller's environment, with this package importable and one thread per library
    (numpy's BLAS would otherwise reserve address space per core under RLIMIT_AS)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               MALLOC_ARENA_MAX="2")
    return env


class CompilePool:
    """Worker processes that compile kernels under ``limits`` (see the module doc); use it as a
    context manager, or call ``close()``."""

    def __init__(self, limits: CompileLimits = CompileLimits(), workers: int = 1):
        self.limits = limits
        self.max_workers = max(1, workers)
        self._workers: list[_Worker] = []
        self._selector = selectors.DefaultSelector()
        self._broken = ""           # why no worker can run (set once, then final)
        self._failed_starts = 0
        self.started = 0            # workers started so far (for tests and logs)

    def __enter__(self) -> "CompilePool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker (running requests are abandoned)."""
        for worker in list(self._workers):
            self._remove(worker)
        self._selector.close()

    def run(self, queue: deque[CompileRequest]) -> Iterator[tuple[CompileRequest, CompileReply]]:
        """Compile every request in ``queue`` (including those appended while iterating);
        yields ``(request, reply)`` as each finishes, in no particular order."""
        while queue or self._busy():
            if self._broken:
                while queue:
                    yield queue.popleft(), CompileReply(unavailable=self._broken)
            else:
                self.start(len(queue))
                for worker in [w for w in self._workers if w.ready and w.request is None]:
                    if queue:
                        self._send(worker, queue)
            yield from self._wait()

    def _busy(self) -> bool:
        return any(w.request is not None for w in self._workers)

    def start(self, queued: int) -> None:
        """Start workers (without waiting for them) so that ``queued`` more requests find
        one each, up to ``workers`` in all; they get ready while the caller goes on."""
        if self._broken:
            return
        busy = sum(1 for w in self._workers if w.request is not None)
        while len(self._workers) < min(self.max_workers, busy + queued):
            worker = _Worker(self.limits)
            self._workers.append(worker)
            self._selector.register(worker.proc.stdout, selectors.EVENT_READ, worker)
            self.started += 1

    def _send(self, worker: _Worker, queue: deque[CompileRequest]) -> None:
        request = queue.popleft()
        try:
            worker.send(request)
        except OSError:  # the worker died while idle: not the request's fault
            worker.request = None
            queue.appendleft(request)
            self._remove(worker)

    def _wait(self) -> list[tuple[CompileRequest, CompileReply]]:
        if not self._workers:
            return []
        timeout = max(0.0, min(w.deadline for w in self._workers) - time.monotonic())
        finished = []
        for key, _ in self._selector.select(timeout):
            finished += self._on_readable(key.data)
        now = time.monotonic()
        for worker in [w for w in self._workers if now >= w.deadline]:
            finished += self._on_deadline(worker)
        return finished

    def _on_readable(self, worker: _Worker) -> list[tuple[CompileRequest, CompileReply]]:
        try:
            message = read_message(worker.proc.stdout)
        except (OSError, ValueError) as err:
            log.warning("compile worker %d sent a bad message: %s", worker.proc.pid, err)
            message = None
        if message is None:
            return self._on_death(worker)
        if message.get("ready"):
            worker.ready, worker.deadline = True, float("inf")
            return []
        if "unavailable" in message:
            self._broken = str(message["unavailable"])
            self._remove(worker)
            return []
        request, worker.request, worker.deadline = worker.request, None, float("inf")
        if request is None:
            return []  # nothing was asked: ignore
        return [(request, _reply(message))]

    def _on_death(self, worker: _Worker) -> list[tuple[CompileRequest, CompileReply]]:
        request = worker.request
        self._remove(worker)
        text = worker.last_log
        if request is None:
            self._start_failed(worker, text)
            return []
        return [(request, worker.death(text))]

    def _on_deadline(self, worker: _Worker) -> list[tuple[CompileRequest, CompileReply]]:
        request = worker.request
        self._remove(worker)
        if request is None:
            self._start_failed(worker, f"not ready within {_STARTUP_S:g} s\n{worker.last_log}")
            return []
        log.warning("compile of %s ran past %g s: worker %d stopped", request.name,
                    self.limits.deadline_s, worker.proc.pid)
        return [(request, CompileReply(timeout=True, log=worker.last_log,
                                       seconds=time.monotonic() - worker.sent))]

    def _start_failed(self, worker: _Worker, text: str) -> None:
        self._failed_starts += 1
        log.warning("compile worker %d failed to start: %s", worker.proc.pid, text.strip())
        if self._failed_starts >= _MAX_FAILED_STARTS:
            lines = text.strip().splitlines() or ["nothing"]
            self._broken = (f"{self._failed_starts} compile workers failed to start (status "
                            f"{worker.proc.returncode}); the last said: {lines[-1]}")

    def _remove(self, worker: _Worker) -> None:
        self._selector.unregister(worker.proc.stdout)
        self._workers.remove(worker)
        worker.last_log = worker.log_tail()
        worker.stop()


def _reply(message: dict) -> CompileReply:
    seconds = float(message.get("seconds", 0.0))
    if "spirv" in message:
        return CompileReply(spirv=base64.b64decode(message["spirv"]), seconds=seconds)
    return CompileReply(failed=str(message.get("failed", "compile")),
                        log=str(message.get("log", "")), seconds=seconds)
