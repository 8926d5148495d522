"""Image folders: any ImageFolder tree `root/<class>/<image>.png|jpg`, or a flat folder of images
(for methods that use no labels), loaded as uint8 tensors.

Labels are folder indices in sorted folder-name order (as torchvision's ImageFolder). Images are
decoded with Pillow (torchvision.io's decoders are deprecated since 0.29) in DataLoader workers;
sharding and order follow DistributedSampler's rules (a permutation per epoch from the seed, rank
r takes every world-th index), and a resumed epoch skips the batches already seen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from torch import Tensor
from torch.utils.data import DataLoader, Dataset, Sampler
from torchvision.transforms.v2.functional import resize

from train.data.batch import ViewBatch
from train.errors import ConfigError, TrainError
from train.interrupt import ignore_stop_signals

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})


def _images_under(folder: Path, *, recursive: bool) -> list[Path]:
    found = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in found if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def scan_image_folder(root: Path, *, labelled: bool = True
                      ) -> tuple[list[str], list[tuple[Path, int]]]:
    """Class names and (path, label) pairs in sorted order.

    Two layouts: ``root/<class>/<image>`` (labels: the class folder's index among the sorted
    folders that hold images; hidden folders such as the render CLI's ``.render_state`` are no
    class), or flat, ``root/<image>`` with no class folder (the render CLI's ``--layout flat``
    and MixUp output): no class names, and each image's label is its own index.

    Args:
        labelled: the caller needs class labels; a flat folder is then an error.
    Raises:
        ConfigError: `root` is not a folder, holds no image, or is flat and labels are needed.
    """
    if not root.is_dir():
        raise ConfigError(f"data.path={str(root)!r} is not a folder")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    per_class = [(d.name, _images_under(d, recursive=True)) for d in folders]
    per_class = [(name, files) for name, files in per_class if files]
    if per_class:
        samples = [(path, label) for label, (_, files) in enumerate(per_class) for path in files]
        return [name for name, _ in per_class], samples
    flat = _images_under(root, recursive=False)
    if not flat:
        raise ConfigError(f"data.path={str(root)!r} holds no .png/.jpg, neither in <class>/ "
                          "folders nor at the top")
    if labelled:
        raise ConfigError(f"data.path={str(root)!r} holds images but no <class>/ folders (a "
                          "flat layout): this method needs class labels; train moco or simclr "
                          "on it, or render with --layout per-program")
    return [], [(path, index) for index, path in enumerate(flat)]


def read_image(path: Path, resolution: int | None) -> Tensor:
    """Decode one image to (3, H, W) uint8 RGB; resized (antialiased) to a square if asked.

    Raises:
        TrainError: the file cannot be read or decoded; names the file.
    """
    try:
        with Image.open(path) as pil:
            array = np.asarray(pil.convert("RGB"))
    except (UnidentifiedImageError, OSError) as err:
        raise TrainError(f"cannot decode image {path}: {err}") from err
    image = torch.from_numpy(array.copy()).permute(2, 0, 1).contiguous()
    if resolution is not None and tuple(image.shape[-2:]) != (resolution, resolution):
        image = resize(image, [resolution, resolution], antialias=True)
    return image


class FolderImages(Dataset):
    """Map-style dataset of (image (3, H, W) uint8, label) pairs of one folder tree."""

    def __init__(self, samples: list[tuple[Path, int]], resolution: int | None) -> None:
        self.samples = samples
        self.resolution = resolution
        self.size_hw = tuple(read_image(samples[0][0], resolution).shape[-2:])

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> tuple[Tensor, int]:
        path, label = self.samples[index]
        image = read_image(path, self.resolution)
        if tuple(image.shape[-2:]) != self.size_hw:
            raise TrainError(f"image {path} is {tuple(image.shape[-2:])} (H, W) but "
                             f"{self.samples[0][0]} is {self.size_hw}; set data.resolution")
        return image, label


class ShardOrder(Sampler[int]):
    """This rank's indices of one epoch: permutation(seed + epoch)[rank::world], minus a skip."""

    def __init__(self, size: int, *, usable: int, seed: int, epoch: int, rank: int,
                 world_size: int, skip: int) -> None:
        order = torch.randperm(size, generator=torch.Generator().manual_seed(seed + epoch))
        self.indices = order[:usable][rank::world_size][skip:].tolist()

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices)

    def __len__(self) -> int:
        return len(self.indices)


class ImageFolderSource:
    """Batches of one view (B, 3, H, W) uint8 and folder labels, for one rank.

    Args:
        root: the folder tree, or a flat folder of images (see `scan_image_folder`).
        batch_size: per rank. resolution: resize on load (None: keep, all images must then
        share one size). num_workers: decoding processes (they ignore Ctrl-C and SIGTERM: the
        training loop stops cleanly instead, `train.interrupt`).
        seed, rank, world_size: shuffling and sharding, as DistributedSampler.
        labelled: labels are needed (a flat folder is refused); a flat folder has
        ``num_classes`` None and every image is its own class.
    """

    def __init__(self, root: Path, *, batch_size: int, resolution: int | None, num_workers: int,
                 seed: int, rank: int = 0, world_size: int = 1, pin_memory: bool = False,
                 labelled: bool = True) -> None:
        self.classes, samples = scan_image_folder(root, labelled=labelled)
        self.num_classes: int | None = len(self.classes) if self.classes else None
        self.dataset = FolderImages(samples, resolution)
        self.batch_size, self.num_workers, self.pin_memory = batch_size, num_workers, pin_memory
        self.seed, self.rank, self.world_size = seed, rank, world_size
        if self.steps_per_epoch() == 0:
            raise ConfigError(f"data.path={str(root)!r} has {len(samples)} images, fewer than one "
                              f"global batch (data.batch_size={batch_size * world_size})")

    def close(self) -> None:
        """Nothing to free: loaders end with their epoch."""

    def steps_per_epoch(self) -> int:
        return len(self.dataset) // (self.batch_size * self.world_size)

    def batches(self, epoch: int, start_step: int = 0) -> Iterator[ViewBatch]:
        usable = self.steps_per_epoch() * self.batch_size * self.world_size
        sampler = ShardOrder(len(self.dataset), usable=usable, seed=self.seed, epoch=epoch,
                             rank=self.rank, world_size=self.world_size,
                             skip=start_step * self.batch_size)
        # A private generator: creating the loader must not draw from the global RNG, which a
        # resumed run restores before this point.
        loader = DataLoader(self.dataset, batch_size=self.batch_size, sampler=sampler,
                            num_workers=self.num_workers, pin_memory=self.pin_memory,
                            drop_last=True, generator=torch.Generator().manual_seed(epoch),
                            worker_init_fn=ignore_stop_signals)
        try:
            for images, labels in loader:
                yield ViewBatch((images,), labels)
        except TrainError as err:
            raise TrainError(_worker_message(err)) from err


def _worker_message(err: TrainError) -> str:
    """The original one-line message of a TrainError that a DataLoader worker re-raised with
    its traceback folded into the text ("Caught TrainError in DataLoader worker ... : msg")."""
    last = str(err).strip().splitlines()[-1]
    prefix = f"{TrainError.__module__}.{TrainError.__qualname__}: "
    return last[len(prefix):] if last.startswith(prefix) else last
