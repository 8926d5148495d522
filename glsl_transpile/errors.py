"""Errors raised by glsl_transpile: one base class, one subclass per failure a user can act on.

``str(err)`` names the program and, where known, the line in the user's own code, on one line.
The full compiler log stays on the exception object (``err.log``).
"""
from __future__ import annotations


class TranspileError(Exception):
    """Base class of every error this package raises on purpose."""


class ShaderSourceError(TranspileError):
    """A program file or record cannot be read (empty, binary, not UTF-8, malformed JSON...)."""

    def __init__(self, source: str, message: str):
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}")


class UnsupportedShaderError(TranspileError):
    """A program uses a feature this tool does not render (multipass, sound pass, #include...)."""

    def __init__(self, shader: str, message: str, line: int | None = None):
        self.shader = shader
        self.line = line
        self.message = message
        where = f"{shader}:{line}" if line else shader
        super().__init__(f"{where}: unsupported: {message}")


class ShaderCompileError(TranspileError):
    """glslang rejected the kernel; ``line`` is in the user's original code (None if in our prelude)."""

    def __init__(self, shader: str, line: int | None, message: str, log: str = ""):
        self.shader = shader
        self.line = line
        self.message = message
        self.log = log
        where = f"{shader}:{line}" if line is not None else f"{shader} (generated code)"
        super().__init__(f"{where}: {message}")


class CompilerUnavailableError(TranspileError):
    """The glslang shared library could not be found or loaded."""


class GeneratorError(TranspileError):
    """The program generator's building blocks are inconsistent (a block file names a parameter
    its function does not take, or needs a block that does not exist)."""

    def __init__(self, block: str, message: str):
        self.block = block
        self.message = message
        super().__init__(f"synth block {block}: {message}")
