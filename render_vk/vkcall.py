"""The one place where the ``vulkan`` binding's bare exception classes become ``VulkanError``.

The binding raises classes such as ``VkErrorOutOfDeviceMemory`` (and even ``VkTimeout`` /
``VkNotReady`` for non-error results) without a message; ``vk_errors`` re-raises them with the
operation and the sizes involved.
"""
from __future__ import annotations

from contextlib import contextmanager

import vulkan as vk

from .errors import VulkanError

_BINDING_ERRORS = tuple(
    obj for name, obj in vars(vk).items()
    if isinstance(obj, type) and issubclass(obj, Exception) and name.startswith("Vk"))


@contextmanager
def vk_errors(operation: str, **context):
    """Wrap binding exceptions raised in the block as ``VulkanError(operation, result)``."""
    try:
        yield
    except _BINDING_ERRORS as err:
        raise VulkanError(operation, type(err).__name__, **context) from err
