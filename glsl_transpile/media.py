"""Shadertoy's own media, and what each channel of a program is bound to here.

Shadertoy names its textures, cubemaps and volumes by the SHA-256 of their file
(``/media/a/<sha256>.png``). ``MEDIA`` lists the ones the site offers, with their kind, size
(as the site's media browser lists them) and channel count, and the stand-in this tool draws
in their place (``standins.py``): the noise textures and volumes become uniform random bytes of
the same size and channel count (programs use them as hash tables), the photos, cubemaps, the
font and the Bayer matrix get procedural pictures of the same size. Nothing of the originals is
stored or downloaded.

``bind`` decides, per channel, what a kernel and the OpenGL reference sample:

- ``standin``: one of ``MEDIA``; ``keyboard``: a 256x3 zero texture (no key pressed);
- ``buffer``: Buffer A..D of the same program (multi-pass programs);
- ``unbound``: nothing (empty channel, sound, music, video, webcam, microphone, a Cube A pass,
  an unknown hash): reads give (0, 0, 0, 1) and ``iChannelResolution`` is 0, as in OpenGL.

Pure: no files, no device.
"""
from __future__ import annotations

from dataclasses import dataclass

from .inputs import BUFFER_LETTERS, ChannelInput

TEXTURE, CUBEMAP, VOLUME = "texture", "cubemap", "volume"
STANDIN, KEYBOARD, BUFFER, UNBOUND = "standin", "keyboard", "buffer", "unbound"
KEYBOARD_SIZE = (256, 3)


@dataclass(frozen=True)
class Media:
    """One of Shadertoy's media files: ``kind`` texture/cubemap/volume, ``size`` (width,
    height[, depth]) of an image, a cube face or a volume, ``channels`` in the file, and the
    stand-in ``generator`` (``standins.GENERATORS``)."""

    sha256: str
    name: str
    kind: str
    size: tuple[int, ...]
    channels: int
    generator: str

    @property
    def seed(self) -> int:
        """The stand-in's seed: the integer of the hash's first 16 hex digits."""
        return int(self.sha256[:16], 16)


def _m(sha: str, name: str, kind: str, size: tuple[int, ...], channels: int,
       generator: str) -> tuple[str, Media]:
    return sha, Media(sha, name, kind, size, channels, generator)


MEDIA: dict[str, Media] = dict([
    _m("52d2a8f514c4fd2d9866587f4d7b2a5bfa1a11a0e772077d7682deb8b3b517e5",
       "Abstract 1", TEXTURE, (1024, 1024), 3, "photo"),
    _m("bd6464771e47eed832c5eb2cd85cdc0bfc697786b903bfd30f890f9d4fc36657",
       "Abstract 2", TEXTURE, (512, 512), 3, "photo"),
    _m("8979352a182bde7c3c651ba2b2f4e0615de819585cc37b7175bcefbca15a6683",
       "Abstract 3", TEXTURE, (1024, 1024), 3, "photo"),
    _m("85a6d68622b36995ccb98a89bbb119edf167c914660e4450d313de049320005c",
       "Bayer", TEXTURE, (8, 8), 1, "bayer"),
    _m("cb49c003b454385aa9975733aff4571c62182ccdda480aaba9a8d250014f00ec",
       "Blue Noise", TEXTURE, (1024, 1024), 4, "noise"),
    _m("08b42b43ae9d3c0605da11d0eac86618ea888e62cdd9518ee8b9097488b31560",
       "Font 1", TEXTURE, (1024, 1024), 4, "font"),
    _m("0c7bf5fe9462d5bffbd11126e82908e39be3ce56220d900f633d58fb432e56f5",
       "Gray Noise Medium", TEXTURE, (256, 256), 1, "noise"),
    _m("0a40562379b63dfb89227e6d172f39fdce9022cba76623f1054a2c83d6c0ba5d",
       "Gray Noise Small", TEXTURE, (64, 64), 1, "noise"),
    _m("fb918796edc3d2221218db0811e240e72e340350008338b0c07a52bd353666a6",
       "Lichen", TEXTURE, (1024, 1024), 3, "photo"),
    _m("8de3a3924cb95bd0e95a443fff0326c869f9d4979cd1d5b6e94e2a01f5be53e9",
       "London", TEXTURE, (512, 512), 3, "photo"),
    _m("cbcbb5a6cfb55c36f8f021fbb0e3f69ac96339a39fa85cd96f2017a2192821b5",
       "Nyancat", TEXTURE, (256, 32), 4, "photo"),
    _m("cd4c518bc6ef165c39d4405b347b51ba40f8d7a065ab0e8d2e4f422cbc1e8a43",
       "Organic 1", TEXTURE, (1024, 1024), 3, "photo"),
    _m("92d7758c402f0927011ca8d0a7e40251439fba3a1dac26f5b8b62026323501aa",
       "Organic 2", TEXTURE, (1024, 1024), 3, "photo"),
    _m("79520a3d3a0f4d3caa440802ef4362e99d54e12b1392973e4ea321840970a88a",
       "Organic 3", TEXTURE, (1024, 1024), 3, "photo"),
    _m("3871e838723dd6b166e490664eead8ec60aedd6b8d95bc8e2fe3f882f0fd90f0",
       "Organic 4", TEXTURE, (1024, 1024), 3, "photo"),
    _m("ad56fba948dfba9ae698198c109e71f118a54d209c0ea50d77ea546abad89c57",
       "Pebbles", TEXTURE, (512, 512), 1, "photo"),
    _m("f735bee5b64ef98879dc618b016ecf7939a5756040c2cde21ccb15e69a6e1cfb",
       "RGBA Noise Medium", TEXTURE, (256, 256), 4, "noise"),
    _m("3083c722c0c738cad0f468383167a0d246f91af2bfa373e9c5c094fb8c8413e0",
       "RGBA Noise Small", TEXTURE, (64, 64), 4, "noise"),
    _m("10eb4fe0ac8a7dc348a2cc282ca5df1759ab8bf680117e4047728100969e7b43",
       "Rock Tiles", TEXTURE, (512, 512), 3, "photo"),
    _m("95b90082f799f48677b4f206d856ad572f1d178c676269eac6347631d4447258",
       "Rusty Metal", TEXTURE, (512, 512), 3, "photo"),
    _m("e6e5631ce1237ae4c05b3563eda686400a401df4548d0f9fad40ecac1659c46c",
       "Stars", TEXTURE, (512, 512), 3, "photo"),
    _m("1f7dca9c22f324751f2a5a59c9b181dfe3b5564a04b724c657732d0bf09c99db",
       "Wood", TEXTURE, (1024, 1024), 1, "photo"),
    _m("94284d43be78f00eb6b298e6d78656a1b34e2b91b34940d02f1ca8b22310e8a0",
       "Forest", CUBEMAP, (256, 256), 3, "sky"),
    _m("0681c014f6c88c356cf9c0394ffe015acc94ec1474924855f45d22c3e70b5785",
       "Forest Blurred", CUBEMAP, (64, 64), 3, "sky"),
    _m("488bd40303a2e2b9a71987e48c66ef41f5e937174bf316d3ed0e86410784b919",
       "St Peters Basilica", CUBEMAP, (256, 256), 3, "sky"),
    _m("550a8cce1bf403869fde66dddf6028dd171f1852f4a704a465e1b80d23955663",
       "St Peters Basilica Blurred", CUBEMAP, (64, 64), 3, "sky"),
    _m("585f9546c092f53ded45332b343144396c0b2d70d9965f585ebc172080d8aa58",
       "Uffizi Gallery", CUBEMAP, (256, 256), 3, "sky"),
    _m("793a105653fbdadabdc1325ca08675e1ce48ae5f12e37973829c87bea4be3232",
       "Uffizi Gallery Blurred", CUBEMAP, (64, 64), 3, "sky"),
    _m("27012b4eadd0c3ce12498b867058e4f717ce79e10a99568cca461682d84a4b04",
       "Grey Noise3D", VOLUME, (32, 32, 32), 1, "noise"),
    _m("aea6b99da1d53055107966b59ac5444fc8bc7b3ce2d0bbb6a4a3cbae1d97f3aa",
       "RGBA Noise3D", VOLUME, (32, 32, 32), 4, "noise"),
])

