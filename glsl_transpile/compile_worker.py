"""A compile worker: one process that runs glslang on the kernels ``sandbox.CompilePool`` sends.

``python -m glsl_transpile.compile_worker --memory-bytes N --stack-bytes S --cpu-seconds C``

glslang runs in process and can die on hostile input (a stack overflow on a long expression is
a SIGSEGV, an allocation failure an abort), so it runs here and not in the caller: the worker
limits its own address space (``RLIMIT_AS``), never dumps core, compiles on a thread with a
stack of exactly ``S`` bytes (so deep recursion either fits or ends in a clean crash of this
process alone), and limits each request's CPU time (``RLIMIT_CPU``), so that a worker whose
parent died cannot run forever.

Protocol (``sandbox.write_message``/``read_message``): messages are a 4-byte big-endian length
and a UTF-8 JSON object. The worker reads requests ``{"glsl": str}`` on stdin and writes on its
original stdout (fd 1 is then pointed at stderr, so that stray output cannot corrupt the
stream): first ``{"ready": true}`` (or ``{"unavailable": message}``), then one reply per
request: ``{"spirv": base64, "seconds": float}`` or ``{"failed": stage, "log": str}``.
"""
from __future__ import annotations

import argparse
import base64
import os
import resource
import sys
import threading
import time
from typing import BinaryIO

from .compiler import CompileFailed, compile_glsl
from .errors import CompilerUnavailableError
from .sandbox import read_message, write_message

_WARM_UP = "#version 450\nlayout(local_size_x = 1) in;\nvoid main() {}\n"


def compile_reply(glsl: str) -> dict:
    """The reply to one request: the module or glslang's failure."""
    start = time.perf_counter()
    try:
        spirv = compile_glsl(glsl)
    except CompileFailed as err:
        return {"failed": err.stage, "log": err.log}
    return {"spirv": base64.b64encode(spirv).decode("ascii"),
            "seconds": time.perf_counter() - start}


def _serve(requests: BinaryIO, replies: BinaryIO, cpu_seconds: int) -> None:
    try:
        compile_glsl(_WARM_UP)  # loads glslang and builds its symbol tables once
    except CompilerUnavailableError as err:
        write_message(replies, {"unavailable": str(err)})
        return
    write_message(replies, {"ready": True})
    while (request := read_message(requests)) is not None:
        _limit_cpu(cpu_seconds)
        write_message(replies, compile_reply(request["glsl"]))


def _limit_cpu(seconds: int) -> None:
    """At most ``seconds`` more CPU time for this request (SIGXCPU ends the process)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(usage.ru_utime + usage.ru_stime) + seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY
                                             else min(soft, hard), hard))


def _limit_memory(memory_bytes: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m glsl_transpile.compile_worker")
    ap.add_argument("--memory-bytes", type=int, required=True)
    ap.add_argument("--stack-bytes", type=int, required=True)
    ap.add_argument("--cpu-seconds", type=int, required=True)
    args = ap.parse_args(argv)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _limit_memory(args.memory_bytes)
    threading.stack_size(args.stack_bytes)
    failed: list[BaseException] = []  # the thread's traceback goes to stderr, the parent's log

    def serve() -> None:
        try:
            _serve(sys.stdin.buffer, replies, args.cpu_seconds)
        except BaseException as err:
            failed.append(err)
            raise

    thread = threading.Thread(target=serve, name="glslang")
    thread.start()
    thread.join()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
