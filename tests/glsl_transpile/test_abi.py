"""The kernel ABI (glsl_transpile.abi) against what glslang really lays out in a kernel."""
from __future__ import annotations

import struct

from glsl_transpile import abi, compile_spirv, from_code, to_compute

_OP_NAME, _OP_MEMBER_NAME, _OP_MEMBER_DECORATE = 5, 6, 72
_DECORATION_OFFSET = 35


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


def _kernel_spirv() -> bytes:
    src = from_code("void mainImage(out vec4 c, in vec2 p) { c = vec4(p, 0.0, 1.0); }", "abi")
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
