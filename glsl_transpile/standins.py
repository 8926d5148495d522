"""The pixels that stand in for Shadertoy's media (``media.MEDIA``): pure numpy functions of
the media record, the same on every machine, shared by the kernels' textures (render_vk) and the
OpenGL reference.

Generators (``Media.generator``), each seeded with ``Media.seed`` (the integer of the hash's
first 16 hex digits):

- ``noise``: uniform random bytes, ``numpy.random.Generator(PCG64(seed)).bytes(n)`` for the
  file's size and channel count, in file order (rows from the top, channels fastest; volumes
  x fastest, then y, then z). Noise textures are hash tables to the programs that read them,
  so any uniform bytes keep their behaviour.
- ``photo``: a picture of my design with the statistics that matter to a sampler: a two-colour
  gradient (sky and ground), fractal value noise (soft structure), a dozen soft-edged discs
  (objects with edges) and fine grain (detail that the mip chain averages away); tileable.
  One-channel photos are its luminance.
- ``sky`` (cubemaps): a direction field, seamless across faces: a sky gradient above the
  horizon, a ground below it, a sun and a smooth band pattern.
- ``font``: a 16x16 atlas of glyphs (character ``c`` in column ``c % 16``, row ``c // 16``
  from the top), each a few strokes on a 3x3 grid chosen by a hash of ``c``; RGB is the
  anti-aliased coverage, alpha a distance field (0.5 on the outline, larger inside).
- ``bayer``: the 8x8 ordered-dither (Bayer) index matrix times 4.

``texels`` turns a picture into what a texture holds (browsers decode images to RGBA; 1-channel
volumes stay single-channel; ``vflip`` puts the file's top row at v = 1), and ``mip_chain``
box-filters it down to 1x1. ``python -m glsl_transpile.standins OUT.png`` draws a sheet of them.
"""
from __future__ import annotations

import sys
from functools import lru_cache

import numpy as np

from .media import CUBEMAP, KEYBOARD_SIZE, MEDIA, TEXTURE, VOLUME, Media


def noise_bytes(media: Media) -> np.ndarray:
    """The noise recipe: ``(H, W, C)`` or ``(D, H, W, C)`` uint8 from PCG64(seed)."""
    shape = tuple(reversed(media.size)) + (media.channels,)
    raw = np.random.Generator(np.random.PCG64(media.seed)).bytes(int(np.prod(shape)))
    return np.frombuffer(raw, dtype=np.uint8).reshape(shape)


def _smooth_grid(rng: np.random.Generator, h: int, w: int, cells: int) -> np.ndarray:
    """Periodic value noise: a random ``cells`` x ``cells`` grid, smoothly interpolated."""
    grid = rng.random((cells, cells))
    ys, xs = (np.arange(h) + 0.5) * cells / h, (np.arange(w) + 0.5) * cells / w
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    fy, fx = ys - y0, xs - x0
    fy, fx = fy * fy * (3 - 2 * fy), fx * fx * (3 - 2 * fx)
    y1, x1 = (y0 + 1) % cells, (x0 + 1) % cells
    y0, x0 = y0 % cells, x0 % cells
    top = grid[y0][:, x0] * (1 - fx) + grid[y0][:, x1] * fx
    bottom = grid[y1][:, x0] * (1 - fx) + grid[y1][:, x1] * fx
    return top * (1 - fy)[:, None] + bottom * fy[:, None]


def photo(media: Media) -> np.ndarray:
    """``(H, W, C)`` uint8: the ``photo`` stand-in (see the module doc)."""
    w, h = media.size[:2]
    rng = np.random.default_rng(media.seed)
    top, bottom = rng.random(3), rng.random(3) * 0.6
    v = ((np.arange(h) + 0.5) / h)[:, None, None]
    img = top * (1 - v) + bottom * v
    fractal = sum(_smooth_grid(rng, h, w, 4 << k) * 0.5 ** k for k in range(5)) / 1.94
    img = img * (0.55 + 0.9 * fractal[..., None] * rng.uniform(0.6, 1.0, 3))
    for _ in range(12):
        _disc(img, rng)
    img = img + (rng.random((h, w, 1)) - 0.5) * 0.12
    return _channels(np.clip(img, 0.0, 1.0), media.channels)


