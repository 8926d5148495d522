import pytest
import torch

from tests.train.fakes import FakeRenderer, pattern_images
from train.config import LiveConfig, load_config
from train.data.build import SourceContext, build_source
from train.data.live import LiveProgramSource
from train.data.mixup import dirichlet_ones, distinct_programs, mix_components
from train.data.render_protocol import ProgramRenderer
from train.data.time_sampling import time_sampler
from train.errors import ConfigError, TrainError


def _live(fake: FakeRenderer, *, batch_size: int = 8, images: int = 64, rank: int = 0,
          world_size: int = 1, **live) -> LiveProgramSource:
    return LiveProgramSource(ProgramRenderer(fake, fake.num_programs), LiveConfig(**live),
                             batch_size=batch_size, images_per_epoch=images, seed=3, rank=rank,
                             world_size=world_size)


def test_continuous_sampling_keeps_each_frame_in_its_quarter_second():
    frames = torch.arange(100)
    t = time_sampler("continuous")(frames, LiveConfig(fps=4.0), torch.Generator().manual_seed(0))
    assert t.dtype == torch.float32
    assert ((t >= frames / 4) & (t <= (frames + 1) / 4)).all()


def test_random_sampling_stays_in_range_and_registry_miss_lists_names():
    t = time_sampler("random")(torch.zeros(500, dtype=torch.long), LiveConfig(),
                               torch.Generator().manual_seed(0))
    assert t.min() >= 0.1 and t.max() <= 10.0 and t.std() > 2
    with pytest.raises(ConfigError, match="continuous, random"):
        time_sampler("sometimes")


def test_one_random_program_per_image_as_uint8():
    fake = FakeRenderer(num_programs=6, size=16)
    source = _live(fake)
    assert source.num_classes == 6 and source.steps_per_epoch() == 8
    batch = source.batch(0, 0)
    programs, times = fake.calls[0]
    assert torch.equal(batch.labels, programs) and batch.views[0].dtype == torch.uint8
    assert torch.equal(batch.views[0], pattern_images(programs, times, 16))
    # 64 images over 6 programs: frames 0..10, so continuous times lie in [0, 2.75].
    assert times.max() <= 11 / 4


def test_mixup_mixes_k_distinct_programs_with_dirichlet_weights():
    fake = FakeRenderer(num_programs=6, size=16)
    source = _live(fake, mixup_k=3)
    draws = source.draw(8, torch.Generator().manual_seed(1))
    images = source.render(draws)
    assert images.dtype == torch.float32 and images.shape == (8, 3, 16, 16)
    assert all(len(set(row.tolist())) == 3 for row in draws.programs)
    manual = sum(draws.weights[:, i, None, None, None]
                 * pattern_images(draws.programs[:, i], draws.times_seconds[:, i], 16).float()
                 for i in range(3)) / 255
    assert torch.allclose(images, manual.clamp(0, 1), atol=1e-5)
    batch = source.batch(0, 0)
    main = source.draw(8, torch.Generator().manual_seed(1))  # labels: program of largest weight
    assert batch.labels.shape == (8,) and main.weights.shape == (8, 3)


def test_fixed_dataset_reuses_the_same_draws_in_a_new_order():
    def epoch_draws(source, epoch):
        rows = [source.fixed_draws(epoch, s) for s in range(source.steps_per_epoch())]
        return sorted(zip(torch.cat([r.programs[:, 0] for r in rows]).tolist(),
                          torch.cat([r.times_seconds[:, 0] for r in rows]).tolist()))

    source = _live(FakeRenderer(), fixed_dataset=True)
    assert epoch_draws(source, 0) == epoch_draws(source, 1)
    assert not torch.equal(source.fixed_draws(0, 0).times_seconds,
                           source.fixed_draws(1, 0).times_seconds)
    fresh = _live(FakeRenderer())
    assert not torch.equal(fresh.batch(0, 0).views[0], fresh.batch(1, 0).views[0])


