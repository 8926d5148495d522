"""``python -m eval.linear``: linear-probe top-1/top-5 of a frozen backbone on a labelled dataset.

The probe itself is in ``eval.linear_probe`` (pure functions); the run in ``eval.runs``.
"""
from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Fit a linear probe on cached frozen features and report val top-1/top-5."""
    from eval import runs

    return runs.linear_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
