"""The passes of a render-to-disk run over its planned jobs (``python -m render_vk.render``):
the data-hygiene probe (``hygiene.py``), then every image not already on disk.

``DiskRun`` holds what both passes share: the renderer, the image writer, the output folder
and what it already holds, the per-program report and the manifest. An image is *accounted*
once: found sound on disk, or rendered and queued for writing; accounting observes it in the
report and adds it to the manifest.
"""
from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm import tqdm

from .config import RenderRequest
from .errors import ProgramFailedError
from .hygiene import PROBE_SIDE, DropRules, verdict
from .jobs import Job, mix_draws
from .manifest import Manifest
from .mixing import cutmix, mixup
from .outdir import Finished, OutputFolder
from .renderer import Renderer
from .report import Observation, ProgramReport
from .writer import ImageWriter

log = logging.getLogger("render_vk.render")


@dataclass
class DiskRun:
    """One rank's run into ``folder`` (see the module doc)."""

    renderer: Renderer
    writer: ImageWriter
    folder: OutputFolder
    args: object
    report: dict[str, ProgramReport]
    manifest: Manifest
    names: list[str] = field(default_factory=list)
    done: dict[str, Finished] = field(default_factory=dict)
    accounted: set[int] = field(default_factory=set)

    def on_disk(self, job: Job) -> Observation | None:
        """The observation of ``job``'s image if it is on disk and sound (never with
        ``--overwrite``)."""
        if job.path is None or self.args.overwrite:
            return None
        entry = self.done.get(str(job.path.relative_to(self.folder.root)))
        return self.folder.check_image(job.path, entry, self.args.resolution)

    def account(self, job: Job, obs: Observation, image: np.ndarray | None) -> None:
        """Queue ``image`` for writing (None: it is on disk already), observe it, list it."""
        if image is not None:
            self.writer.submit(job.path, image, obs)
        if len(job.programs) == 1:
            self.report[self.names[job.programs[0]]].observe(obs)
        self.manifest.add(job)
        self.accounted.add(job.index)

    # -- the images ----------------------------------------------------------------------------
    def todo(self, jobs: list[Job]) -> list[Job]:
        """Jobs not accounted yet whose image is not on disk; the ones on disk are accounted."""
        out = []
        for job in jobs:
            if job.index in self.accounted:
                continue
            obs = self.on_disk(job)
            if obs is None:
                out.append(job)
            else:
                self.account(job, obs, None)
        return out

    def render_all(self, todo: list[Job], total: int) -> None:
        args = self.args
        per_batch = max(1, args.batch_size // max(1, args.mixup or args.cutmix or 1))
        with tqdm(total=total, initial=total - len(todo), unit="img", desc="rendering",
                  disable=args.quiet, file=sys.stderr) as bar:
            for i in range(0, len(todo), per_batch):
                for job, image in self.render_batch(todo[i:i + per_batch]):
                    self.account(job, Observation.of(image), image)
                    bar.update(1)

    def render_batch(self, jobs: list[Job], side: int | None = None
                     ) -> list[tuple[Job, np.ndarray]]:
        """Render ``jobs`` at ``side`` (default ``--resolution``), retrying without programs
        that fail; returns (job, HxWx3 uint8) pairs."""
        side = side or self.args.resolution
        while jobs:
            # a program that failed in an earlier batch (hung, beyond the frame cap) is skipped
            jobs = [j for j in jobs if all(self.renderer.program(p).ok for p in j.programs)]
            if not jobs:
                break
            programs = [p for j in jobs for p in j.programs]
            times = [t for j in jobs for t in j.times]
            frames = [f for j in jobs for f in j.frames]
            start = time.perf_counter()
            try:
                images = self.renderer.render(RenderRequest(programs, times, side, side, frames))
            except ProgramFailedError as err:
                log.warning("%s", err)
                bad = {i for i in set(programs) if not self.renderer.program(i).ok}
                remaining = [j for j in jobs if not bad & set(j.programs)]
                if len(remaining) == len(jobs):
                    raise  # nothing was excluded: retrying would fail again
                jobs = remaining
                continue
            elapsed = time.perf_counter() - start
            for p, count in Counter(programs).items():
                self.report[self.names[p]].seconds += elapsed * count / len(programs)
            hwc = self._mix(images, jobs).permute(0, 2, 3, 1).numpy()
            return list(zip(jobs, hwc))
        return []

    def _mix(self, images: torch.Tensor, jobs: list[Job]) -> torch.Tensor:
        """Mix each job of several programs (weights and boxes: ``jobs.mix_draws``)."""
        if all(len(j.programs) == 1 for j in jobs):
            return images
        out, first = [], 0
        for job in jobs:
            k = len(job.programs)
            group = images[first:first + k]
            weights, boxes = mix_draws(job, self.args)
            out.append(mixup(group, weights) if boxes is None else cutmix(group, boxes))
            first += k
        return torch.cat(out)

    # -- the probe -----------------------------------------------------------------------------
    def probe(self, jobs: list[Job], rules: DropRules) -> dict[int, str]:
        """Judge every program of ``jobs`` (``hygiene.probe_jobs``: grouped by program) and
        return ``{program: why}`` for those to drop; the probe images of kept programs that
        belong to the dataset are accounted (written)."""
        groups: dict[int, list[Job]] = {}
        for job in jobs:
            groups.setdefault(job.programs[0], []).append(job)
        dropped: dict[int, str] = {}
        side = min(self.args.resolution, PROBE_SIDE) if jobs and jobs[0].path is None else None
        with tqdm(total=len(groups), unit="prog", desc="probing", disable=self.args.quiet,
                  file=sys.stderr) as bar:
            for chunk in _chunks(list(groups.values()), self.args.batch_size):
                seen = self._probe_chunk(chunk, side)
                for program, found in seen.items():
                    why = verdict([o for _, o, _ in found], [j.times[0] for j, _, _ in found],
                                  rules)
                    self._judged(program, found, why, dropped)
                bar.update(len(chunk))
        return dropped

    def _probe_chunk(self, chunk: list[list[Job]], side: int | None) -> dict[int, list]:
        """(job, observation, image or None when on disk) of each program's probe jobs."""
        seen: dict[int, list] = {group[0].programs[0]: [] for group in chunk}
        need = []
        for job in (j for group in chunk for j in group):
            obs = self.on_disk(job)
            if obs is None:
                need.append(job)
            else:
                seen[job.programs[0]].append((job, obs, None))
        for job, image in self.render_batch(need, side):
            seen[job.programs[0]].append((job, Observation.of(image), image))
        failed = {p for p in seen if not self.renderer.program(p).ok}
        return {p: found for p, found in seen.items() if p not in failed and found}

    def _judged(self, program: int, found: list, why: str | None,
                dropped: dict[int, str]) -> None:
        entry = self.report[self.names[program]]
        if why is not None:
            dropped[program] = why
            entry.dropped = why
            for _, obs, _ in found:
                entry.observe(obs, count=False)  # the report shows what the probe saw
            return
        for job, obs, image in found:
            if job.path is not None:
                self.account(job, obs, image)


def _chunks(groups: list[list[Job]], size: int) -> list[list[list[Job]]]:
    """Whole groups in runs of about ``size`` jobs (a group is never split)."""
    out, current, count = [], [], 0
    for group in groups:
        if current and count + len(group) > size:
            out.append(current)
            current, count = [], 0
        current.append(group)
        count += len(group)
    return out + ([current] if current else [])