def test_a_balanced_fixed_dataset_splits_the_image_budget_evenly():
    source = _live(FakeRenderer(num_programs=6), images=64, fixed_dataset=True, balanced=True)
    counts = torch.bincount(source.table.programs[:, 0], minlength=6)
    assert counts.sum() == 64 and set(counts.tolist()) == {10, 11}  # 64 = 6 x 10 + 4
    uneven = _live(FakeRenderer(num_programs=6), images=64, fixed_dataset=True)
    assert set(torch.bincount(uneven.table.programs[:, 0], minlength=6).tolist()) != {10, 11}
    for bad in (["data.live.balanced=true"],
                ["data.live.balanced=true", "data.live.fixed_dataset=true", "data.live.mixup_k=6"]):
        with pytest.raises(ConfigError, match="balanced"):
            load_config(None, bad)


def test_fixed_dataset_shards_are_disjoint_across_ranks():
    times = [torch.cat([_live(FakeRenderer(), rank=r, world_size=2, fixed_dataset=True)
                        .fixed_draws(0, s).times_seconds[:, 0] for s in range(4)])
             for r in range(2)]
    assert len(set(torch.cat(times).tolist())) == 64


def test_mixup_weights_and_distinct_programs_helpers():
    w = dirichlet_ones(4000, 6, torch.Generator().manual_seed(0))
    assert torch.allclose(w.sum(1), torch.ones(4000)) and (w > 0).all()
    assert w.mean(0) == pytest.approx(torch.full((6,), 1 / 6), abs=0.01)
    small = distinct_programs(50, 6, 6, torch.Generator().manual_seed(0))
    large = distinct_programs(300, 6, 21000, torch.Generator().manual_seed(0))  # rejection path
    for ids in (small, large):
        assert all(len(set(row.tolist())) == 6 for row in ids)
    with pytest.raises(ValueError):
        distinct_programs(2, 4, 3, torch.Generator())


def test_mix_components_accepts_strided_uint8_and_weights_sum():
    rgba = torch.full((4, 2, 2, 4), 200, dtype=torch.uint8)
    out = mix_components(rgba[..., :3].permute(0, 3, 1, 2), torch.tensor([[0.25, 0.75]] * 2))
    assert torch.allclose(out, torch.full((2, 3, 2, 2), 200 / 255))


def test_live_config_without_programs_or_resolution_is_a_config_error():
    from train.errors import ConfigError
    cfg = load_config(None, ["data.source=live", "data.resolution=16"])
    with pytest.raises(ConfigError, match="data.live.programs"):
        build_source(cfg.data, SourceContext(8, 0, 0, 1, torch.device("cpu")))


def test_live_source_renders_builtin_programs_through_render_vk():
    cfg = load_config(None, ["data.source=live", "data.live.programs=[builtin]",
                             "data.resolution=16", "data.images_per_epoch=16",
                             "data.live.mixup_k=2"])
    source = build_source(cfg.data, SourceContext(8, 0, 0, 1, torch.device("cpu")))
    batch = next(iter(source.batches(0)))
    assert batch.views[0].shape[0] == 8 and batch.views[0].shape[-1] == 16
    assert len(set(batch.labels.tolist())) > 1


def test_live_config_with_a_handed_renderer_builds_the_live_source():
    cfg = load_config(None, ["data.source=live", "data.images_per_epoch=64",
                             "data.live.mixup_k=2"])
    fake = FakeRenderer()
    source = build_source(cfg.data, SourceContext(8, 0, 0, 1, torch.device("cpu"),
                                                  ProgramRenderer(fake, 6)))
    assert isinstance(source, LiveProgramSource) and source.steps_per_epoch() == 8
    with pytest.raises(ConfigError, match="mixup_k=7"):
        _live(FakeRenderer(), mixup_k=7)


def test_unknown_source_lists_valid_names():
    cfg = load_config(None, ["data.source=web"])
    with pytest.raises(ConfigError, match="folder, latent, live, program_theta, program_time"):
        build_source(cfg.data, SourceContext(8, 0, 0, 1, torch.device("cpu")))


def test_live_output_is_validated_and_cuda_needs_a_gpu():
    from train.errors import ConfigError
    with pytest.raises(ConfigError, match="data.live.output"):
        load_config(None, ["data.live.output=tpu"])
    if torch.cuda.is_available():
        pytest.skip("checks the error without a GPU")
    cfg = load_config(None, ["data.source=live", "data.live.programs=[builtin]",
                             "data.resolution=16", "data.live.output=cuda"])
    with pytest.raises(ConfigError, match="data.live.output='cuda' needs a CUDA device"):
        build_source(cfg.data, SourceContext(8, 0, 0, 1, torch.device("cpu")))


