import pytest
import torch
from tests.train.fakes import write_image_folder, write_png
from train.data.folder import ImageFolderSource, scan_image_folder
from train.errors import ConfigError, TrainError


def _source(root, **kw):
    args = dict(batch_size=4, resolution=None, num_workers=0, seed=0)
    args.update(kw)
    return ImageFolderSource(root, **args)


def test_labels_are_sorted_folder_indices(tiny_folder):
    classes, samples = scan_image_folder(tiny_folder)
    assert classes == ["class_0", "class_1", "class_2", "class_3"]
    assert [label for _, label in samples] == [c for c in range(4) for _ in range(8)]


def test_batches_are_uint8_images_with_labels(tiny_folder):
    source = _source(tiny_folder)
    assert source.num_classes == 4 and source.steps_per_epoch() == 8
    batch = next(source.batches(0))
    (images,) = batch.views
    assert images.shape == (4, 3, 32, 32) and images.dtype == torch.uint8
    assert batch.labels.dtype == torch.int64 and batch.labels.shape == (4,)


def _epoch_labels_and_pixels(source, epoch, start=0):
    return [(b.labels.tolist(), b.views[0].float().mean().item())
            for b in source.batches(epoch, start)]


def test_epochs_reshuffle_and_resume_skips_seen_batches(tiny_folder):
    source = _source(tiny_folder)
    full = _epoch_labels_and_pixels(source, 0)
    assert _epoch_labels_and_pixels(source, 0, start=5) == full[5:]
    assert _epoch_labels_and_pixels(source, 1) != full


def test_ranks_get_disjoint_shards_covering_the_epoch(tiny_folder):
    seen = []
    for rank in range(2):
        source = _source(tiny_folder, rank=rank, world_size=2)
        assert source.steps_per_epoch() == 4
        for batch in source.batches(3):
            seen += [tuple(img.flatten()[:64].tolist()) for img in batch.views[0]]
    assert len(seen) == 32 and len(set(seen)) == 32


def test_resolution_resizes_on_load(tiny_folder):
    images = next(_source(tiny_folder, resolution=16).batches(0)).views[0]
    assert images.shape[-2:] == (16, 16)


@pytest.mark.parametrize("workers", [0, 1])
def test_mixed_sizes_without_resolution_name_the_file_in_one_line(tmp_path, workers):
    root = write_image_folder(tmp_path, classes=1, per_class=4, size=8)
    write_png(torch.zeros(3, 9, 8, dtype=torch.uint8), root / "class_0" / "999.png")
    with pytest.raises(TrainError, match=r"^image .*999.png is \(9, 8\) \(H, W\)") as info:
        for _ in _source(root, batch_size=5, num_workers=workers).batches(0):
            pass
    assert "\n" not in str(info.value)


def test_empty_or_small_folders_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="is not a folder"):
        _source(tmp_path / "missing")
    (tmp_path / "empty" / "a").mkdir(parents=True)
    with pytest.raises(ConfigError, match="holds no .png"):
        _source(tmp_path / "empty")
    root = write_image_folder(tmp_path / "small", classes=1, per_class=3, size=8)
    with pytest.raises(ConfigError, match="fewer than one global batch"):
        _source(root)


def test_corrupt_image_names_the_file(tmp_path):
    root = write_image_folder(tmp_path, classes=1, per_class=4, size=8)
    (root / "class_0" / "000.png").write_bytes(b"not a png")
    with pytest.raises(TrainError, match="000.png"):
        _source(root)


def _flat_folder(root, count=8):
    """What render_vk.render --layout flat (or --mixup) writes: images at the top, its state
    folder and report beside them."""
    gen = torch.Generator().manual_seed(0)
    root.mkdir(parents=True)
    for i in range(count):
        write_png(torch.randint(0, 256, (3, 8, 8), dtype=torch.uint8, generator=gen),
                  root / f"{i:06d}.png")
    (root / ".render_state").mkdir()
    (root / ".render_state" / "r0.jsonl").write_text("")
    (root / "report.json").write_text("{}")
    return root


def test_a_flat_folder_gives_one_class_per_image_to_label_free_methods(tmp_path):
    root = _flat_folder(tmp_path / "flat")
    classes, samples = scan_image_folder(root, labelled=False)
    assert classes == [] and [label for _, label in samples] == list(range(8))
    source = _source(root, labelled=False)
    assert source.num_classes is None and source.steps_per_epoch() == 2
    assert next(source.batches(0)).views[0].shape == (4, 3, 8, 8)


def test_a_flat_folder_is_refused_where_labels_are_needed(tmp_path):
    root = _flat_folder(tmp_path / "flat")
    with pytest.raises(ConfigError, match="no <class>/ folders .* needs class labels"):
        _source(root)


def test_hidden_and_empty_folders_are_no_classes(tiny_folder, tmp_path):
    root = write_image_folder(tmp_path / "tree", classes=2, per_class=4, size=8)
    (root / ".render_state").mkdir()
    (root / "dropped_program").mkdir()
    write_png(torch.zeros(3, 8, 8, dtype=torch.uint8), root / "contact_sheet.png")
    classes, samples = scan_image_folder(root)
    assert classes == ["class_0", "class_1"] and len(samples) == 8
