"""eval.imagenet100: the CMC class list and the symlink cut."""
from __future__ import annotations

import re

import pytest

from eval.errors import DatasetFormatError
from eval.imagenet100 import cut_subset, imagenet100_classes, main


def test_class_list_has_100_distinct_wordnet_ids():
    classes = imagenet100_classes()
    assert len(classes) == len(set(classes)) == 100
    assert all(re.fullmatch(r"n\d{8}", c) for c in classes)
    assert classes[0] == "n02869837" and classes[-1] == "n02090622"


def test_cut_subset_links_class_folders_and_is_rerunnable(tmp_path):
    src = tmp_path / "imagenet"
    wanted = ["n00000001", "n00000002"]
    for split in ("train", "val"):
        for wnid in wanted + ["n00000003"]:
            (src / split / wnid).mkdir(parents=True)
            (src / split / wnid / "a.JPEG").write_bytes(b"x")
    dst = tmp_path / "in100"
    assert cut_subset(src, dst, classes=wanted) == 4
    assert (dst / "train" / "n00000001").is_symlink()
    assert (dst / "val" / "n00000002" / "a.JPEG").read_bytes() == b"x"
    assert not (dst / "train" / "n00000003").exists()
    assert cut_subset(src, dst, classes=wanted) == 0


def test_cut_subset_names_missing_classes(tmp_path):
    (tmp_path / "src" / "train").mkdir(parents=True)
    (tmp_path / "src" / "val").mkdir()
    with pytest.raises(DatasetFormatError, match="100 class folders missing"):
        cut_subset(tmp_path / "src", tmp_path / "dst")
    assert main([str(tmp_path / "src"), str(tmp_path / "dst")]) == 2
