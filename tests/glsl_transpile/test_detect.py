import pytest

from glsl_transpile.detect import TWIGL_MODES, detect_kind, detect_twigl_mode, find_include
from glsl_transpile.pack import load_builtin_pack

CASES = {
    "classic": "precision highp float;uniform vec2 resolution;uniform float time;"
               "void main(){gl_FragColor=vec4(gl_FragCoord.xy/resolution,sin(time),1);}",
    "classic_300es": "#version 300 es\nprecision highp float;uniform vec2 resolution;"
                     "uniform float time;out vec4 outColor;"
                     "void main(){outColor=vec4(gl_FragCoord.xy/resolution,0,1);}",
    "classic_mrt": "#version 300 es\nprecision highp float;uniform vec2 resolution;"
                   "uniform sampler2D backbuffer0;layout (location = 0) out vec4 outColor0;"
                   "layout (location = 1) out vec4 outColor1;void main(){outColor0=vec4(1);"
                   "outColor1=outColor0;}",
    "geek": "precision highp float;uniform vec2 r;uniform float t;"
            "void main(){gl_FragColor=vec4(gl_FragCoord.xy/r,0,1);}",
    "geek_300es": "#version 300 es\nprecision highp float;uniform vec2 r;uniform float t;"
                  "out vec4 o;void main(){o=vec4(gl_FragCoord.xy/r,0,1);}",
    "geek_mrt": "#version 300 es\nprecision highp float;uniform vec2 r;uniform float t;"
                "layout (location = 0) out vec4 o0;layout (location = 1) out vec4 o1;"
                "void main(){o0=vec4(1);o1=o0;}",
    "geeker": "void main(){gl_FragColor=vec4(gl_FragCoord.xy/r,sin(t),1);}",
    "geeker_300es": "void main(){o=vec4(gl_FragCoord.xy/r,sin(t),1);}",
    "geeker_mrt": "void main(){o0=vec4(gl_FragCoord.xy/r,sin(t),1);o1=o0;}",
    "geekest": "vec2 p=FC.xy/r;gl_FragColor=vec4(p,sin(t),1);",
    "geekest_300es": "vec2 p=FC.xy/r;o=vec4(hsv(p.x,1.,1.),1);",
    "geekest_mrt": "vec2 p=FC.xy/r;o0=vec4(p,0,1);o1=o0;",
}


@pytest.mark.parametrize("mode", TWIGL_MODES)
def test_every_twigl_mode_is_detected(mode):
    assert detect_kind(CASES[mode]) == "twigl"
    assert detect_twigl_mode(CASES[mode]) == mode


def test_geekest_with_its_own_main_is_still_geekest():
    assert detect_twigl_mode("void main(){o=vec4(snoise2D(FC.xy),0,0,1);}") == "geekest_300es"


def test_webgl1_geeker_with_a_local_named_o_stays_webgl1():
    code = "void main(){vec3 o=vec3(1);gl_FragColor=vec4(o,1);}"
    assert detect_twigl_mode(code) == "geeker"


def test_mainimage_in_a_comment_does_not_make_shadertoy():
    assert detect_kind("// void mainImage(out vec4 c, in vec2 f)\no=vec4(1);") == "twigl"
    assert detect_kind("void mainImage(out vec4 c, in vec2 f){c=vec4(1);}") == "shadertoy"


def test_builtin_twigl_programs_are_detected_as_their_folder_mode():
    wrong = []
    for src in load_builtin_pack():
        if src.kind == "twigl" and detect_twigl_mode(src.code) != src.mode:
            wrong.append((src.name, src.mode, detect_twigl_mode(src.code)))
    assert not wrong


def test_fast_comment_and_identifier_scan_agrees_with_the_tokenizer():
    import re

    from glsl_transpile import load_builtin_pack
    from glsl_transpile.detect import _code_only
    from glsl_transpile.lexer import IDENT, tokenize

    def by_tokens(code):
        text = "".join(re.sub(r"[^\n]", " ", t.text) if t.kind == "comment" else t.text
                       for t in tokenize(code))
        return text, {t.text for t in tokenize(code) if t.kind == IDENT}

    tricky = ["float a = 1e5 + 0x1Fu + .5e-3 + 2.f; // mainImage(\n/* o0 */ vec2 v = p.xy;",
              "/* unterminated comment\n void main(){}", "int x=1;//end"]
    for code in tricky + [s.code for s in load_builtin_pack()]:
        text, idents = _code_only(code)
        assert (text, set(idents)) == by_tokens(code), code[:40]


def test_an_include_inside_a_comment_is_not_an_include():
    assert find_include("/*\n#include \"a.glsl\"\n*/\nvoid f(){}") == 0
    assert find_include("// continued on the next line \\\n#include \"a.glsl\"\n") == 0
    assert find_include("// a comment\n#include \"a.glsl\"\n") == 2
