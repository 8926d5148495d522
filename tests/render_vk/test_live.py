"""Live rendering's pool: constant and static programs are probed and left out."""
import pytest

from glsl_transpile import builtin_pack_dir
from render_vk.errors import RenderError
from render_vk.hygiene import DropRules
from render_vk.live import open_live_renderer

FLAT = "void mainImage(out vec4 c, in vec2 f) { c = vec4(0.2, 0.4, 0.6, 1.0); }"
STILL = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f / iResolution.xy, 0.5, 1.0); }"


def test_the_probe_leaves_constant_and_static_programs_out(tmp_path):
    src = tmp_path / "programs"
    src.mkdir()
    (src / "flat.glsl").write_text(FLAT)
    (src / "still.glsl").write_text(STILL)
    good = sorted((builtin_pack_dir() / "shadertoy").glob("*.glsl"))[0]
    (src / good.name).write_text(good.read_text())
    live = open_live_renderer([str(src)], 16)
    try:
        assert live.num_programs == 3
        assert live.drop_dull([0.1, 1.0], DropRules(static=False)) == {"flat": "constant"}
        assert live.drop_dull([0.1, 1.0], DropRules()) == {"still": "static"}
        assert [live.renderer.program(i).name for i in live.ids] == [good.stem]
        live.ids = [p.index for p in live.renderer.programs() if p.name == "flat"]
        with pytest.raises(RenderError, match="every one of the 1 programs"):
            live.drop_dull([0.1, 1.0], DropRules())
    finally:
        live.close()

