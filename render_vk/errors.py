"""Errors raised by render_vk: one base class, one subclass per failure a user can act on."""
from __future__ import annotations


class RenderError(Exception):
    """Base class of every error this package raises on purpose."""


class VulkanError(RenderError):
    """A Vulkan call failed; names the operation, the result and the sizes involved."""

    def __init__(self, operation: str, result: str, **context):
        self.operation = operation
        self.result = result
        self.context = context
        extra = ", ".join(f"{k}={v}" for k, v in context.items())
        super().__init__(f"{operation} failed: {result}" + (f" ({extra})" if extra else ""))


class DeviceNotFoundError(RenderError):
    """No Vulkan device matches the request; the message lists the devices that exist."""


class ProgramFailedError(RenderError):
    """Programs of a request failed while it rendered (too slow, loop cap, a pipeline the
    driver rejected): they are now marked so (``Renderer.program(i).status``) and the request's
    images are not returned; rendering the others again works."""

    def __init__(self, programs: list[str], message: str):
        self.programs = list(programs)
        super().__init__(message)


class RenderTimeoutError(ProgramFailedError):
    """A program ran past its time budget (or hung the device) and was stopped."""

    def __init__(self, shader: str, seconds: float, programs: list[str] | None = None):
        self.shader = shader
        self.seconds = seconds
        super().__init__(programs if programs is not None else [shader],
                         f"{shader}: rendering took longer than {seconds:.1f} s and was stopped")


class RenderConsistencyError(RenderError):
    """A fixed sample re-rendered differently: the device returned corrupt results."""
