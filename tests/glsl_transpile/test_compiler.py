import pytest

from glsl_transpile import (ShaderCompileError, SpirvCache, UnsupportedShaderError,
                            compile_program, compile_programs, compile_spirv, from_code,
                            to_compute)
from glsl_transpile.compiler import locate_error

GOOD = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f / iResolution.xy, 0.5, 1.0); }\n"


def test_kernel_compiles_to_spirv():
    spirv = compile_spirv("good", to_compute(from_code(GOOD, "good")).glsl)
    assert spirv[:4] == b"\x03\x02\x23\x07" and len(spirv) % 4 == 0


def test_syntax_error_names_program_and_original_line():
    code = "// comment\nvoid mainImage(out vec4 c, in vec2 f) {\n  c = vec4(1);\n  fragColr = c;\n}"
    src = from_code(code, "typo")
    with pytest.raises(ShaderCompileError) as info:
        compile_spirv(src.name, to_compute(src).glsl)
    err = info.value
    assert err.shader == "typo" and err.line == 4 and "fragColr" in err.message
    assert str(err).startswith("typo:4:") and "\n" not in str(err)
    assert "fragColr" in err.log


def test_error_line_in_wrapped_geekest_body_is_the_users_line():
    src = from_code("vec2 p=FC.xy/r;\nfloat a=1.;\no=vec4(p,a,bogus);", "w", mode="geekest_300es")
    with pytest.raises(ShaderCompileError) as info:
        compile_spirv(src.name, to_compute(src).glsl)
    assert info.value.line == 3


def test_error_line_is_kept_after_zero_init_rewrites():
    code = "void mainImage(out vec4 c, in vec2 f) {\n  float i, g;\n  int n;\n  c = vec4(i) + undefinedThing;\n}"
    src = from_code(code, "z")
    with pytest.raises(ShaderCompileError) as info:
        compile_spirv(src.name, to_compute(src).glsl)
    assert info.value.line == 4


def test_cache_hits_on_second_compile_and_ignores_damaged_entries(tmp_path):
    cache = SpirvCache(tmp_path)
    src = from_code(GOOD, "good")
    first = compile_program(src, cache)
    second = compile_program(src, cache)
    assert first.ok and not first.cached and second.cached and second.spirv == first.spirv
    for f in tmp_path.rglob("*.spv"):
        f.write_bytes(b"garbage")
    assert not compile_program(src, cache).cached


def test_batch_compiles_in_order_and_reports_failures_without_raising(tmp_path):
    srcs = [from_code(GOOD, "a"), from_code(GOOD.replace("0.5", "nope"), "b"),
            from_code(GOOD, "c")]
    seen = []
    results = compile_programs(srcs, cache=SpirvCache(tmp_path), jobs=2,
                               progress=lambda r: seen.append(r.source.name))
    assert [r.source.name for r in results] == ["a", "b", "c"]
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, ShaderCompileError) and results[1].error.line == 1
    assert sorted(seen) == ["a", "b", "c"]


def test_cli_compiles_the_builtin_pack(tmp_path):
    from glsl_transpile.__main__ import main
    assert main(["--builtin", "--strict", "--out", str(tmp_path), "--cache",
                 str(tmp_path / "cache")]) == 0
    assert (tmp_path / "report.json").exists() and len(list(tmp_path.glob("*.spv"))) >= 48


def test_error_in_common_pass_names_the_common_line():
    from glsl_transpile import ShaderSource
    src = ShaderSource("withcommon", "shadertoy", "", "void mainImage(out vec4 c, in vec2 f){c=vec4(g(1.));}",
                       common="float g(float x){\n  return x * oops;\n}")
    with pytest.raises(ShaderCompileError, match="Common pass line 2") as info:
        compile_spirv(src.name, to_compute(src).glsl)
    assert info.value.line is None


def test_image_error_line_is_unaffected_by_a_common_pass():
    from glsl_transpile import ShaderSource
    src = ShaderSource("withcommon", "shadertoy", "",
                       "void mainImage(out vec4 c, in vec2 f){\n  c = vec4(nope);\n}",
                       common="float g(float x){\n  return x;\n}\n\n")
    with pytest.raises(ShaderCompileError) as info:
        compile_spirv(src.name, to_compute(src).glsl)
    assert info.value.line == 2


def test_locate_error_reads_a_recorded_glslang_log_or_error_text():
    code = "void mainImage(out vec4 c, in vec2 f) {\n  c = vec4(1);\n  fragColr = c;\n}"
    src = from_code(code, "typo")
    with pytest.raises(ShaderCompileError) as info:
        compile_spirv(src.name, to_compute(src).glsl)
    assert locate_error("typo", info.value.log) == (3, info.value.message)
    unsupported = UnsupportedShaderError("multi", "#include is not supported", line=7)
    assert locate_error("multi", str(unsupported)) == (7, "unsupported: #include is not supported")
    text = "multi.json: malformed JSON"
    assert locate_error("multi", text) == (None, text)
    assert locate_error("ok", "") is None