def _disc(img: np.ndarray, rng: np.random.Generator) -> None:
    """Blend a soft-edged disc of a random colour into ``img`` (in place, wrapping round)."""
    h, w = img.shape[:2]
    cy, cx, r = rng.random(), rng.random(), rng.uniform(0.04, 0.18)
    colour, opacity = rng.random(3), rng.uniform(0.5, 0.9)
    rows = np.arange(int((cy - r) * h) - 1, int((cy + r) * h) + 2)
    cols = np.arange(int((cx - r) * w) - 1, int((cx + r) * w) + 2)
    dy = ((rows + 0.5) / h - cy)[:, None]
    dx = ((cols + 0.5) / w - cx)[None, :]
    edge = np.clip((r - np.hypot(dx, dy)) * 60.0, 0.0, 1.0)[..., None] * opacity
    patch = np.ix_(rows % h, cols % w)
    img[patch] = img[patch] * (1 - edge) + colour * edge


def _channels(rgb: np.ndarray, channels: int) -> np.ndarray:
    """Float RGB in [0, 1] as uint8 with ``channels`` (1: luminance, 4: opaque alpha)."""
    if channels == 1:
        rgb = (rgb @ np.array([0.299, 0.587, 0.114]))[..., None]
    elif channels == 4:
        rgb = np.concatenate([rgb, np.ones(rgb.shape[:-1] + (1,))], axis=-1)
    return np.round(rgb * 255.0).astype(np.uint8)


def cube_directions(size: int) -> np.ndarray:
    """``(6, S, S, 3)`` unit directions of each cube-map texel (faces +X, -X, +Y, -Y, +Z, -Z;
    row y of a face at t = (y + 0.5) / S, as OpenGL and Vulkan select faces)."""
    c = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    t, s = np.meshgrid(c, c, indexing="ij")
    one = np.ones_like(s)
    faces = [(one, -t, -s), (-one, -t, s), (s, one, t), (s, -one, -t), (s, -t, one),
             (-s, -t, -one)]
    d = np.stack([np.stack(f, axis=-1) for f in faces])
    return d / np.linalg.norm(d, axis=-1, keepdims=True)


def sky(media: Media) -> np.ndarray:
    """``(6, S, S, C)`` uint8: the ``sky`` cube-map stand-in (see the module doc)."""
    rng = np.random.default_rng(media.seed)
    d = cube_directions(media.size[0])
    up = d[..., 1:2]
    zenith, horizon, ground = rng.random(3) * 0.6, 0.5 + rng.random(3) * 0.5, rng.random(3) * 0.5
    sky_part = horizon + (zenith - horizon) * np.sqrt(np.clip(up, 0.0, 1.0))
    bands = sum(np.sin(d @ rng.normal(size=3) * f + rng.uniform(0, 6.3)) for f in (3, 7, 13))
    ground_part = ground * (0.7 + 0.1 * bands[..., None])
    img = np.where(up > 0.0, sky_part, ground_part)
    sun = rng.normal(size=3)
    sun[1] = abs(sun[1]) + 0.3
    glow = np.clip((d @ (sun / np.linalg.norm(sun)) - 0.97) * 30.0, 0.0, 1.0)[..., None]
    return _channels(np.clip(img + glow, 0.0, 1.0), media.channels)