# what ``--noise-channels`` binds to iChannel0..3 of raw code that has no JSON inputs
NOISE_CHANNELS = ("f735bee5b64ef98879dc618b016ecf7939a5756040c2cde21ccb15e69a6e1cfb",
                  "3083c722c0c738cad0f468383167a0d246f91af2bfa373e9c5c094fb8c8413e0",
                  "0c7bf5fe9462d5bffbd11126e82908e39be3ce56220d900f633d58fb432e56f5",
                  "0a40562379b63dfb89227e6d172f39fdce9022cba76623f1054a2c83d6c0ba5d")
_MEDIA_KIND = {TEXTURE: "texture", CUBEMAP: "cubemap", VOLUME: "volume"}


@dataclass(frozen=True)
class Binding:
    """What one channel samples: ``what`` standin/keyboard/buffer/unbound, the sampler kind
    ``view`` ("2d", "cube", "3d"), the ``input`` it came from, and ``note`` for reports."""

    what: str
    view: str
    input: ChannelInput | None = None
    media: Media | None = None
    buffer: int = -1
    note: str = ""

    @property
    def bound(self) -> bool:
        return self.what != UNBOUND


def noise_input(channel: int) -> ChannelInput:
    """The ``--noise-channels`` input of ``channel`` (Shadertoy's default texture sampler)."""
    return ChannelInput("texture", media=NOISE_CHANNELS[channel])


def bind(inp: ChannelInput | None, buffers: frozenset[int] = frozenset(),
         view: str = "2d") -> Binding:
    """The binding of a channel reading ``inp`` in a program whose buffer passes render
    ``buffers``; ``view`` is the declared kind of an empty channel."""
    if inp is None:
        return Binding(UNBOUND, view, note="empty")
    if inp.ctype == "keyboard":
        return Binding(KEYBOARD, "2d", inp, note="keyboard: no key pressed")
    if inp.ctype == "buffer":
        if inp.buffer in buffers:
            return Binding(BUFFER, "2d", inp, buffer=inp.buffer,
                           note=f"Buffer {BUFFER_LETTERS[inp.buffer]}")
        return Binding(UNBOUND, "2d", inp, note="unbound: a buffer this program does not have")
    media = MEDIA.get(inp.media)
    if media is not None and _MEDIA_KIND[media.kind] == inp.ctype:
        return Binding(STANDIN, inp.kind, inp, media=media,
                       note=f"{media.name}: {media.generator} stand-in")
    what = f"{inp.ctype} {inp.media[:12]}" if inp.media else inp.ctype
    return Binding(UNBOUND, inp.kind, inp, note=f"unbound: {what} is not rendered here")
