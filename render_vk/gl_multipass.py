"""The OpenGL reference of programs with channel inputs or buffer passes: ping-pong float
framebuffers, the inputs' sampler settings and the same stand-in textures as the kernels
(``glsl_transpile.standins``), drawn with the platform's fragment shaders
(``glsl_transpile.fragment``) through ``GLReference``'s context.

A multi-pass program runs frames 0..K at 60 per second (docs/DESIGN.md, "Multi-pass
programs"): per frame each Buffer pass draws into the older texture of its RGBA32F pair, reading
each buffer's newest one (mip chains rebuilt where a reader asks for mipmap filtering), and at a
requested frame the Image pass draws into an RGBA8 framebuffer that is read back. A single-pass
program with inputs draws once per sample, as ``GLReference.render`` does, with its textures
bound. Used by the tests; slow and simple on purpose.
"""
from __future__ import annotations

import numpy as np

from glsl_transpile import to_fragment
from glsl_transpile.kernel import TWIGL_SAMPLERS
from glsl_transpile.media import BUFFER, CUBEMAP, KEYBOARD, STANDIN, VOLUME
from glsl_transpile.multipass import FPS, frame_of, plan
from glsl_transpile.sources import SHADERTOY, ShaderSource
from glsl_transpile.standins import keyboard_texels, mip_chain, texels

from .gl_reference import FrameInputs, GLReference

_SRGB8_ALPHA8 = 0x8C43
_CUBE_SEAMLESS = 0x884F
_UNBOUND_UNIT = 8  # units from here on are never bound: an incomplete texture, (0, 0, 0, 1)


