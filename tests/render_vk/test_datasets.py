"""torch datasets over programs: plain DataLoaders with 0 and 2 workers see the same images,
MixUp and view pairs are what their draws say, the map-style dataset renders its pairs, and
renderers are closed explicitly."""
import hashlib
import importlib.util

import pytest
import torch
from torch.utils.data import DataLoader

from glsl_transpile import builtin_pack_dir
from render_vk import Renderer, RenderRequest
from render_vk.datasets import ProgramFrames, ProgramImages
from render_vk.mixing import mixup

FLAT = "void mainImage(out vec4 c, in vec2 f) { c = vec4(0.2, 0.4, 0.6, 1.0); }"


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    """Three built-in Shadertoy programs and a constant one (dropped by default)."""
    src = tmp_path_factory.mktemp("programs")
    for f in sorted((builtin_pack_dir() / "shadertoy").glob("*.glsl"))[:3]:
        (src / f.name).write_text(f.read_text())
    (src / "flat.glsl").write_text(FLAT)
    return [str(src)]


def _digests(loader):
    out = []
    for images, labels in loader:
        for image, label in zip(images, labels):
            out.append((int(label), hashlib.blake2b(image.numpy().tobytes()).hexdigest()))
    return sorted(out)


def test_a_plain_dataloader_with_0_or_2_workers_yields_the_same_images(programs):
    dataset = ProgramImages(programs, resolution=16, images_per_epoch=12, seed=3,
                            render_batch=5)
    with dataset:
        loader = DataLoader(dataset, batch_size=4)
        images, labels = next(iter(loader))
        assert images.shape == (4, 3, 16, 16) and images.dtype == torch.uint8
        assert len(loader) == 3 and len(dataset) == 12
        alone = _digests(loader)
        dataset.set_epoch(1)
        assert _digests(loader) != alone  # a new epoch draws anew
        dataset.set_epoch(0)
    flat = dataset.names.index("flat")
    assert len(alone) == 12 and flat not in {label for label, _ in alone}  # dropped: constant
    assert dataset._live is None  # closed by the with block
    workers = DataLoader(dataset, batch_size=4, num_workers=2, multiprocessing_context="spawn")
    assert _digests(workers) == alone


def test_mixup_items_are_the_weighted_sum_of_their_programs_at_their_times(programs):
    with ProgramImages(programs, resolution=16, images_per_epoch=4, mixup=2, with_info=True,
                       seed=1) as dataset, Renderer() as renderer:
        loaded = renderer.load(dataset.sources)
        for image, label, info in dataset:
            assert len(set(info["programs"].tolist())) == 2
            assert info["weights"].sum().item() == pytest.approx(1.0)
            assert label == info["programs"][int(info["weights"].argmax())]
            parts = renderer.render(RenderRequest([loaded[p].index for p in info["programs"]],
                                                  info["times_s"][0].tolist(), 16, 16))
            assert torch.equal(mixup(parts, info["weights"][None])[0], image)


def test_view_pairs_are_one_program_at_two_times(programs):
    with ProgramImages(programs, resolution=16, images_per_epoch=6, views=2, with_info=True,
                       view_sigma_s=1.0) as dataset:
        loader = DataLoader(dataset, batch_size=3)
        (first, second), labels, info = next(iter(loader))
    assert first.shape == second.shape == (3, 3, 16, 16)
    assert info["times_s"].shape == (3, 2, 1)
    assert not torch.equal(info["times_s"][:, 0], info["times_s"][:, 1])
    assert not torch.equal(first, second)


def test_the_map_style_dataset_renders_its_pairs_in_one_batch(programs):
    with ProgramFrames(programs, [("flat", 0.0), (0, 1.5), (1, 0.25)],
                       resolution=16) as frames, Renderer() as renderer:
        assert len(frames) == 3 and frames.names[0] != "flat"
        images, labels = next(iter(DataLoader(frames, batch_size=3)))
        assert labels.tolist() == [frames.names.index("flat"), 0, 1]
        assert (images[0] == images[0][:, :1, :1]).all()  # the constant program, kept here
        loaded = renderer.load(frames.sources)
        expected = renderer.render(RenderRequest([loaded[0].index], [1.5], 16, 16))
        assert torch.equal(images[1], expected[0])
    with pytest.raises(ValueError, match="no program 'nope'"):
        ProgramFrames(programs, [("nope", 1.0)], resolution=16)


@pytest.mark.skipif(importlib.util.find_spec("lightning") is None,
                    reason="lightning is not installed (not a dependency; the README's "
                           "example shows it)")
def test_a_lightning_trainer_fits_on_view_pairs(programs, tmp_path):
    import lightning as L

    class Tiny(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(768, 8))

        def training_step(self, batch, batch_idx):
            (a, b), _ = batch
            za, zb = self.net(a.float() / 255), self.net(b.float() / 255)
            return torch.nn.functional.mse_loss(za, zb)

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.1)

    with ProgramImages(programs, resolution=16, images_per_epoch=8, views=2) as dataset:
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False,
                            enable_checkpointing=False, default_root_dir=tmp_path,
                            enable_progress_bar=False)
        trainer.fit(Tiny(), DataLoader(dataset, batch_size=4))
        assert trainer.global_step == 2


@pytest.mark.skipif(importlib.util.find_spec("lightly") is None,
                    reason="lightly is not installed (not a dependency; the README's example "
                           "shows it)")
def test_a_lightly_style_loop_trains_on_view_pairs(programs):
    from lightly.loss import NTXentLoss

    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(768, 8))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    criterion = NTXentLoss()
    with ProgramImages(programs, resolution=16, images_per_epoch=8, views=2) as dataset:
        for (x0, x1), _ in DataLoader(dataset, batch_size=4):
            loss = criterion(net(x0.float() / 255), net(x1.float() / 255))
            opt.zero_grad()
            loss.backward()
            opt.step()
    assert torch.isfinite(loss)
