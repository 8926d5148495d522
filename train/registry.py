"""Named choices: `choose(registry, name, key=...)` looks a config string up in a dict registry
with a helpful miss (the project's one registry helper, from the shared config plumbing)."""

from __future__ import annotations

from glsl_transpile.plumbing.config import choose

__all__ = ["choose"]