class GLMultipass:
    """See the module doc. ``render(src, times, width, height)`` -> ``(N, H, W, 3) uint8``."""

    def __init__(self, gl: GLReference):
        self.gl = gl
        self.ctx = gl.ctx
        self._textures: dict[tuple, object] = {}

    def render(self, src: ShaderSource, times, width: int, height: int, *,
               fps: float = 4.0) -> np.ndarray:
        with self.ctx:
            self.ctx.enable_direct(_CUBE_SEAMLESS)
            passes = plan(src)
            programs = [(*self.gl.program(frag), frag)
                        for frag in (to_fragment(u.source) for u in passes.units)]
            try:
                if passes.multipass:
                    return self._simulate(passes, programs, list(times), width, height)
                frames = [FrameInputs(t, i, fps) for i, t in enumerate(times)]
                return np.stack([self._image(passes.units[-1], programs[-1], {}, fr, width,
                                             height) for fr in frames])
            finally:
                for prog, vao, _ in programs:
                    vao.release()
                    prog.release()

    def _simulate(self, passes, programs, times, width, height) -> np.ndarray:
        targets = [frame_of(t) for t in times]
        pairs = {b: [self._buffer(width, height) for _ in range(2)] for b in passes.buffers}
        out = np.empty((len(times), height, width, 3), dtype=np.uint8)
        try:
            for k in range(max(targets) + 1):
                frame = FrameInputs(k / FPS, k, float(FPS))
                newest = {b: pair[(k + 1) % 2][0] for b, pair in pairs.items()}
                for unit, program in zip(passes.units[:-1], programs[:-1]):
                    tex, fbo = pairs[unit.writes][k % 2]
                    self._draw(unit, program, newest, frame, fbo, width, height)
                    if unit.writes in passes.mipmapped:
                        tex.build_mipmaps()
                    newest[unit.writes] = tex
                for i in (i for i, t in enumerate(targets) if t == k):
                    out[i] = self._image(passes.units[-1], programs[-1], newest, frame, width,
                                         height)
        finally:
            for pair in pairs.values():
                for tex, fbo in pair:
                    fbo.release()
                    tex.release()
        return out

    def _buffer(self, width: int, height: int):
        tex = self.ctx.texture((width, height), 4, dtype="f4")
        fbo = self.ctx.framebuffer([tex])
        fbo.use()
        fbo.clear(0.0, 0.0, 0.0, 0.0)
        tex.build_mipmaps()
        return tex, fbo

    def _image(self, unit, program, newest: dict, frame: FrameInputs, width: int,
               height: int) -> np.ndarray:
        fbo = self.gl._framebuffer(width, height)
        fbo.use()
        fbo.clear(0.0, 0.0, 0.0, 1.0)
        self._draw(unit, program, newest, frame, fbo, width, height)
        rgba = np.frombuffer(fbo.read(components=4), dtype=np.uint8)
        return rgba.reshape(height, width, 4)[::-1, :, :3]

    def _draw(self, unit, program, newest: dict, frame: FrameInputs, fbo, width: int,
              height: int) -> None:
        prog, vao, frag = program
        GLReference._set_uniforms(prog, frag, frame, width, height)
        samplers, sizes = [], []
        for i, binding in enumerate(unit.bindings):
            bound, size = self._bind(binding, i, newest, width, height)
            samplers.extend(bound)
            sizes.append(size)
            for name in _sampler_names(unit.source, i):
                if name in prog:
                    prog[name].value = i if bound else _UNBOUND_UNIT + i
        if "iChannelResolution" in prog:  # GL may keep only the elements used; of one, it
            uniform = prog["iChannelResolution"]  # makes a plain vec3
            uniform.value = (sizes[0] if uniform.array_length == 1
                             else sizes[:uniform.array_length])
        fbo.use()
        vao.render(self.gl._moderngl.TRIANGLE_STRIP)
        for sampler in samplers:
            sampler.release()

    def _bind(self, binding, unit: int, newest: dict, width: int, height: int):
        """Bind channel ``unit``; returns (samplers to release, iChannelResolution)."""
        if binding.what == BUFFER:
            tex, size = newest[binding.buffer], (float(width), float(height), 1.0)
        elif binding.what in (STANDIN, KEYBOARD):
            tex, size = self._texture(binding)
        else:
            return [], (0.0, 0.0, 0.0)
        inp = binding.input
        wrap = inp.wrap == "repeat" and binding.view != "cube"
        sampler = self.ctx.sampler(repeat_x=wrap, repeat_y=wrap, repeat_z=wrap,
                                   filter=_filter(self.gl._moderngl, inp.filter), texture=tex)
        sampler.use(location=unit)
        return [sampler], size

    def _texture(self, binding):
        """The GL texture of a stand-in or the keyboard (made once) and its size."""
        inp, media = binding.input, binding.media
        key = ("keyboard",) if binding.what == KEYBOARD else (media.sha256, inp.vflip, inp.srgb)
        if key not in self._textures:
            self._textures[key] = self._upload(binding)
        return self._textures[key]

    def _upload(self, binding):
        ctx, media = self.ctx, binding.media
        if binding.what == KEYBOARD:
            data = keyboard_texels()
            return ctx.texture((256, 3), 1, data.tobytes()), (256.0, 3.0, 1.0)
        inp = binding.input
        level0 = texels(media, inp.vflip and media.kind not in (CUBEMAP, VOLUME))
        comps = level0.shape[-1]
        if media.kind == VOLUME:
            d, h, w = level0.shape[:3]
            tex = ctx.texture3d((w, h, d), comps, level0.tobytes())
            tex.build_mipmaps()  # moderngl uploads no 3-D levels: GL's own box filter
            return tex, (float(w), float(h), float(d))
        fmt = _SRGB8_ALPHA8 if inp.srgb and comps == 4 else None
        if media.kind == CUBEMAP:
            s = level0.shape[1]
            tex = ctx.texture_cube((s, s), comps, level0.tobytes(), internal_format=fmt)
            tex.build_mipmaps()  # moderngl uploads no cube levels: GL's own box filter
            return tex, (float(s), float(s), 1.0)
        h, w = level0.shape[:2]
        tex = ctx.texture((w, h), comps, level0.tobytes(), internal_format=fmt)
        tex.build_mipmaps()
        for level, data in enumerate(mip_chain(level0, 2)[1:], start=1):
            tex.write(data.tobytes(), level=level)
        return tex, (float(w), float(h), 1.0)

    def close(self) -> None:
        with self.ctx:
            for tex, _ in self._textures.values():
                tex.release()
        self._textures.clear()


def _sampler_names(src: ShaderSource, channel: int) -> list[str]:
    if src.kind == SHADERTOY:
        return [f"iChannel{channel}"]
    return [name for name, binding in TWIGL_SAMPLERS.items() if binding == channel]


def _filter(moderngl, name: str):
    return {"nearest": (moderngl.NEAREST, moderngl.NEAREST),
            "linear": (moderngl.LINEAR, moderngl.LINEAR),
            "mipmap": (moderngl.LINEAR_MIPMAP_LINEAR, moderngl.LINEAR)}[name]
