"""Every loop condition of the user's code ticks the per-invocation loop counter."""
import pytest

from glsl_transpile import compile_spirv, from_code, to_compute, to_fragment
from glsl_transpile.lexer import join, tokenize
from glsl_transpile.loop_ticks import TICK, count_loop_iterations


def ticked(code: str) -> str:
    tokens = tokenize(code)
    count_loop_iterations(tokens)
    return join(tokens)


@pytest.mark.parametrize("loop, expected", [
    ("for (int i = 0; i < n; i++) x++;", f"for (int i = 0;{TICK}++, i < n; i++) x++;"),
    ("for (;;) break;", f"for (;{TICK}++,true;) break;"),
    ("for (int i = f(a, (b)); i < n;) {}", f"for (int i = f(a, (b));{TICK}++, i < n;) {{}}"),
    ("while (k < 3) k++;", f"while ({TICK}++,k < 3) k++;"),
    ("do { k--; } while (k > 0);", f"do {{ k--; }} while ({TICK}++,k > 0);"),
    ("for(int i=0;i<2;i++)for(int j=0;j<2;j++)x++;",
     f"for(int i=0;{TICK}++,i<2;i++)for(int j=0;{TICK}++,j<2;j++)x++;"),
])
def test_each_loop_form_ticks_in_its_condition(loop, expected):
    assert ticked(loop) == expected


def test_a_loop_in_a_macro_body_ticks_within_its_line():
    code = "#define LOOP(n) for (int i = 0; i < n; i++)\nLOOP(3) x++;\nwhile (b) {}\n"
    out = ticked(code)
    assert out.split("\n")[0] == f"#define LOOP(n) for (int i = 0;{TICK}++, i < n; i++)"
    assert out.split("\n")[2] == f"while ({TICK}++,b) {{}}"


def test_a_condition_that_declares_a_variable_is_left_alone():
    assert ticked("while (bool b = f()) {}") == "while (bool b = f()) {}"


def test_ticks_add_no_lines_and_the_kernel_compiles_with_the_users_line_numbers():
    code = ("float f(float x) {\n  for (int i = 0; i < 4; i++)\n    x += 1.0;\n"
            "  while (x > 2.0) x -= 1.0;\n  return x + oops;\n}\n"
            "void mainImage(out vec4 c, in vec2 q) { c = vec4(f(q.x)); }")
    user = to_compute(from_code(code, "lines")).glsl.split("#line 1 1\n")[1].split("#line 1 2")[0]
    assert user.count("\n") == code.count("\n") + 1 and user.count(TICK) == 2
    from glsl_transpile import ShaderCompileError
    with pytest.raises(ShaderCompileError) as info:
        compile_spirv("lines", to_compute(from_code(code, "lines")).glsl)
    assert info.value.line == 5


def test_every_loop_form_compiles_and_the_reference_has_no_ticks():
    code = ("#define LOOP(n) for(int j=0;j<n;j++)\n"
            "float f(){ float x; for(int i=0;i<3;i++) x+=1.; for(;;){break;} int k=0;\n"
            "  while(k<3) k++; do { k--; } while(k>0); LOOP(4) x += 2.; return x; }\n"
            "void mainImage(out vec4 c, in vec2 q) { c = vec4(f()); }")
    src = from_code(code, "forms")
    assert compile_spirv(src.name, to_compute(src).glsl)[:4] == b"\x03\x02\x23\x07"
    assert TICK not in to_fragment(src).source
