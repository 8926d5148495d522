"""The memory a SPIR-V module's variables take, read from the module itself.

Sizes come from the types glslang emitted, so every way of writing an array size (literals,
``const`` expressions, macros, ``float[N] a``, arrays in structs, arrays of arrays) is counted
exactly. Used by ``limits.check_kernel_resources``. Pure: bytes in, records out.

Sizes are unpadded (private variables have no explicit layout); a bool counts 4 bytes.
"""
from __future__ import annotations

import sys
from array import array
from dataclasses import dataclass

_MAGIC = 0x07230203
_OP_NAME = 5
_OP_TYPE_BOOL, _OP_TYPE_INT, _OP_TYPE_FLOAT = 20, 21, 22
_OP_TYPE_VECTOR, _OP_TYPE_MATRIX = 23, 24
_OP_TYPE_ARRAY, _OP_TYPE_STRUCT, _OP_TYPE_POINTER = 28, 30, 32
_OP_CONSTANT, _OP_SPEC_CONSTANT, _OP_VARIABLE = 43, 50, 59
STORAGE_CLASSES = {4: "workgroup", 6: "private", 7: "function"}
_RELEVANT = frozenset({_OP_NAME, _OP_TYPE_BOOL, _OP_TYPE_INT, _OP_TYPE_FLOAT, _OP_TYPE_VECTOR,
                       _OP_TYPE_MATRIX, _OP_TYPE_ARRAY, _OP_TYPE_STRUCT, _OP_TYPE_POINTER,
                       _OP_CONSTANT, _OP_SPEC_CONSTANT, _OP_VARIABLE})


@dataclass(frozen=True)
class Variable:
    """One variable: ``storage`` is "private" (globals: per invocation in a kernel),
    "function" (locals) or "workgroup" (shared); ``array_elements`` is the element count of
    the largest array in its type (nested arrays multiplied), 0 without arrays."""

    name: str
    storage: str
    size_bytes: int
    array_elements: int


class SpirvFormatError(ValueError):
    """The bytes are not a SPIR-V module (bad magic, truncated instruction)."""


def module_variables(spirv: bytes) -> list[Variable]:
    """Every private, function and workgroup variable of the module, in module order.

    Raises:
        SpirvFormatError: ``spirv`` is not a well-formed module.
    """
    words = _words(spirv)
    types = _TypeTable()
    out: list[Variable] = []
    i = 5
    n = len(words)
    while i < n:
        word = words[i]
        count, opcode = word >> 16, word & 0xFFFF
        if count == 0 or i + count > n:
            raise SpirvFormatError(f"truncated instruction at word {i}")
        if opcode in _RELEVANT:
            operands = words[i + 1:i + count]
            if opcode != _OP_VARIABLE:
                types.record(opcode, operands)
            elif operands[2] in STORAGE_CLASSES:
                size, elements = types.size(types.pointee.get(operands[0], -1))
                out.append(Variable(types.names.get(operands[1], ""),
                                    STORAGE_CLASSES[operands[2]], size, elements))
        i += count
    return out


def _words(spirv: bytes) -> array:
    if len(spirv) < 20 or len(spirv) % 4:
        raise SpirvFormatError("not a SPIR-V module (size)")
    words = array("I")
    words.frombytes(spirv)
    if words[0] != _MAGIC:
        words.byteswap()
    if words[0] != _MAGIC:
        raise SpirvFormatError("not a SPIR-V module (magic number)")
    return words


class _TypeTable:
    """Sizes of the types declared so far (SPIR-V declares a type before any use)."""

    def __init__(self):
        self.names: dict[int, str] = {}
        self.pointee: dict[int, int] = {}         # pointer type -> pointee type
        self.constants: dict[int, int] = {}       # integer constant -> value (low word)
        self.sizes: dict[int, tuple[int, int]] = {}  # type -> (bytes, array elements)

    def size(self, type_id: int) -> tuple[int, int]:
        return self.sizes.get(type_id, (0, 0))

    def record(self, opcode: int, ops) -> None:
        if opcode == _OP_NAME:
            raw = ops[1:].tobytes() if sys.byteorder == "little" else _le_bytes(ops[1:])
            self.names[ops[0]] = raw.split(b"\0", 1)[0].decode("utf-8", "replace")
        elif opcode == _OP_TYPE_BOOL:
            self.sizes[ops[0]] = (4, 0)
        elif opcode in (_OP_TYPE_INT, _OP_TYPE_FLOAT):
            self.sizes[ops[0]] = (ops[1] // 8, 0)
        elif opcode in (_OP_TYPE_VECTOR, _OP_TYPE_MATRIX):
            self.sizes[ops[0]] = (self.size(ops[1])[0] * ops[2], 0)
        elif opcode == _OP_TYPE_ARRAY:
            length = self.constants.get(ops[2], 0)
            size, inner = self.size(ops[1])
            self.sizes[ops[0]] = (size * length, length * max(inner, 1))
        elif opcode == _OP_TYPE_STRUCT:
            members = [self.size(m) for m in ops[1:]]
            self.sizes[ops[0]] = (sum(m[0] for m in members),
                                  max((m[1] for m in members), default=0))
        elif opcode == _OP_TYPE_POINTER:
            self.pointee[ops[0]] = ops[2]
        elif opcode in (_OP_CONSTANT, _OP_SPEC_CONSTANT) and len(ops) >= 3:
            self.constants[ops[1]] = ops[2]


def _le_bytes(words) -> bytes:
    swapped = array("I", words)
    swapped.byteswap()
    return swapped.tobytes()
