"""eval.program_renders: programs that fail while rendering are left out, the others rendered."""
from eval.program_renders import render_programs
from render_vk import Renderer, RendererConfig

from ..render_vk.programs import good_and_hanging


def test_a_hanging_program_is_left_out_and_the_others_keep_their_images():
    with Renderer(RendererConfig(batch_timeout_s=0.3, watchdog=False)) as renderer:
        renderer.load(good_and_hanging())
        renders = render_programs(renderer, [0, 1, 2, 3], [0.5, 1.5], 16, batch_images=8)
        assert sorted(renders.images) == [0, 1, 2]
        assert renders.images[0].shape == (2, 16, 16, 3)
        assert renderer.program(3).status in ("timeout", "loop_capped")  # stopped either way
        assert renders.wall_s > 0
