"""The status vocabulary of a program's outcome, shared by glsl_transpile and render_vk.

One word per outcome, written into reports (``report.json``) and compared by callers; every
module that records an outcome uses these constants rather than its own strings.

- ``ok``: compiled (and, in render_vk, rendered) normally;
- ``load_error``: the file or record could not be read (``ShaderSourceError``);
- ``unsupported``: a feature this tool does not render, or over a static limit
  (``UnsupportedShaderError``);
- ``compile_error``: glslang rejected the kernel (``ShaderCompileError``);
- ``timeout``: compiling (or, in render_vk, rendering) ran past its deadline;
- ``crash``: the compiler process died (signal, out of memory), or a driver call failed;
- ``loop_capped``: rendered, but some pixel ran into the loop-iteration cap of CPU drivers
  (``abi.LOOP_CAP``), so its image is not what the program means;
- ``beyond_frame_cap``: a multi-pass program was asked for a time whose frame is beyond the
  frames a simulation may run (``render_vk.RendererConfig.max_frames``).

Pure: no imports beyond the standard library.
"""
from __future__ import annotations

OK = "ok"
LOAD_ERROR = "load_error"
UNSUPPORTED = "unsupported"
COMPILE_ERROR = "compile_error"
TIMEOUT = "timeout"
CRASH = "crash"
LOOP_CAPPED = "loop_capped"
BEYOND_FRAME_CAP = "beyond_frame_cap"

STATUSES = (OK, LOAD_ERROR, UNSUPPORTED, COMPILE_ERROR, TIMEOUT, CRASH, LOOP_CAPPED,
            BEYOND_FRAME_CAP)


def status_of(error: BaseException | None) -> str:
    """The status word of an outcome: ``ok`` for no error, else the error class's ``status``
    (every ``TranspileError`` subclass names its own; anything else counts as a crash)."""
    if error is None:
        return OK
    return getattr(type(error), "status", CRASH)
