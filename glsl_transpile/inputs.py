"""What a program's texture channels read: ``ChannelInput`` and ``BufferPass`` records, and how
Shadertoy's JSON spells them.

A Shadertoy pass has up to four inputs (``iChannel0..3``). Each names a type (``ctype`` in the
API export, ``type`` on the site: texture, cubemap, volume, buffer, keyboard, music,
musicstream, video, webcam, mic), a source (``src``/``filepath``: ``/media/a/<sha256>.<ext>``
for the site's own media, ``/media/previz/buffer0N.png`` for Buffer A-D) or an ``id``
(``257``-``260`` in the API export, ``4dXGR8``-style words on the site), and sampler settings
(``filter`` nearest/linear/mipmap, ``wrap`` clamp/repeat, ``vflip``, ``srgb``).
Pure: dicts in, frozen records out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

BUFFER_LETTERS = "ABCD"
# the site's ids of Buffer A-D, keyboard and Cube A; the API export numbers buffers 257-260
_SITE_BUFFER_IDS = {"4dXGR8": 0, "XsXGR8": 1, "4sXGR8": 2, "XdfGR8": 3}
_API_BUFFER_IDS = {257 + i: i for i in range(4)}
_BUFFER_SRC_RE = re.compile(r"buffer0([0-3])\.png$")
_MEDIA_RE = re.compile(r"/([0-9a-f]{64})(?:_\d)?\.[A-Za-z0-9]+$")
_BUFFER_NAME_RE = re.compile(r"^\s*buf(?:fer)?\s*([a-d])\s*$", re.I)

# Shadertoy input type -> how the channel is sampled
CHANNEL_KINDS = {"cubemap": "cube", "volume": "3d"}
FILTERS = ("nearest", "linear", "mipmap")
WRAPS = ("clamp", "repeat")


@dataclass(frozen=True)
class ChannelInput:
    """One ``iChannel`` of one pass.

    ``ctype``: Shadertoy's input type word (lower case); ``buffer``: 0..3 for Buffer A..D;
    ``media``: the SHA-256 (hex) naming one of the site's own textures, cubemaps or volumes;
    sampler settings as the JSON gives them (``vflip`` and ``srgb`` do not apply to buffers).
    """

    ctype: str
    buffer: int = -1
    media: str = ""
    filter: str = "mipmap"
    wrap: str = "repeat"
    vflip: bool = True
    srgb: bool = False

    @property
    def kind(self) -> str:
        """How the channel is declared: "2d" (sampler2D), "cube" or "3d"."""
        return CHANNEL_KINDS.get(self.ctype, "2d")


@dataclass(frozen=True)
class BufferPass:
    """A Shadertoy Buffer pass: its code (``mainImage``) and what its channels read.
    ``buffer`` (0..3) is the buffer it renders, Buffer A..D, which is also its place in a
    frame (A, B, C, D, then the Image pass)."""

    buffer: int
    code: str
    inputs: tuple[ChannelInput | None, ...] = (None, None, None, None)

    @property
    def name(self) -> str:
        return f"Buffer {BUFFER_LETTERS[self.buffer]}"


def _flag(value, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def _choice(value, valid: tuple[str, ...], default: str) -> str:
    return value.lower() if isinstance(value, str) and value.lower() in valid else default


def buffer_index(pass_obj: dict, order: int) -> int:
    """Which buffer (0..3) a Shadertoy buffer pass renders: from its name ("Buffer A",
    "Buf A"), else from its output id, else from its place among the buffer passes."""
    m = _BUFFER_NAME_RE.match(str(pass_obj.get("name") or ""))
    if m:
        return BUFFER_LETTERS.index(m.group(1).upper())
    outputs = pass_obj.get("outputs") if isinstance(pass_obj.get("outputs"), list) else []
    for out in (o for o in outputs if isinstance(o, dict)):
        index = _known_buffer_id(out.get("id"))
        if index is not None:
            return index
    return order


def _known_buffer_id(value) -> int | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int):
        return _API_BUFFER_IDS.get(value)
    return _SITE_BUFFER_IDS.get(value) if isinstance(value, str) else None


def output_ids(pass_obj: dict) -> list[str]:
    """The ids a pass's outputs carry (as strings), by which inputs may name it."""
    outputs = pass_obj.get("outputs") if isinstance(pass_obj.get("outputs"), list) else []
    return [str(o.get("id")) for o in outputs if isinstance(o, dict) and "id" in o]


def parse_input(obj: dict, buffers_by_id: dict[str, int]) -> ChannelInput:
    """The ``ChannelInput`` of one JSON input (either spelling); ``buffers_by_id`` maps the
    output ids of this program's buffer passes to their buffer index."""
    ctype = str(obj.get("ctype") or obj.get("type") or "texture").lower()
    src = str(obj.get("src") or obj.get("filepath") or "")
    sampler = obj.get("sampler") if isinstance(obj.get("sampler"), dict) else {}
    buffer = -1
    if ctype == "buffer":
        m = _BUFFER_SRC_RE.search(src)
        found = buffers_by_id.get(str(obj.get("id")))
        known = _known_buffer_id(obj.get("id"))
        buffer = int(m.group(1)) if m else found if found is not None else \
            known if known is not None else -1
    media = _MEDIA_RE.search(src)
    return ChannelInput(
        ctype=ctype, buffer=buffer, media=media.group(1) if media else "",
        filter=_choice(sampler.get("filter"), FILTERS, "mipmap"),
        wrap=_choice(sampler.get("wrap"), WRAPS, "repeat"),
        vflip=_flag(sampler.get("vflip"), True), srgb=_flag(sampler.get("srgb"), False))


def parse_inputs(pass_obj: dict, buffers_by_id: dict[str, int]
                 ) -> tuple[ChannelInput | None, ...]:
    """iChannel0..3 of a JSON pass (None where nothing is connected)."""
    channels: list[ChannelInput | None] = [None] * 4
    inputs = pass_obj.get("inputs") if isinstance(pass_obj.get("inputs"), list) else []
    for obj in (i for i in inputs if isinstance(i, dict)):
        ch = obj.get("channel")
        if isinstance(ch, int) and 0 <= ch < 4:
            channels[ch] = parse_input(obj, buffers_by_id)
    return tuple(channels)
