"""Progress of long phases: library code reports, command lines show.

A phase longer than a few seconds (compiling, rendering, feature extraction, a probe fit,
program metrics) takes a ``Meter``: ``with meter(total, "extracting features", "img") as
advance: ... advance(n)``. Library functions default to ``silent``; a command line passes
``bars(enabled=not args.quiet)``, tqdm bars on stderr with counts, rate and ETA.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

Advance = Callable[..., None]  # advance(n=1): n more units done


class Meter(Protocol):
    def __call__(self, total: int | None, desc: str,
                 unit: str = "it") -> AbstractContextManager[Advance]: ...


def _ignore(n: int = 1) -> None:
    del n


@contextmanager
def silent(total: int | None, desc: str, unit: str = "it") -> Iterator[Advance]:
    """A meter that shows nothing."""
    del total, desc, unit
    yield _ignore


def bars(enabled: bool = True) -> Meter:
    """A meter drawing one tqdm bar per phase on stderr (nothing when not ``enabled``)."""
    @contextmanager
    def meter(total: int | None, desc: str, unit: str = "it") -> Iterator[Advance]:
        from tqdm import tqdm

        with tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=not enabled,
                  dynamic_ncols=True) as bar:
            yield bar.update
    return meter
