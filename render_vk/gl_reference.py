"""The fragment-shader reference: an OpenGL draw of the program as its web platform runs it.

Used by the tests (a kernel must match it) and by the benchmark (the paper's approach: one draw
plus one synchronising read-back per image). OpenGL comes from moderngl over EGL (on a machine
without a GPU: Mesa llvmpipe). Locals are zero-initialised as in WebGL (Mesa's
``glsl_zero_init``, set before the context is created).
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

import numpy as np

from glsl_transpile.fragment import FragmentProgram

from .errors import RenderError

log = logging.getLogger(__name__)

# the vertex stage must use the fragment stage's language version
_VERTEX = {
    "300 es": "#version 300 es\nin vec2 position;\n"
              "void main() { gl_Position = vec4(position, 0.0, 1.0); }\n",
    "100": "#version 100\nattribute vec2 position;\n"
           "void main() { gl_Position = vec4(position, 0.0, 1.0); }\n",
}


def _vertex_for(fragment_source: str) -> str:
    m = re.search(r"^\s*#\s*version\s+(\d+(?:\s+es)?)", fragment_source, re.M)
    version = re.sub(r"\s+", " ", m.group(1)) if m else "100"
    return _VERTEX.get(version, f"#version {version}\nin vec2 position;\n"
                                "void main() { gl_Position = vec4(position, 0.0, 1.0); }\n")


class ReferenceCompileError(RenderError):
    """The platform's fragment shader does not compile in OpenGL (the browser would refuse it)."""

    def __init__(self, shader: str, log_text: str):
        self.shader = shader
        self.log = log_text
        first = next((ln for ln in log_text.splitlines() if "error" in ln.lower()), log_text[:200])
        super().__init__(f"{shader}: OpenGL reference does not compile: {first.strip()}")


@dataclass(frozen=True)
class FrameInputs:
    """Uniform values of one sample (docs/DESIGN.md's contract)."""

    time: float
    frame: int = 0
    fps: float = 4.0
    date: tuple[float, float, float, float] = (2021.0, 10.0, 3.0, 0.0)
    params: tuple[float, ...] | None = None  # theta, for a program whose theta is a uniform


class GLReference:
    """An EGL context drawing fragment programs into an RGBA8 framebuffer.

    Use as a context manager; ``render`` returns images ``(N, H, W, 3) uint8`` top-down.
    """

    def __init__(self):
        os.environ.setdefault("glsl_zero_init", "true")
        import moderngl

        self._moderngl = moderngl
        self.ctx = moderngl.create_context(standalone=True, backend="egl")
        self.device_name = self.ctx.info.get("GL_RENDERER", "unknown")
        quad = np.array([-1, -1, 1, -1, -1, 1, 1, 1], dtype="f4")
        self._vbo = self.ctx.buffer(quad.tobytes())
        self._fbo = None
        self._size = None

    def __enter__(self) -> "GLReference":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self.ctx:
            if self._fbo is not None:
                self._fbo.release()
            self._vbo.release()
        self.ctx.release()

    def _framebuffer(self, width: int, height: int):
        if self._size != (width, height):
            if self._fbo is not None:
                self._fbo.release()
            self._fbo = self.ctx.simple_framebuffer((width, height), components=4)
            self._size = (width, height)
        return self._fbo

    def program(self, frag: FragmentProgram):
        """A linked GL program for ``frag`` (raises ``ReferenceCompileError``)."""
        try:
            prog = self.ctx.program(vertex_shader=_vertex_for(frag.source), fragment_shader=frag.source)
        except self._moderngl.Error as err:
            raise ReferenceCompileError(frag.name, str(err)) from err
        vao = self.ctx.vertex_array(prog, [(self._vbo, "2f", "position")])
        return prog, vao

    def render(self, frag: FragmentProgram, frames: list[FrameInputs], width: int,
               height: int) -> np.ndarray:
        """Draw ``frag`` once per sample and read each image back: ``(N, H, W, 3) uint8``.

        The context is made current for the call (and the previous one restored), so several
        references can live in one process."""
        with self.ctx:
            prog, vao = self.program(frag)
            fbo = self._framebuffer(width, height)
            out = np.empty((len(frames), height, width, 3), dtype=np.uint8)
            try:
                for i, fr in enumerate(frames):
                    self._set_uniforms(prog, frag, fr, width, height)
                    fbo.use()
                    fbo.clear(0.0, 0.0, 0.0, 1.0)
                    vao.render(self._moderngl.TRIANGLE_STRIP)
                    rgba = np.frombuffer(fbo.read(components=4), dtype=np.uint8)
                    out[i] = rgba.reshape(height, width, 4)[::-1, :, :3]
            finally:
                vao.release()
                prog.release()
        return out

    @staticmethod
    def _set_uniforms(prog, frag: FragmentProgram, fr: FrameInputs, width: int,
                      height: int) -> None:
        values = {
            frag.time: fr.time,
            frag.frame: int(fr.frame) if frag.frame_is_int else float(fr.frame),
        }
        if frag.resolution == "iResolution":
            values.update({"iResolution": (float(width), float(height), 1.0),
                           "iMouse": (0.0, 0.0, 0.0, 0.0), "iDate": fr.date,
                           "iTimeDelta": 1.0 / fr.fps, "iFrameRate": fr.fps,
                           "iSampleRate": 44100.0})
        else:
            values.update({frag.resolution: (float(width), float(height)),
                           frag.mouse: (0.0, 0.0)})
        if frag.params and fr.params is not None and frag.params in prog:
            prog[frag.params].write(np.asarray(fr.params, dtype="f4").tobytes())
        for name, value in values.items():
            if name in prog:
                prog[name].value = value
