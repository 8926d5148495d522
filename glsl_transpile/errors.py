"""Errors raised by glsl_transpile: one base class, one subclass per failure a user can act on.

``str(err)`` names the program and, where known, the line in the user's own code, on one line.
The full compiler log stays on the exception object (``err.log``). Each class names the status
word (``status.py``) a report records for it.
"""
from __future__ import annotations

from . import status


class TranspileError(Exception):
    """Base class of every error this package raises on purpose."""

    status = status.CRASH


class ShaderSourceError(TranspileError):
    """A program file or record cannot be read (empty, binary, not UTF-8, malformed JSON...)."""

    status = status.LOAD_ERROR

    def __init__(self, source: str, message: str):
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}")


class UnsupportedShaderError(TranspileError):
    """A program uses a feature this tool does not render (multipass, sound pass, #include...)
    or more than a static limit allows (``limits.CompileLimits``)."""

    status = status.UNSUPPORTED

    def __init__(self, shader: str, message: str, line: int | None = None):
        self.shader = shader
        self.line = line
        self.message = message
        where = f"{shader}:{line}" if line else shader
        super().__init__(f"{where}: unsupported: {message}")


class ShaderCompileError(TranspileError):
    """glslang rejected the kernel; ``line`` is in the user's original code (None if in our prelude)."""

    status = status.COMPILE_ERROR

    def __init__(self, shader: str, line: int | None, message: str, log: str = ""):
        self.shader = shader
        self.line = line
        self.message = message
        self.log = log
        where = f"{shader}:{line}" if line is not None else f"{shader} (generated code)"
        super().__init__(f"{where}: {message}")


class CompileTimeoutError(TranspileError):
    """Compiling one program ran past its deadline; its compiler process was killed."""

    status = status.TIMEOUT

    def __init__(self, shader: str, seconds: float, log: str = ""):
        self.shader = shader
        self.seconds = seconds
        self.log = log
        super().__init__(f"{shader}: compile did not finish within {seconds:g} s (stopped)")


class CompilerCrashError(TranspileError):
    """The compiler process died on one program (a signal such as SIGSEGV from a stack
    overflow, or out of memory under its limit); ``log`` holds what it wrote before dying."""

    status = status.CRASH

    def __init__(self, shader: str, reason: str, log: str = ""):
        self.shader = shader
        self.reason = reason
        self.log = log
        super().__init__(f"{shader}: compiler crashed: {reason}")


class CompilerUnavailableError(TranspileError):
    """The glslang shared library could not be found or loaded."""


class OutputPathError(TranspileError):
    """An output path would resolve outside its output folder."""

    def __init__(self, root: str, path: str):
        self.root = root
        self.path = path
        super().__init__(f"{path}: resolves outside the output folder {root}")


class GeneratorError(TranspileError):
    """The program generator's building blocks are inconsistent (a block file names a parameter
    its function does not take, or needs a block that does not exist)."""

    def __init__(self, block: str, message: str):
        self.block = block
        self.message = message
        super().__init__(f"synth block {block}: {message}")
