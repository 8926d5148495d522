"""Stand-ins for Shadertoy's media: the noise recipe is exactly PCG64 of the hash, the other
pictures are deterministic and have the structure a sampler cares about."""
import numpy as np
import pytest

from glsl_transpile import standins
from glsl_transpile.inputs import ChannelInput
from glsl_transpile.media import MEDIA, NOISE_CHANNELS, bind

RGBA_NOISE_SMALL = "3083c722c0c738cad0f468383167a0d246f91af2bfa373e9c5c094fb8c8413e0"
GREY_NOISE_3D = "27012b4eadd0c3ce12498b867058e4f717ce79e10a99568cca461682d84a4b04"


@pytest.mark.parametrize("sha", [s for s, m in MEDIA.items() if m.generator == "noise"])
def test_noise_is_pcg64_seeded_with_the_hashs_first_16_hex_digits(sha):
    media = MEDIA[sha]
    rng = np.random.Generator(np.random.PCG64(int(sha[:16], 16)))
    count = int(np.prod(media.size)) * media.channels
    expected = np.frombuffer(rng.bytes(count), dtype=np.uint8)
    got = standins.picture(sha)
    assert got.shape == tuple(reversed(media.size)) + (media.channels,)
    assert np.array_equal(got.reshape(-1), expected)


def test_the_table_names_kinds_sizes_and_channels():
    assert len(MEDIA) == 30 and all(len(s) == 64 for s in MEDIA)
    small = MEDIA[RGBA_NOISE_SMALL]
    assert (small.name, small.kind, small.size, small.channels) == \
        ("RGBA Noise Small", "texture", (64, 64), 4)
    assert MEDIA[GREY_NOISE_3D].size == (32, 32, 32) and MEDIA[GREY_NOISE_3D].channels == 1
    assert {m.kind for m in MEDIA.values()} == {"texture", "cubemap", "volume"}
    assert all(sha in MEDIA for sha in NOISE_CHANNELS)


def test_texels_expand_channels_as_browsers_decode_and_flip_as_shadertoy_uploads():
    grey = next(m for m in MEDIA.values() if m.generator == "noise" and m.channels == 1
                and m.kind == "texture")
    file_order = standins.picture(grey.sha256)
    flipped = standins.texels(grey, vflip=True)
    assert flipped.shape[-1] == 4 and (flipped[..., 3] == 255).all()
    assert np.array_equal(flipped[0, :, 0], file_order[-1, :, 0])  # top row at v = 1
    assert np.array_equal(standins.texels(grey, vflip=False)[0, :, 1], file_order[0, :, 0])
    volume = standins.texels(MEDIA[GREY_NOISE_3D], vflip=True)
    assert volume.shape == (32, 32, 32, 1)  # a one-channel volume stays one channel


@pytest.mark.parametrize("generator", ["photo", "sky", "font", "bayer"])
def test_pictures_are_deterministic_and_not_flat(generator):
    media = next(m for m in MEDIA.values() if m.generator == generator)
    first = standins.GENERATORS[generator](media)
    assert np.array_equal(first, standins.GENERATORS[generator](media))
    assert first.dtype == np.uint8 and first.std() > 20


def test_the_mip_chain_is_a_rounded_box_filter_down_to_one_texel():
    level0 = np.arange(4 * 8 * 1, dtype=np.uint8).reshape(4, 8, 1)
    chain = standins.mip_chain(level0, 2)
    assert [c.shape[:2] for c in chain] == [(4, 8), (2, 4), (1, 2), (1, 1)]
    assert chain[1][0, 0, 0] == (0 + 1 + 8 + 9 + 2) // 4
    assert chain[-1][0, 0, 0] == round(level0.mean())


def test_cube_directions_select_the_face_each_texel_lies_on():
    d = standins.cube_directions(4)
    axis_sign = [(0, 1), (0, -1), (1, 1), (1, -1), (2, 1), (2, -1)]
    for face, (axis, sign) in enumerate(axis_sign):
        major = np.abs(d[face]).argmax(axis=-1)
        assert (major == axis).all() and (np.sign(d[face][..., axis]) == sign).all()


def test_bindings_say_what_each_input_is():
    assert bind(None).what == "unbound" and bind(None, view="cube").view == "cube"
    assert bind(ChannelInput("texture", media=RGBA_NOISE_SMALL)).what == "standin"
    assert bind(ChannelInput("texture", media="0" * 64)).what == "unbound"
    assert bind(ChannelInput("cubemap", media=RGBA_NOISE_SMALL)).what == "unbound"  # wrong kind
    assert bind(ChannelInput("music")).note == "unbound: music is not rendered here"
    assert bind(ChannelInput("keyboard")).what == "keyboard"
    assert bind(ChannelInput("buffer", buffer=2), frozenset({2})).what == "buffer"
    assert bind(ChannelInput("buffer", buffer=2), frozenset({0})).what == "unbound"
