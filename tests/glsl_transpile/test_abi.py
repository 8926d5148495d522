"""The kernel ABI (glsl_transpile.abi) against what glslang really lays out in a kernel."""
from __future__ import annotations

import dataclasses
import struct

from glsl_transpile import abi, compile_spirv, from_code, to_compute
from glsl_transpile.inputs import ChannelInput

_OP_NAME, _OP_MEMBER_NAME, _OP_DECORATE, _OP_MEMBER_DECORATE = 5, 6, 71, 72
_DECORATION_OFFSET, _DECORATION_BINDING, _DECORATION_SET = 35, 33, 34


def _string(words: list[int]) -> str:
    raw = b"".join(struct.pack("<I", w) for w in words)
    return raw.split(b"\0", 1)[0].decode()


def member_offsets(spirv: bytes) -> dict[str, dict[str, int]]:
    """{struct name: {member name: byte offset}} read from the SPIR-V module itself."""
    words = list(struct.unpack(f"<{len(spirv) // 4}I", spirv))
    names, members, offsets = {}, {}, {}
    i = 5  # after the header
    while i < len(words):
        count, opcode = words[i] >> 16, words[i] & 0xFFFF
        args = words[i + 1:i + count]
        if opcode == _OP_NAME:
            names[args[0]] = _string(args[1:])
        elif opcode == _OP_MEMBER_NAME:
            members[(args[0], args[1])] = _string(args[2:])
        elif opcode == _OP_MEMBER_DECORATE and args[2] == _DECORATION_OFFSET:
            offsets[(args[0], args[1])] = args[3]
        i += count
    out: dict[str, dict[str, int]] = {}
    for (type_id, index), offset in offsets.items():
        out.setdefault(names.get(type_id, ""), {})[members[(type_id, index)]] = offset
    return out


def descriptor_bindings(spirv: bytes) -> dict[str, tuple[int, int]]:
    """{variable name: (set, binding)} of the module's decorated resources."""
    words = list(struct.unpack(f"<{len(spirv) // 4}I", spirv))
    names, sets, bindings = {}, {}, {}
    i = 5
    while i < len(words):
        count, opcode = words[i] >> 16, words[i] & 0xFFFF
        args = words[i + 1:i + count]
        if opcode == _OP_NAME:
            names[args[0]] = _string(args[1:])
        elif opcode == _OP_DECORATE and args[1] == _DECORATION_SET:
            sets[args[0]] = args[2]
        elif opcode == _OP_DECORATE and args[1] == _DECORATION_BINDING:
            bindings[args[0]] = args[2]
        i += count
    return {names.get(v, ""): (sets[v], bindings[v]) for v in bindings}


def _kernel_spirv(code: str = "void mainImage(out vec4 c, in vec2 p) { c = vec4(p, 0.0, 1.0); }",
                  **fields) -> bytes:
    src = dataclasses.replace(from_code(code, "abi"), **fields)
    return compile_spirv("abi", to_compute(src).glsl)


def test_frame_record_offsets_match_the_numpy_layout():
    layout = member_offsets(_kernel_spirv())["_KFrame"]
    expected = {glsl: abi.FRAME_DTYPE.fields[field][1]
                for glsl, _, field, _ in abi.FRAME_FIELDS}
    assert layout == expected
    assert abi.FRAME_BYTES == 80


def test_push_constant_offsets_match_pack_push():
    layout = member_offsets(_kernel_spirv())["_KPush"]
    assert layout == {name: 4 * i for i, (name, _) in enumerate(abi.PUSH_FIELDS)}
    assert len(abi.pack_push(1, 2, 3, 4)) == abi.PUSH_BYTES == 16
    assert struct.unpack("<4I", abi.pack_push(1, 2, 3, 4)) == (1, 2, 3, 4)


def test_workgroups_cover_the_image_with_tiles():
    assert abi.workgroups(8, 8, 3) == (1, 1, 3)
    assert abi.workgroups(9, 17, 1) == (2, 3, 1)
    assert abi.LOCAL_SIZE == abi.TILE[0] * abi.TILE[1]
    assert f"local_size_x = {abi.LOCAL_SIZE}" in abi.glsl_declarations()


def test_channels_and_the_buffer_output_are_set_1_as_the_abi_says():
    reads = ("void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p) "
             "+ texture(iChannel1, vec3(p, 1.0)) + texture(iChannel2, vec3(p, 0.5)) "
             "+ texelFetch(iChannel3, ivec2(p), 0); }")
    cube = ChannelInput("cubemap")
    volume = ChannelInput("volume")
    image = descriptor_bindings(_kernel_spirv(reads, inputs=(None, cube, volume, None)))
    for i in range(4):
        assert image[f"iChannel{i}"] == (abi.CHANNELS_SET, abi.CHANNEL_BINDINGS[i])
    buffer = descriptor_bindings(_kernel_spirv(target="buffer"))
    assert buffer["_kBufferOut"] == (abi.CHANNELS_SET, abi.BUFFER_OUT_BINDING)
    twigl = descriptor_bindings(compile_spirv("tw", to_compute(from_code(
        "void main(){o=texture(b,FC.xy);}", "tw", mode="geekest_300es")).glsl))
    assert twigl["b"] == (abi.CHANNELS_SET, 0)
    assert "samplerCube iChannel1" in to_compute(dataclasses.replace(
        from_code(reads, "k"), inputs=(None, cube, volume, None))).glsl
