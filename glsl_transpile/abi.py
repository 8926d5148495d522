"""The kernel ABI: the one place that says what every compute kernel and the renderer agree on.

A kernel (``kernel.py``) is generated with the declarations below, and the renderer
(``render_vk``) packs records, push constants and workgroup counts from the same tables, so the
two sides cannot drift apart. ``tests/glsl_transpile/test_abi.py`` checks the member offsets of a
compiled kernel against ``FRAME_DTYPE``.

- **Workgroup**: ``LOCAL_SIZE`` invocations covering a ``TILE`` of pixels as 2x2 quads (see
  ``templates/compute_main.glsl``); a dispatch is ``ceil(W / TILE_X) x ceil(H / TILE_Y) x
  samples`` workgroups.
- **Binding 0**, ``_kFrames[]``: one ``_KFrame`` record per sample (std430, ``FRAME_BYTES``).
- **Binding 1**, ``_kPixels[]``: RGBA8 words, images stored top-down, image-major (N, H, W).
- **Binding 2**, ``_kParams[]``: float parameters; a kernel that declares parameters reads
  sample s's vector at ``_kParams[_kFrames[s]._kParamBase + i]`` (programs whose constants are
  latent variables: one kernel renders any parameter vector).
- **Push constants** (``PUSH_BYTES``): width, height, first record of the dispatch, first
  output image of the dispatch (a buffer pass's kernel: the word of ``_kPixels`` it sets to 1
  when one of its invocations ran into the loop cap, see below).
- **Set 1** (``CHANNELS_SET``), the same layout for every kernel: bindings 0..3
  (``CHANNEL_BINDINGS``) are the channels as combined image samplers, declared ``sampler2D``,
  ``samplerCube`` or ``sampler3D`` as the program's channel is (``channel_declaration``;
  TwiGL's ``b``/``backbuffer`` is binding 0, ``b1`` binding 1); an unbound channel is a 1x1
  texture of that kind reading (0, 0, 0, 1). Binding 4 (``BUFFER_OUT_BINDING``) is the rgba32f
  storage image a buffer pass of a multi-pass program writes (pixel (x, y) at fragCoord
  (x + 0.5, y + 0.5): row 0 at the bottom, as an OpenGL framebuffer); other kernels declare it
  without using it, so their sets may leave it unwritten.
- **Alpha byte** of a stored pixel: 255, or ``LOOP_CAPPED_ALPHA`` where the pixel's invocation
  ran into the loop-iteration cap of CPU drivers (``LOOP_CAP``, counted as ``loop_ticks``
  says); consumers see only RGB, the renderer reads the flag (``render_vk.watchdog``).

Pure: numpy and strings, no device.
"""
from __future__ import annotations

import struct

import numpy as np

TILE = (8, 8)          # pixels per workgroup in x and y
LOCAL_SIZE = TILE[0] * TILE[1]

FRAMES_BINDING, PIXELS_BINDING, PARAMS_BINDING = 0, 1, 2
BINDINGS = (FRAMES_BINDING, PIXELS_BINDING, PARAMS_BINDING)
CHANNELS_SET = 1
CHANNEL_BINDINGS = (0, 1, 2, 3)
BUFFER_OUT_BINDING = 4
SAMPLER_TYPES = {"2d": "sampler2D", "cube": "samplerCube", "3d": "sampler3D"}

# (GLSL member, GLSL type, numpy field, numpy type) in declaration order; std430 with vec4s first
# and then scalars, so numpy's packed layout is the std430 layout.
FRAME_FIELDS = (
    ("_kMouse", "vec4", "mouse", ("<f4", 4)),
    ("_kDate", "vec4", "date", ("<f4", 4)),
    ("_kChannelTime", "vec4", "channel_time", ("<f4", 4)),
    ("_kTime", "float", "time", "<f4"),
    ("_kTimeDelta", "float", "time_delta", "<f4"),
    ("_kFrameRate", "float", "frame_rate", "<f4"),
    ("_kSampleRate", "float", "sample_rate", "<f4"),
    ("_kFrame", "int", "frame", "<i4"),
    ("_kSound", "float", "sound", "<f4"),
    ("_kOutIndex", "uint", "out_index", "<u4"),   # output image, relative to _kImageBase
    ("_kParamBase", "uint", "param_base", "<u4"),  # first entry of this sample's parameters
)
FRAME_DTYPE = np.dtype([(field, dtype if isinstance(dtype, str) else dtype)
                        for _, _, field, dtype in FRAME_FIELDS])
