"""render_vk: every Vulkan object of the project.

Owns device choice, buffers, pipelines, batched dispatch, the hand-off to torch, time sampling,
MixUp/CutMix, and the render-to-disk and benchmark command lines. Must not know about training.
Public surface: ``Renderer`` (``load``, ``render``, ``submit``, ``status``, ``close``),
``RendererConfig``, ``RenderRequest``, the result types ``PendingRender``, ``ProgramStatus``,
``RendererStatus``, and the error classes.
"""
from .config import RendererConfig, RenderRequest
from .errors import (DeviceNotFoundError, ProgramFailedError, RenderConsistencyError,
                     RenderError, RenderTimeoutError, VulkanError)

_LAZY = {"Renderer": "renderer", "RendererStatus": "renderer", "PendingRender": "pending",
         "ProgramStatus": "programs"}


def __getattr__(name):  # these import torch and vulkan: load them only when asked for
    if name in _LAZY:
        from importlib import import_module
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)


__all__ = ["DeviceNotFoundError", "PendingRender", "ProgramFailedError", "ProgramStatus",
           "RenderConsistencyError", "RenderError", "RenderRequest", "RenderTimeoutError",
           "Renderer", "RendererConfig", "RendererStatus", "VulkanError"]
