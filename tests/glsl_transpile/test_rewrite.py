from glsl_transpile import from_code, to_compute
from glsl_transpile.rewrite import rewrite_user_code


def _rw(code, webgl1=False):
    return rewrite_user_code(code, webgl1=webgl1)


def test_rewrite_preserves_line_count_and_positions():
    code = "float a;\nvoid main(){\n  float i, g = 1.;\n  if (g > 0.) discard;\n  int n;\n}\n"
    out = _rw(code).code
    assert out.count("\n") == code.count("\n")
    assert "discard" not in out.split("\n")[3] and "_kDiscarded=true" in out.split("\n")[3]


def test_locals_without_initialiser_become_zero():
    out = _rw("void main(){float i,g=.5,e;int n;vec3 p;mat2 m;bool b;}").code
    for piece in ("i=0.0", "e=0.0", "n=0", "p=vec3(0.0)", "m=mat2(0.0)", "b=false"):
        assert piece in out
    assert "g=.5" in out


def test_for_loop_init_without_value_becomes_zero():
    assert "for(int i=0;" in _rw("void main(){for(int i;i<3;i++){}}").code


def test_arrays_and_structs_are_zero_filled():
    out = _rw("struct S{float a;vec2 b[2];};void main(){float v[4];S s;}").code
    assert "_kZero_S()" in out and "v[_kI]=0.0" in out and "s=_kZero_S()" in out


def test_struct_fields_and_const_are_left_alone():
    out = _rw("struct S{float a;};const float k=1.;void main(){}").code
    assert "struct S{float a;}" in out and "a=0.0" not in out.split("}")[0]


def test_discard_in_void_function_returns_and_swallows_semicolon():
    out = _rw("void main(){if(true)discard;else{}}").code
    assert "{_kDiscarded=true;return;}else" in out.replace(" ", "")


def test_discard_in_value_function_marks_without_return():
    out = _rw("float f(){if(true)discard;return 1.;}void main(){}").code
    assert "{_kDiscarded=true;}" in out and "return;" not in out


def test_fragment_builtins_and_samplers_are_renamed():
    out = _rw("uniform sampler2D b;void main(){gl_FragColor=texture2D(b,gl_FragCoord.xy)"
              "+dFdx(gl_FragCoord.x)+fwidth(1.);}").code
    assert "gl_" not in out
    for piece in ("sampler2D b", "_kt_texture2D(", "_kDFdx(", "_kFwidth(", "_kFragColor"):
        assert piece in out
    bound = rewrite_user_code("uniform highp sampler2D b;void main(){}", webgl1=True,
                              sampler_layout=lambda t, n: f"layout(binding={len(n)})").code
    assert bound.startswith("layout(binding=1) uniform") and "highp sampler2D b;" in bound


def test_uniforms_and_outputs_are_recorded_and_stripped():
    user = _rw("uniform vec2 resolution;uniform float time, speed;\n"
               "layout(location = 0) out vec4 outColor0;layout (location=1) out vec4 outColor1;"
               "void main(){}")
    assert ("vec2", "resolution") in user.uniforms and ("float", "speed") in user.uniforms
    assert sorted(user.outputs) == [("outColor0", 0), ("outColor1", 1)]
    assert "uniform" not in user.code and "layout" not in user.code


def test_desktop_keywords_used_as_names_are_renamed():
    out = _rw("float sample(float x){return x;}void main(){float buffer=sample(1.);}").code
    assert "_ku_sample(" in out and "_ku_buffer" in out


def test_webgl1_program_may_define_functions_that_are_builtin_in_desktop_glsl():
    out = _rw("float round(float x){return floor(x+.5);}void main(){float y=round(1.2);}",
              webgl1=True).code
    assert out.count("_ku_round") == 2


def test_twigl_main_is_renamed_and_shadertoy_main_is_refused():
    user = _rw("void main(){gl_FragColor=vec4(1);}")
    assert user.has_main and "_kUserMain" in user.code
    import pytest
    from glsl_transpile import UnsupportedShaderError, compile_program
    src = from_code("void mainImage(out vec4 c,in vec2 f){c=vec4(1);}\nvoid main(){}", "dup",
                    kind="shadertoy")
    result = compile_program(src)
    assert isinstance(result.error, UnsupportedShaderError) and "main" in str(result.error)


def test_main_inside_an_inactive_preprocessor_block_is_fine():
    from glsl_transpile import compile_program
    code = ("void mainImage(out vec4 O, vec2 C){ O=vec4(.5); }\n#ifdef SOMETHING_ELSE\n"
            "out vec4 fragColor; void main(){ mainImage(fragColor, gl_FragCoord.xy); }\n#endif\n")
    assert compile_program(from_code(code, "ifdef_main")).ok


def test_user_macros_cannot_reach_generated_code():
    from glsl_transpile import compile_program
    code = ("#define width .005\n#define height 2.\n#define x y\n#define frame 3\n"
            "void mainImage(out vec4 O, vec2 C){ O=vec4(width*100.*height); }\n")
    result = compile_program(from_code(code, "macros"))
    assert result.ok, result.error
    assert "#undef width" in result.kernel.glsl


def test_gl_es_is_defined_as_in_webgl():
    out = _rw("#ifdef GL_ES\nprecision highp float;\n#endif\nvoid main(){}").code
    assert "#ifdef _kGL_ES" in out