_SEGMENTS = np.array([(a, b) for a in range(9) for b in range(a + 1, 9)
                      if abs(a % 3 - b % 3) <= 1 and abs(a // 3 - b // 3) <= 1])  # 20 strokes


def font(media: Media) -> np.ndarray:
    """``(1024, 1024, 4)`` uint8: the ``font`` atlas stand-in (see the module doc)."""
    cell = media.size[0] // 16
    rng = np.random.default_rng(media.seed)
    use = rng.random((256, len(_SEGMENTS))) < 0.22
    use[:33] = False  # control characters and space are empty
    use[127:] &= rng.random((129, 1)) < 0.5
    py, px = (np.mgrid[0:cell, 0:cell] + 0.5) / cell
    grid = 0.25 + 0.25 * np.array([(k % 3, k // 3) for k in range(9)], dtype=float)
    seg = np.empty((len(_SEGMENTS), cell, cell))
    for k, (a, b) in enumerate(_SEGMENTS):  # distance of each texel of a cell to stroke k
        pa, ab = grid[a], grid[b] - grid[a]
        u = np.clip(((px - pa[0]) * ab[0] + (py - pa[1]) * ab[1]) / (ab @ ab), 0.0, 1.0)
        seg[k] = np.hypot(px - pa[0] - u * ab[0], py - pa[1] - u * ab[1])
    dist = np.where(use[:, :, None, None], seg[None], 1.0).min(axis=1)  # (256, cell, cell)
    signed = 0.06 - dist  # strokes 0.12 of a cell wide
    coverage = np.clip(signed * cell + 0.5, 0.0, 1.0)
    alpha = np.clip(0.5 + signed * 4.0, 0.0, 1.0)
    cells = np.stack([coverage] * 3 + [alpha], axis=-1)  # (256, cell, cell, 4)
    atlas = cells.reshape(16, 16, cell, cell, 4).transpose(0, 2, 1, 3, 4)
    return np.round(atlas.reshape(16 * cell, 16 * cell, 4) * 255.0).astype(np.uint8)


def bayer(media: Media) -> np.ndarray:
    """``(8, 8, 1)`` uint8: the 8x8 Bayer index matrix (0..63) times 4."""
    m = np.zeros((1, 1), dtype=np.int64)
    while m.shape[0] < media.size[0]:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return (m * (256 // m.size)).astype(np.uint8)[..., None]


GENERATORS = {"noise": noise_bytes, "photo": photo, "sky": sky, "font": font, "bayer": bayer}


@lru_cache(maxsize=32)
def picture(sha256: str) -> np.ndarray:
    """The stand-in of ``MEDIA[sha256]`` in file order (read-only; cached)."""
    media = MEDIA[sha256]
    out = GENERATORS[media.generator](media)
    out.setflags(write=False)
    return out


def texels(media: Media, vflip: bool) -> np.ndarray:
    """What the texture holds, texel (0, 0) first: ``(H, W, 4)`` for a texture (``vflip``:
    the file's top row at v = 1, as Shadertoy uploads it), ``(6, S, S, 4)`` for a cube map,
    ``(D, H, W, 1 or 4)`` for a volume; uint8."""
    pixels = picture(media.sha256)
    if media.kind == VOLUME:
        return pixels
    if media.channels == 1:
        pixels = np.repeat(pixels, 3, axis=-1)
    if pixels.shape[-1] == 3:
        pixels = np.concatenate([pixels, np.full(pixels.shape[:-1] + (1,), 255, np.uint8)], -1)
    if media.kind == TEXTURE and vflip:
        pixels = pixels[::-1]
    return np.ascontiguousarray(pixels)


def keyboard_texels() -> np.ndarray:
    """``(3, 256, 1)`` uint8 zeros: Shadertoy's keyboard texture with no key pressed."""
    return np.zeros((KEYBOARD_SIZE[1], KEYBOARD_SIZE[0], 1), dtype=np.uint8)


def mip_chain(level0: np.ndarray, dims: int) -> list[np.ndarray]:
    """``level0`` and its box-filtered levels down to 1 texel per axis (each axis halves while
    above 1; rounding to nearest). ``dims``: 2 for ``(..., H, W, C)``, 3 for ``(D, H, W, C)``."""
    levels = [level0]
    while any(n > 1 for n in levels[-1].shape[-1 - dims:-1]):
        a = levels[-1].astype(np.uint32)
        count = 1
        for axis in range(a.ndim - 1 - dims, a.ndim - 1):
            if a.shape[axis] > 1:
                a = a.take(range(0, a.shape[axis], 2), axis) + a.take(range(1, a.shape[axis], 2),
                                                                      axis)
                count *= 2
        levels.append(((a + count // 2) // count).astype(np.uint8))
    return levels


def _sheet(path: str) -> None:
    """A PNG of every stand-in kind (README figure): the first of each generator, 256 px."""
    from PIL import Image

    tiles = []
    for gen in ("noise", "photo", "font", "bayer", "sky"):
        media = next(m for m in MEDIA.values() if m.generator == gen and m.kind != VOLUME)
        px = texels(media, vflip=False)
        if media.kind == CUBEMAP:  # a horizontal cross: -X +Z +X -Z
            px = np.concatenate([px[1], px[4], px[0], px[5]], axis=1)
        img = Image.fromarray(np.ascontiguousarray(px[..., :3]))
        tiles.append(img.resize((256 * img.width // img.height, 256), Image.NEAREST))
    sheet = Image.new("RGB", (sum(t.width for t in tiles) + 8 * len(tiles), 256), "white")
    x = 0
    for tile in tiles:
        sheet.paste(tile, (x, 0))
        x += tile.width + 8
    sheet.save(path)


if __name__ == "__main__":
    _sheet(sys.argv[1] if len(sys.argv) > 1 else "standins.png")
