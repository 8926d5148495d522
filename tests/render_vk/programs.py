"""Programs the renderer tests share: three good ones and one that (nearly) never ends, or one
that is merely slow."""
from glsl_transpile import from_code, load_builtin_pack


def good_and_hanging(heavy: bool = True):
    """Three built-in Shadertoy programs and "hang", an endless loop (index 3).

    lavapipe stops a loop after 65,535 iterations; ``heavy`` iterations make that take about a
    second, light ones a few milliseconds per pixel block."""
    body = ("".join(f"x += sin(x * {k}.1 + float(i));" for k in range(12)) if heavy
            else "x += sin(x + float(i));")
    hang = from_code("void mainImage(out vec4 c, in vec2 f) { float x = 0.0;\n"
                     f"  for (int i = 0; i >= 0; i++) {{ {body} }}\n"
                     "  c = vec4(x); }", "hang")
    return [s for s in load_builtin_pack() if s.kind == "shadertoy"][:3] + [hang]


def good_and_slow(iterations: int = 4000):
    """Three built-in Shadertoy programs and "slow" (index 3): a long finite loop, well under
    the loop cap, so it renders correctly but takes milliseconds per pixel."""
    body = "".join(f"x += sin(x * {k}.1 + float(i));" for k in range(6))
    slow = from_code("void mainImage(out vec4 c, in vec2 f) { float x = f.x;\n"
                     f"  for (int i = 0; i < {iterations}; i++) {{ {body} }}\n"
                     "  c = vec4(fract(x)); }", "slow")
    return [s for s in load_builtin_pack() if s.kind == "shadertoy"][:3] + [slow]
