"""Variable sizes read from compiled modules."""
import pytest

from glsl_transpile import compile_spirv, from_code, to_compute
from glsl_transpile.spirv_resources import SpirvFormatError, module_variables


def variables(code: str) -> dict:
    src = from_code(code, "v")
    return {v.name: v for v in module_variables(compile_spirv(src.name, to_compute(src).glsl))}


def test_sizes_follow_the_types_however_the_size_is_written():
    found = variables(
        "struct S { vec4 v[10]; float f; };\nconst int N = 100 * 10;\n#define M 3\n"
        "S big[N];\nfloat g[int(1e3) * M];\n"
        "void mainImage(out vec4 c, in vec2 f) { float[7] loc; vec3 d[2][5];\n"
        "  c = vec4(big[int(f.x)].v[2].x + g[int(f.y)] + loc[3] + d[1][int(f.x)].x); }")
    assert (found["big"].storage, found["big"].size_bytes, found["big"].array_elements) == \
        ("private", 1000 * (160 + 4), 1000 * 10)
    assert (found["g"].size_bytes, found["g"].array_elements) == (12000, 3000)
    assert (found["loc"].storage, found["loc"].size_bytes) == ("function", 28)
    assert (found["d"].size_bytes, found["d"].array_elements) == (120, 10)


@pytest.mark.parametrize("data", [b"", b"\x00" * 20, b"\x03\x02\x23\x07" + b"\x00" * 15,
                                  b"\x03\x02\x23\x07" + b"\x00" * 16 + b"\x00\x00\x05\x00"])
def test_bytes_that_are_not_a_module_raise(data):
    with pytest.raises(SpirvFormatError):
        module_variables(data)
