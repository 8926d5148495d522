"""Multi-pass programs of our own, as Shadertoy JSON exports, whose pixels can be computed."""
from glsl_transpile.sources import from_shadertoy_json

LETTERS = "ABCD"


def buffer_input(channel: int, letter: str, filt: str = "nearest", wrap: str = "clamp",
                 site_spelling: bool = False) -> dict:
    """An input reading Buffer ``letter`` (the API export's spelling, or the site's)."""
    index = LETTERS.index(letter)
    sampler = {"filter": filt, "wrap": wrap, "vflip": "true", "srgb": "false"}
    if site_spelling:
        return {"channel": channel, "type": "buffer", "id": ["4dXGR8", "XsXGR8", "4sXGR8",
                                                             "XdfGR8"][index],
                "filepath": f"/media/previz/buffer0{index}.png", "sampler": sampler}
    return {"channel": channel, "ctype": "buffer", "id": 257 + index,
            "src": f"/media/previz/buffer0{index}.png", "sampler": sampler}


def texture_input(channel: int, sha256: str, ctype: str = "texture", filt: str = "mipmap",
                  wrap: str = "repeat", vflip: bool = True) -> dict:
    return {"channel": channel, "ctype": ctype, "src": f"/media/a/{sha256}.png",
            "sampler": {"filter": filt, "wrap": wrap, "vflip": "true" if vflip else "false",
                        "srgb": "false"}}


def export(name: str, buffers: list[tuple[str, str, list[dict]]], image: str,
           image_inputs: list[dict] = (), common: str = "") -> dict:
    """A Shadertoy API export of buffers [(letter, code, inputs)], the Image code and inputs."""
    passes = [{"type": "common", "name": "Common", "code": common}] if common else []
    for letter, code, inputs in buffers:
        passes.append({"type": "buffer", "name": f"Buffer {letter}", "code": code,
                       "inputs": list(inputs),
                       "outputs": [{"id": 257 + LETTERS.index(letter), "channel": 0}]})
    passes.append({"type": "image", "name": "Image", "code": image,
                   "inputs": list(image_inputs), "outputs": []})
    return {"Shader": {"info": {"id": name}, "renderpass": passes}}


def program(name: str, buffers: list[tuple[str, str, list[dict]]], image: str,
            image_inputs: list[dict] = (), common: str = ""):
    """The ShaderSource of ``export(...)``."""
    return from_shadertoy_json(export(name, buffers, image, image_inputs, common),
                               f"{name}.json")[0]


SHOW = "void mainImage(out vec4 o, in vec2 f) { o = texelFetch(iChannel0, ivec2(f), 0); }"


def counter():
    """Buffer A adds 1/255 per frame: frame k shows k + 1 (of 255) in every channel."""
    return program("counter", [("A", "void mainImage(out vec4 o, in vec2 f) {\n"
                                     "  o = texelFetch(iChannel0, ivec2(f), 0) + 1.0 / 255.0; }",
                                [buffer_input(0, "A")])], SHOW, [buffer_input(0, "A")])


def order():
    """A = this frame's number, C = the same; B reads A (ran before it: this frame's) and C
    (runs after it: the previous frame's). Frame k shows (k, max(k - 1, 0), 0) / 255."""
    frame = "void mainImage(out vec4 o, in vec2 f) { o = vec4(float(iFrame) / 255.0); }"
    b = ("void mainImage(out vec4 o, in vec2 f) {\n"
         "  o = vec4(texelFetch(iChannel0, ivec2(f), 0).r, texelFetch(iChannel1, ivec2(f), 0).r,"
         " 0.0, 1.0); }")
    return program("order", [("A", frame, []),
                             ("B", b, [buffer_input(0, "A"), buffer_input(1, "C")]),
                             ("C", frame, [])], SHOW, [buffer_input(0, "B")])


def blur():
    """Frame 0 draws a bright 4x4 square; every later frame averages the 3x3 neighbourhood of
    the previous frame (its own buffer, read with clamped texelFetch)."""
    code = ("void mainImage(out vec4 o, in vec2 f) {\n"
            "  if (iFrame == 0) { o = vec4(all(lessThan(abs(f - iResolution.xy * 0.5), vec2(2.0)))"
            " ? 1.0 : 0.0); return; }\n"
            "  ivec2 p = ivec2(f); ivec2 top = ivec2(iResolution.xy) - 1;\n"
            "  vec4 s = vec4(0.0);\n"
            "  for (int y = -1; y <= 1; y++) for (int x = -1; x <= 1; x++)\n"
            "    s += texelFetch(iChannel0, clamp(p + ivec2(x, y), ivec2(0), top), 0);\n"
            "  o = s / 9.0; }")
    return program("blur", [("A", code, [buffer_input(0, "A")])], SHOW,
                   [buffer_input(0, "A")])


def sampled():
    """Buffer A holds a horizontal ramp (texel x = x / 32); the Image reads it with texelFetch
    (red), with a linear sampler halfway between two texels (green), and with a repeating
    linear sampler past the right edge (blue)."""
    ramp = "void mainImage(out vec4 o, in vec2 f) { o = vec4(floor(f.x) / 32.0); }"
    image = ("void mainImage(out vec4 o, in vec2 f) {\n"
             "  vec2 r = iChannelResolution[1].xy;\n"
             "  float a = texelFetch(iChannel0, ivec2(f), 0).r;\n"
             "  float b = texture(iChannel1, (f + vec2(0.5, 0.0)) / r).r;\n"
             "  float c = texture(iChannel2, (vec2(r.x, f.y) + vec2(0.0, 0.0)) / r).r;\n"
             "  o = vec4(a, b, c, 1.0); }")
    return program("sampled", [("A", ramp, [])], image,
                   [buffer_input(0, "A"), buffer_input(1, "A", "linear"),
                    buffer_input(2, "A", "linear", "repeat")])


def common():
    """A Common pass used by a buffer and the Image pass."""
    lib = "float level(int frame) { return float(frame % 50) / 100.0; }\n#define GAIN 2.0"
    a = "void mainImage(out vec4 o, in vec2 f) { o = vec4(level(iFrame)); }"
    image = ("void mainImage(out vec4 o, in vec2 f) {\n"
             "  o = vec4(texelFetch(iChannel0, ivec2(f), 0).r * GAIN, level(iFrame), 0.0, 1.0); }")
    return program("common", [("A", a, [])], image, [buffer_input(0, "A", site_spelling=True)],
                   common=lib)


def mipmapped():
    """A checkerboard buffer read through its mip chain (trilinear, box-filtered levels)."""
    a = ("void mainImage(out vec4 o, in vec2 f) {\n"
         "  ivec2 c = ivec2(f) / 2; o = vec4(float((c.x + c.y + iFrame) % 2), f / iResolution.xy,"
         " 1.0); }")
    image = ("void mainImage(out vec4 o, in vec2 f) {\n"
             "  vec2 u = f / iResolution.xy; o = texture(iChannel0, u * (1.0 + 3.0 * u.x)); }")
    return program("mipmapped", [("A", a, [])], image,
                   [buffer_input(0, "A", "mipmap", "repeat")])


def all_programs():
    return [counter(), order(), blur(), sampled(), common(), mipmapped()]
