"""render_vk: every Vulkan object of the project.

Owns device choice, buffers, pipelines, batched dispatch, the hand-off to torch, time sampling,
MixUp/CutMix, and the render-to-disk and benchmark command lines. Must not know about training.
Public surface: ``Renderer``, ``RendererConfig``, ``RenderRequest`` and the error classes.
"""
from .errors import (DeviceNotFoundError, RenderConsistencyError, RenderError,
                     RenderTimeoutError, VulkanError)


def __getattr__(name):  # the renderer imports torch: load it only when asked for
    if name in ("Renderer", "RendererConfig", "RenderRequest", "ProgramState"):
        from . import renderer
        return getattr(renderer, name)
    raise AttributeError(name)


__all__ = ["DeviceNotFoundError", "ProgramState", "RenderConsistencyError", "RenderError", "RenderRequest",
           "RenderTimeoutError", "Renderer", "RendererConfig", "VulkanError"]