def test_const_initialiser_glslang_cannot_fold_is_retried_without_const():
    from glsl_transpile import compile_program
    code = ("const mat2 A=mat2(1.,2.,3.,4.);\nconst mat2 B=transpose(A);\n"
            "void mainImage(out vec4 O, vec2 C){ O=vec4(B[0],B[1])*.2; }\n")
    result = compile_program(from_code(code, "fold"))
    assert result.ok, result.error


def test_reference_zero_initialises_each_time_a_declaration_runs():
    from glsl_transpile.rewrite import zero_initialise
    code = "void f(){for(int j=0;j<3;j++){for(int i;i++<2;){}}}\nuniform float t;\nfloat g;"
    out = zero_initialise(code)
    assert "for(int i=0;" in out and "uniform float t;" in out and "float g;" in out


def test_kernel_puts_user_code_under_line_directive_one():
    src = from_code("void mainImage(out vec4 c,in vec2 f){c=vec4(1);}", "k")
    glsl = to_compute(src).glsl
    assert "#line 1 1\nvoid mainImage" in glsl
    wrapped = to_compute(from_code("o=vec4(1);", "w", mode="geekest_300es")).glsl
    assert "#line 1 1\nvoid _kUserMain(){o=vec4(1);" in wrapped


def test_webgl2_program_may_define_functions_that_only_desktop_glsl_has():
    from glsl_transpile import compile_program
    code = ("float bitCount(float x){return x*2.;}\nfloat noise1(vec2 p){return fract(p.x);}\n"
            "void mainImage(out vec4 O, vec2 C){ O=vec4(bitCount(.1)+noise1(C*.01)); }\n")
    result = compile_program(from_code(code, "names"))
    assert result.ok, result.error


# Golden texts: the OpenGL reference of the pixel tests runs zero_initialise's output, so a bug
# shared by both sides of those tests would go unseen; these pin the exact text of each side.
_GOLDEN_SOURCE = (
    "struct S { vec2 p; float w[2]; };\n"
    "float g;\n"
    "float f(float a) { float i, j = 2.0; vec3 v; mat2 m; int k[3]; S s; bool b; "
    "for (int n; n < 3; n++) { i += a; } return i; }")
_ZERO_HELPER = ("S _kZero_S(){S v;v.p=vec2(0.0);for(int i=0;i<v.w.length();++i)v.w[i]=0.0;"
                "return v;}")


def test_golden_text_of_the_references_zero_initialisation():
    from glsl_transpile.rewrite import zero_initialise

    assert zero_initialise(_GOLDEN_SOURCE) == (
        "struct S { vec2 p; float w[2]; };" + _ZERO_HELPER + "\n"
        "float g;\n"
        "float f(float a) { float i=0.0, j = 2.0; vec3 v=vec3(0.0); mat2 m=mat2(0.0); "
        "int k[3]; S s=_kZero_S(); bool b=false; for (int n=0; n < 3; n++) { i += a; } "
        "return i; }")


def test_golden_text_of_the_kernels_zero_initialisation():
    assert _rw(_GOLDEN_SOURCE).code == (
        "struct S { vec2 p; float w[2]; };" + _ZERO_HELPER + "\n"
        "float g=0.0;\n"
        "float f(float a) { float i=0.0, j = 2.0; vec3 v=vec3(0.0); mat2 m=mat2(0.0); "
        "int k[3];for(int _kI=0;_kI<k.length();++_kI)k[_kI]=0; S s=_kZero_S(); bool b=false; "
        "for (int n=0;_kLoopTicks++, n < 3; n++) { i += a; } return i; }")


def test_a_programs_own_builtin_signature_is_renamed_and_the_others_forwarded():
    user = _rw("float mod(float a, float b) { return a; }\nvec2 f(vec2 v) { return mod(v, 2.0); }")
    assert "float _ku_mod(float a, float b)" in user.code and "_ku_mod(v, 2.0)" in user.code
    assert "vec2 _ku_mod(vec2 a0, float a1) { return mod(a0, a1); }" in user.forwarders
    assert "float _ku_mod(float a0, float a1)" not in user.forwarders  # the program's own
    assert _rw("vec3 mod(vec3 a, int b) { return a; }").forwarders == ""  # a new overload


def test_a_local_struct_is_zeroed_by_a_constructor_and_anonymous_ones_are_left_alone():
    out = _rw("void f() { struct H { float d; vec3 n; }; H h; }").code
    assert "H h=H(0.0, vec3(0.0));" in out and "_kZero_H" not in out
    anonymous = _rw("struct { bool down; float x; } input;").code
    assert "down;" in anonymous and "=false" not in anonymous


def test_uniform_blocks_become_zero_globals():
    user = _rw("layout(std140) uniform P { vec4 a[2]; };\nuniform C { vec3 eye; } cam;")
    assert user.code.count("\n") == 1 and "uniform" not in user.code
    assert "cam=_kZero_C();" in user.zero_globals
    assert any("a[_kI]=vec4(0.0)" in z for z in user.zero_globals)


def test_sampler_and_clamp_are_renamed_only_where_they_clash():
    out = _rw("float sampler = 1.0; vec3 c = clamp(vec3(sampler), 0.0, 1.0); float x; "
              "struct S { float clamp; };").code
    assert "_ku_sampler" in out and "_kClamp(vec3(_ku_sampler)" in out
    assert "float clamp;" in out  # a member name, not a call