FRAME_BYTES = FRAME_DTYPE.itemsize

PUSH_FIELDS = (("_kWidth", "uint"), ("_kHeight", "uint"), ("_kFrameBase", "uint"),
               ("_kImageBase", "uint"))
PUSH_BYTES = 4 * len(PUSH_FIELDS)
_PUSH_STRUCT = struct.Struct("<" + "I" * len(PUSH_FIELDS))

OPAQUE_ALPHA = 255
LOOP_CAPPED_ALPHA = 254
LOOP_CAP = 65535  # Mesa's llvmpipe/lavapipe stop a loop after this many iterations in total


def pack_push(width: int, height: int, frame_base: int, image_base: int) -> bytes:
    """The push-constant block of one dispatch (``PUSH_BYTES`` little-endian bytes)."""
    return _PUSH_STRUCT.pack(width, height, frame_base, image_base)


def workgroups(width: int, height: int, samples: int) -> tuple[int, int, int]:
    """Workgroup counts (x, y, z) of a dispatch rendering ``samples`` images of W x H."""
    tx, ty = TILE
    return (-(-width // tx), -(-height // ty), samples)


def channel_layout(binding: int) -> str:
    """The layout qualifier of channel ``binding`` (set 1)."""
    return f"layout(set = {CHANNELS_SET}, binding = {binding})"


def channel_declaration(binding: int, kind: str, name: str) -> str:
    """The declaration of channel ``binding`` as a sampler of ``kind`` ("2d", "cube", "3d")."""
    return f"{channel_layout(binding)} uniform {SAMPLER_TYPES[kind]} {name};"


def glsl_declarations() -> str:
    """The GLSL text that declares the ABI (local size, record struct, buffers, push block)."""
    members = "\n".join(f"    {glsl_type} {name};" for name, glsl_type, _, _ in FRAME_FIELDS)
    push = "\n".join(f"    {glsl_type} {name};" for name, glsl_type in PUSH_FIELDS)
    return f"""layout(local_size_x = {LOCAL_SIZE}, local_size_y = 1, local_size_z = 1) in;
#define _K_TILE_X {TILE[0]}u
#define _K_TILE_Y {TILE[1]}u
#define _K_LOOP_CAP {LOOP_CAP}u
#define _K_OPAQUE_ALPHA {OPAQUE_ALPHA}u
#define _K_LOOP_CAPPED_ALPHA {LOOP_CAPPED_ALPHA}u
// Per-sample uniforms: one record per grid layer (gl_WorkGroupID.z), {FRAME_BYTES} bytes, std430.
struct _KFrame {{
{members}
}};
layout(std430, set = 0, binding = {FRAMES_BINDING}) readonly buffer _KFrameBlock {{ _KFrame _kFrames[]; }};
// Output: one RGBA8 word per pixel, images stored top-down, image-major: (N, H, W).
layout(std430, set = 0, binding = {PIXELS_BINDING}) writeonly buffer _KImageBlock {{ uint _kPixels[]; }};
// Latent parameters of programs that declare them (see glsl_transpile.abi).
layout(std430, set = 0, binding = {PARAMS_BINDING}) readonly buffer _KParamBlock {{ float _kParams[]; }};
layout(push_constant) uniform _KPush {{
{push}
}} _kPush;
// The buffer a pass of a multi-pass program renders (set 1; unused by other kernels).
layout(set = {CHANNELS_SET}, binding = {BUFFER_OUT_BINDING}, rgba32f) uniform writeonly image2D _kBufferOut;"""
