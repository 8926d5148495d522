"""What compiling one program may take, and what its kernel may use: ``CompileLimits`` and the
static checks that turn a program over a limit into a clear ``UnsupportedShaderError``.

- Sandbox limits (enforced by ``sandbox.CompilePool`` on its worker processes): a wall-clock
  deadline per program, the address space of a worker, the stack of the compiling thread.
- Static limits, checked without running anything: the size of the program's text (before it
  is transpiled), and, from the compiled module (``spirv_resources``), the private memory per
  invocation (globals and locals: each invocation of a kernel has its own copy of both), the
  workgroup (shared) memory, and the element count of any one array.

Why these numbers: real programs (Shadertoy, TwiGL, Shaders-21k) stay far below them, while
the hostile ones show what happens above. Measured here on lavapipe (Mesa 22.3), which turns
dynamic indexing of a private array into branch ladders: ``float a[1024]`` adds about 3 s to
the first dispatch, ``float a[16384]`` about 60 s, and ``float a[4000000]`` takes tens of GB;
glslang recurses once per operand of a long expression (30,000 terms overflow an 8 MiB stack,
100,000 need about 200 MiB); 10,000 chained functions take about a minute to compile.

Pure: strings and bytes in, exceptions out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UnsupportedShaderError
from .sources import MAX_CODE_BYTES, source_bytes
from .spirv_resources import SpirvFormatError, module_variables

_USER_PART_RE = re.compile(r"^#line 1 1\n(.*?)^#line 1 2$", re.M | re.S)


@dataclass(frozen=True)
class CompileLimits:
    """Every limit on compiling one program (see the module doc for the reasons)."""

    deadline_s: float = 30.0              # wall clock per compile; then the worker is killed
    memory_bytes: int = 2 << 30           # address space of a compile worker (RLIMIT_AS)
    stack_bytes: int = 256 << 20          # stack of the thread that runs glslang
    max_source_bytes: int = MAX_CODE_BYTES  # code plus Common pass, UTF-8 (loading refuses
                                            # more than MAX_CODE_BYTES before any parsing)
    max_private_bytes: int = 64 << 10     # private + function memory of one invocation
    max_shared_bytes: int = 16 << 10      # workgroup memory (Vulkan guarantees 16 KiB)
    max_array_elements: int = 4096        # elements of any one array (nested: multiplied)

    def __post_init__(self):
        for name in ("deadline_s", "memory_bytes", "stack_bytes", "max_source_bytes",
                     "max_private_bytes", "max_shared_bytes", "max_array_elements"):
            if not getattr(self, name) > 0:
                raise ValueError(f"CompileLimits.{name} must be positive")


def check_source(src, limits: CompileLimits) -> None:
    """Refuse a program whose text is over ``max_source_bytes`` (before any transpiling).

    Raises:
        UnsupportedShaderError: naming the size and the limit.
    """
    size = source_bytes(src.code, src.common)
    if size > limits.max_source_bytes:
        raise UnsupportedShaderError(src.name, f"source is {size} bytes, over the limit of "
                                               f"{limits.max_source_bytes}")


def check_kernel_resources(src, kernel_glsl: str, spirv: bytes, limits: CompileLimits) -> None:
    """Refuse a compiled kernel whose variables are over the memory or array limits.

    Args:
        src: the program (for its name).
        kernel_glsl: the kernel text ``spirv`` was compiled from (to find the user's line).
        spirv: the compiled module.
    Raises:
        UnsupportedShaderError: naming the variable, its line in the user's code where it can
            be found, its size and the limit.
    """
    try:
        variables = module_variables(spirv)
    except SpirvFormatError as err:
        raise UnsupportedShaderError(src.name, f"compiled module unreadable: {err}") from err
    for v in variables:
        if v.array_elements > limits.max_array_elements:
            raise _over(src, kernel_glsl, v.name, f"array of {v.array_elements} elements, over "
                        f"the limit of {limits.max_array_elements}")
    private = [v for v in variables if v.storage in ("private", "function")]
    shared = [v for v in variables if v.storage == "workgroup"]
    for group, limit, what in ((private, limits.max_private_bytes, "private"),
                               (shared, limits.max_shared_bytes, "shared")):
        total = sum(v.size_bytes for v in group)
        if total > limit:
            largest = max(group, key=lambda v: v.size_bytes)
            raise _over(src, kernel_glsl, largest.name,
                        f"{total} bytes of {what} memory per invocation, over the limit of "
                        f"{limit} ({largest.name or 'a temporary'}: {largest.size_bytes} bytes)")


def _over(src, kernel_glsl: str, variable: str, message: str) -> UnsupportedShaderError:
    return UnsupportedShaderError(src.name, message, line=declaration_line(kernel_glsl, variable))


def declaration_line(kernel_glsl: str, variable: str) -> int | None:
    """The user's line declaring array ``variable`` in a kernel's user part (``#line 1 1``),
    or None (a temporary of the compiler, or declared elsewhere)."""
    part = _USER_PART_RE.search(kernel_glsl)
    if not variable or part is None:
        return None
    name = re.escape(variable)
    found = re.search(rf"\b{name}\s*\[|\]\s*{name}\b", part.group(1))
    return part.group(1).count("\n", 0, found.start()) + 1 if found else None
