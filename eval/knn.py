"""``python -m eval.knn``: weighted k-NN top-1/top-5 of a frozen backbone on a labelled dataset.

The classifier itself is in ``eval.knn_classifier`` (pure functions); the run in ``eval.runs``.
"""
from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """k-NN on cached frozen features; writes knn.json/.md/.csv and a retrieval grid."""
    from eval import runs

    return runs.knn_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
