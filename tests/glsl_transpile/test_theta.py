"""The parameter protocol: one THETA declaration, baked in the file, read per sample in the kernel."""
import pytest

from glsl_transpile import ShaderSourceError, compile_program, from_code, theta, to_compute

CODE = """// a program with three latent parameters
const float THETA[3] = float[3](
    0.75,        // 0 warp.strength ~ U(0.1, 1.5)
    -2.5,        // 1 palette.phase ~ U(-3.0, 3.0)
    4.0          // 2 tiles ~ U(2.0, 8.0)
);
void mainImage(out vec4 c, in vec2 f) {
    vec2 u = f / iResolution.xy;
    c = vec4(THETA[0] * u.x, 0.5 + 0.5 * sin(THETA[1] + u.y * THETA[2] + iTime), 0.2, 1.0);
}
"""


def test_loading_fills_theta_with_the_baked_values():
    src = from_code(CODE, "p")
    assert src.theta == (0.75, -2.5, 4.0)
    assert from_code("void mainImage(out vec4 c, in vec2 f) { c = vec4(1.0); }", "q").theta == ()


def test_names_and_priors_come_from_the_entry_comments():
    params = theta.find_declaration(CODE).parameters
    assert [p.name for p in params] == ["warp.strength", "palette.phase", "tiles"]
    assert [(p.low, p.high) for p in params] == [(0.1, 1.5), (-3.0, 3.0), (2.0, 8.0)]


@pytest.mark.parametrize("code", [
    "void f() { const float THETA[2] = float[2](1.0, 2.0); }",        # not global
    "const float THETA[2] = float[2](1.0, 2.0 * 3.0);",               # not literals
    "const float THETA[3] = float[3](1.0, 2.0);",                     # wrong count
    "// const float THETA[1] = float[1](1.0);",                       # a comment
    "#define X const float THETA[1] = float[1](1.0);",                # a macro
])
def test_other_forms_are_ordinary_code(code):
    assert theta.find_declaration(code) is None


def test_kernel_text_does_not_depend_on_the_values():
    a = from_code(CODE, "p")
    b = from_code(theta.with_values(CODE, "p", [1.25, 0.5, 7.0]), "p")
    assert b.theta == (1.25, 0.5, 7.0)
    assert to_compute(a).glsl == to_compute(b).glsl
    assert theta.structure_id(a.code) == theta.structure_id(b.code)
    assert theta.structure_id(CODE) != theta.structure_id(CODE.replace("0.2, 1.0", "0.3, 1.0"))


def test_runtime_code_keeps_the_users_line_numbers():
    runtime = theta.runtime_code(CODE, "p", 3)
    assert runtime.count("\n") == CODE.count("\n")
    assert runtime.split("\n")[6:] == CODE.split("\n")[6:]
    assert "const" not in runtime.split("\n")[1]


def test_compile_errors_point_at_the_users_line():
    bad = CODE.replace("0.2, 1.0)", "0.2, 1.0) + undefinedName")
    result = compile_program(from_code(bad, "bad"))
    assert not result.ok and result.error.line == 9


def test_a_record_whose_theta_does_not_match_the_code_is_refused():
    import dataclasses
    src = dataclasses.replace(from_code(CODE, "p"), theta=(1.0, 2.0))
    with pytest.raises(ShaderSourceError, match="declares 3 entries"):
        to_compute(src)


def test_format_value_round_trips_and_is_a_glsl_float_literal():
    for v in (0.0, -2.5, 3e-9, 1234567.0, 0.1):
        text = theta.format_value(v)
        assert float(text) == v and ("." in text)