def test_live_renderer_releases_the_previous_batch_and_keeps_its_consistency_check():
    from render_vk.live import open_live_renderer
    live = open_live_renderer(["builtin"], 16, consistency_every=2)
    try:
        assert live.renderer.config.consistency_every == 2
        released = []
        handoff = live.renderer._ctx.handoff
        handoff.release = lambda lease, real=handoff.release: (released.append(lease),
                                                               real(lease))
        ids, times = torch.tensor([0, 1, 2]), torch.tensor([0.5, 1.0, 1.5])
        first = live(ids, times).clone()
        previous = live._last
        assert previous._slot.lease not in released
        second = live(ids, times)
        assert previous._slot.lease in released  # released when the next batch was asked for
        assert torch.equal(first, second)
        assert live.renderer._reference_digest is not None  # the check ran
    finally:
        live.close()


def test_live_renderer_replaces_a_program_that_fails_during_training():
    from render_vk import Renderer, RendererConfig
    from render_vk.live import LiveRenderer
    from tests.render_vk.programs import good_and_slow

    renderer = Renderer(RendererConfig(image_timeout_s=0.02))
    renderer.load(good_and_slow(iterations=20000))  # "slow" is index 3: about 1 s an image
    live = LiveRenderer(renderer, 32)
    try:
        images = live(torch.tensor([0, 3, 1, 3]), torch.tensor([0.5, 1.0, 1.5, 2.0]))
        assert images.shape == (4, 3, 32, 32)
        assert renderer.program(3).status == "timeout"
        assert live.ids[3] in (0, 1, 2)  # the failed program's draws render another one now
        assert live.num_programs == 4  # ids drawn by the source stay valid
    finally:
        live.close()


def test_sharded_live_draws_keep_each_stretch_of_steps_to_one_shard():
    renderer = ProgramRenderer(FakeRenderer(num_programs=40, size=8), 40)
    live = LiveConfig(shard_programs=5, shard_images=32)
    source = LiveProgramSource(renderer, live, batch_size=8, images_per_epoch=256, seed=1,
                               rank=0, world_size=2)
    per_step = [set(source.batch(0, step).labels.tolist()) for step in range(16)]
    for first in range(0, 16, 2):  # 32 images a shard = 2 steps of 8 x 2 ranks
        used = per_step[first] | per_step[first + 1]
        assert len(used) <= 5, (first, used)
    assert len(set().union(*per_step)) > 20  # the run moves through the shards
    with pytest.raises(ConfigError, match="fixed_dataset"):
        load_config(None, ["data.live.shard_programs=5", "data.live.fixed_dataset=true"])


def test_live_training_probes_at_the_times_it_will_draw():
    from train.config import LiveConfig
    from train.data.time_sampling import probe_times

    assert probe_times(LiveConfig(fps=4.0), frames=9) == [0.125, 1.125, 2.125]
    assert probe_times(LiveConfig(time_sampling="random", time_range_seconds=(1.0, 3.0)),
                       frames=9) == [1.0, 2.0, 3.0]


def test_the_live_pool_leaves_constant_programs_out_and_says_so(tmp_path, caplog):
    from glsl_transpile import builtin_pack_dir
    from train.data.build import open_renderer

    (tmp_path / "flat.glsl").write_text(
        "void mainImage(out vec4 c, in vec2 f) { c = vec4(0.2, 0.4, 0.6, 1.0); }")
    good = sorted((builtin_pack_dir() / "shadertoy").glob("*.glsl"))[0]
    (tmp_path / good.name).write_text(good.read_text())
    cfg = load_config(None, [f"data.live.programs=[{tmp_path}]", "data.resolution=16",
                             "data.images_per_epoch=64"]).data
    with caplog.at_level("WARNING", logger="train.data.build"):
        renderer = open_renderer(cfg)
    try:
        assert renderer.num_programs == 1
        assert "live programs: 1 dropped (1 constant) of 2: flat (constant)" in caplog.text
    finally:
        renderer.close()
    kept = load_config(None, [f"data.live.programs=[{tmp_path}]", "data.resolution=16",
                              "data.live.drop_constant=false",  # a constant one is static too
                              "data.live.drop_static=false"]).data
    renderer = open_renderer(kept)
    try:
        assert renderer.num_programs == 2
    finally:
        renderer.close()
