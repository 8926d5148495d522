"""Static limits: programs over them are refused with the variable, the line and the sizes."""
import pytest

from glsl_transpile import (ShaderCompileError, UnsupportedShaderError, compile_program,
                            compile_spirv, from_code, to_compute)
from glsl_transpile.limits import CompileLimits, check_kernel_resources, check_source


def check(code: str, limits: CompileLimits = CompileLimits()) -> None:
    src = from_code(code, "p")
    kernel = to_compute(src)
    check_kernel_resources(src, kernel.glsl, compile_spirv(src.name, kernel.glsl), limits)


@pytest.mark.parametrize("where", ["global", "local"])
def test_a_hundred_million_element_array_is_refused_naming_its_line(where):
    decl = "float a[100000000];"
    code = ((decl + "\n" if where == "global" else "\n") + "void mainImage(out vec4 c, in vec2 f)"
            " {\n  " + (decl if where == "local" else "") + "\n  a[int(f.x)] = 1.0; c = vec4(a[3]); }")
    with pytest.raises(UnsupportedShaderError, match="array of 100000000 elements, over the "
                                                     "limit of 4096") as info:
        check(code)
    assert info.value.line == (1 if where == "global" else 3)
    assert str(info.value).startswith(f"p:{info.value.line}: unsupported")


def test_the_huge_array_fails_as_unsupported_through_the_batch_compile():
    result = compile_program(from_code("float a[100000000];\nvoid mainImage(out vec4 c, in vec2 f)"
                                       " { a[int(f.x)] = 1.0; c = vec4(a[3]); }", "huge"))
    assert result.status == "unsupported" and result.spirv is None and result.error.line == 1


def test_arrays_sized_by_constants_and_structs_count_every_element():
    with pytest.raises(UnsupportedShaderError, match="6400 elements"):
        check("const int N = 64 * 100;\nfloat[N] a;\n"
              "void mainImage(out vec4 c, in vec2 f) { c = vec4(a[int(f.x)]); }")
    with pytest.raises(UnsupportedShaderError, match="5000 elements"):
        check("struct S { float v[50]; };\nS s[100];\n"
              "void mainImage(out vec4 c, in vec2 f) { c = vec4(s[int(f.x)].v[int(f.y)]); }")


def test_private_memory_is_summed_over_globals_and_locals():
    code = ("vec4 a[1000]; vec4 b[1000];\nvoid mainImage(out vec4 c, in vec2 f) {\n"
            "  vec4 d[1000]; vec4 e[1000]; vec4 g[1100];\n  int i = int(f.x);\n"
            "  c = a[i] + b[i] + d[i] + e[i] + g[i]; }")
    with pytest.raises(UnsupportedShaderError, match="private memory per invocation, over the "
                                                     "limit of 65536 .g: 17600 bytes") as info:
        check(code)
    assert info.value.line == 3
    check(code, CompileLimits(max_private_bytes=1 << 20))  # under a larger limit it passes


def test_arrays_under_every_limit_pass():
    check("float a[64];\nvoid mainImage(out vec4 c, in vec2 f) { vec3 p[16]; "
          "c = vec4(a[int(f.x) % 64] + p[int(f.y) % 16].x); }")


def test_user_code_cannot_declare_shared_memory():
    with pytest.raises(ShaderCompileError):
        check("shared float s[100000];\nvoid mainImage(out vec4 c, in vec2 f) { c = vec4(s[0]); }")


def test_a_source_over_the_size_limit_is_refused_before_transpiling():
    src = from_code("void mainImage(out vec4 c, in vec2 f) { c = vec4(1); }\n" + "//" * 600, "big")
    with pytest.raises(UnsupportedShaderError, match=r"source is 1255 bytes, over the limit of 1000"):
        check_source(src, CompileLimits(max_source_bytes=1000))
    result = compile_program(src, limits=CompileLimits(max_source_bytes=1000))
    assert result.status == "unsupported" and result.kernel is None


def test_limits_must_be_positive():
    with pytest.raises(ValueError, match="deadline_s"):
        CompileLimits(deadline_s=0)
