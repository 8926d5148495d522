"""ImageNet-100 (Tian et al., CMC, 2019) cut from a user's ImageNet-1k folder by symlinks.

``eval/data/imagenet100.txt`` holds the subset's 100 WordNet ids, one per line, in the order of
the CMC repository's ``imagenet100.txt``. ``python -m eval.imagenet100 SRC DST`` creates
``DST/{train,val}/<wnid>`` as symlinks to ``SRC/{train,val}/<wnid>``; the result is an
ImageFolder root for ``--dataset imagefolder --data-root DST``. Nothing is copied or downloaded.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from eval.cli import configure_logging
from glsl_transpile.plumbing import command_line
from eval.errors import USER_ERRORS, DatasetFormatError, DatasetNotFoundError

log = logging.getLogger(__name__)

CLASS_LIST = Path(__file__).parent / "data" / "imagenet100.txt"


def imagenet100_classes() -> list[str]:
    """The 100 WordNet ids, in the file's order."""
    return [line.strip() for line in CLASS_LIST.read_text(encoding="ascii").splitlines()
            if line.strip()]


def cut_subset(src_root: str | Path, dst_root: str | Path, classes: list[str] | None = None,
               splits: tuple[str, ...] = ("train", "val")) -> int:
    """Symlink ``src_root/<split>/<wnid>`` to ``dst_root/<split>/<wnid>`` for every class.

    Args:
        src_root: ImageNet-1k root with ``train/`` and ``val/`` in class sub-folders.
        dst_root: folder to create; existing correct links are kept (re-running is safe).
        classes: WordNet ids; default the ImageNet-100 list.
    Returns:
        the number of links created.
    Raises:
        DatasetNotFoundError: ``src_root/<split>`` is missing.
        DatasetFormatError: a class folder is missing in the source, or a different entry
            already exists at a destination path.
    """
    src_root, dst_root = Path(src_root).resolve(), Path(dst_root)
    classes = imagenet100_classes() if classes is None else classes
    _check_source(src_root, classes, splits)
    created = 0
    for split in splits:
        (dst_root / split).mkdir(parents=True, exist_ok=True)
        for wnid in classes:
            created += _link(src_root / split / wnid, dst_root / split / wnid)
    log.info("ImageNet-100: %d links created under %s", created, dst_root)
    return created


def _check_source(src_root: Path, classes: list[str], splits: tuple[str, ...]) -> None:
    for split in splits:
        if not (src_root / split).is_dir():
            raise DatasetNotFoundError("imagenet-1k", [str(src_root / split)],
                                       "give the ImageNet-1k root holding train/ and val/ "
                                       "with one folder per WordNet id")
        missing = [c for c in classes if not (src_root / split / c).is_dir()]
        if missing:
            raise DatasetFormatError(str(src_root / split),
                                     f"{len(missing)} class folders missing, e.g. {missing[:3]}")


def _link(target: Path, link: Path) -> int:
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return 0
    if link.exists() or link.is_symlink():
        raise DatasetFormatError(str(link), "exists and is not a link to the source class")
    link.symlink_to(target, target_is_directory=True)
    return 1


def main(argv: list[str] | None = None) -> int:
    """``python -m eval.imagenet100 SRC DST``: cut ImageNet-100 from ImageNet-1k with symlinks."""
    parser = command_line.new_parser("python -m eval.imagenet100", main.__doc__)
    parser.add_argument("src", nargs="?", help="ImageNet-1k root (train/, val/)")
    parser.add_argument("dst", nargs="?", help="folder to create")
    parser.add_argument("--list", action="store_true", help="print the 100 ids and exit")
    command_line.add_verbosity_arguments(parser)
    args = parser.parse_args(argv)
    configure_logging(command_line.log_level(args))
    if args.list:
        print("\n".join(imagenet100_classes()))
        return 0
    if not (args.src and args.dst):
        parser.error("SRC and DST are required unless --list is given")

    def body() -> int:
        created = cut_subset(args.src, args.dst)
        print(f"{created} links created under {args.dst}")
        return 0

    return command_line.guarded(body, usage_errors=USER_ERRORS)


if __name__ == "__main__":
    raise SystemExit(main())
