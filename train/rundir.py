"""The run directory: what a run records about itself, and its per-step metrics.

Before the first step a run writes `config.yaml` (resolved config), `git_revision.txt` and
`command.txt` (appended on every start, so resumes are visible). Every step appends one JSON line
to `metrics.jsonl`; TensorBoard scalars go to `tensorboard/` when tensorboard is installed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from glsl_transpile.plumbing import run_record
from glsl_transpile.plumbing.atomic import write_text
from train.config import TrainConfig, config_to_yaml

log = logging.getLogger(__name__)

METRICS_NAME = "metrics.jsonl"


@dataclass(frozen=True)
class StepMetrics:
    """One optimiser step. step: steps done in total (1-based); lr: the rate this step used;
    loss, top1: means over ranks; images_per_s: global images (all ranks) per second."""

    step: int
    epoch: int
    loss: float
    top1: float
    lr: float
    images_per_s: float


def record_run(run_dir: Path, cfg: TrainConfig, argv: Sequence[str]) -> None:
    """Write config.yaml, git_revision.txt and append the command line to command.txt."""
    run_record.record_run(run_dir, config_to_yaml(cfg), argv)


def read_metrics(run_dir: Path) -> list[dict]:
    """Every complete line of metrics.jsonl, in order (a torn last line is skipped)."""
    path = run_dir / METRICS_NAME
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


class MetricsLog:
    """Appends StepMetrics to metrics.jsonl and, if available, TensorBoard.

    Args:
        run_dir: the run directory. tensorboard: whether to try TensorBoard.
        keep_until_step: on resume, drop lines after this step (written after the checkpoint).
    """

    def __init__(self, run_dir: Path, *, tensorboard: bool, keep_until_step: int) -> None:
        rows = [r for r in read_metrics(run_dir) if r.get("step", 0) <= keep_until_step]
        write_text(run_dir / METRICS_NAME, "".join(json.dumps(r) + "\n" for r in rows))
        self.file = open(run_dir / METRICS_NAME, "a")  # noqa: SIM115  closed in close()
        self.writer = _open_tensorboard(run_dir) if tensorboard else None
        if not tensorboard:
            log.info("TensorBoard logging off (run.tensorboard=false)")

    def log(self, m: StepMetrics) -> None:
        self.file.write(json.dumps(asdict(m)) + "\n")
        self.file.flush()
        if self.writer is not None:
            for name in ("loss", "top1", "lr", "images_per_s"):
                self.writer.add_scalar(f"train/{name}", getattr(m, name), m.step)

    def close(self) -> None:
        self.file.close()
        if self.writer is not None:
            self.writer.close()


def _open_tensorboard(run_dir: Path):
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        log.info("tensorboard is not installed: TensorBoard logging off (pip install tensorboard)")
        return None
    return SummaryWriter(log_dir=str(run_dir / "tensorboard"))
