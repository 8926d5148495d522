"""``python -m eval.predictor ROOT --scores CSV --top-k K``: which unseen programs make good data.

Fits the performance predictor (``eval.score_predictor``, pure functions) on scored programs,
ranks the others and selects a top-k (``eval.program_ranking``).
"""
from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Fit, rank, select; writes the ranking and ``selection.txt``."""
    from eval import program_ranking

    return program_ranking.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
