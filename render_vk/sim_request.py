"""The multi-pass share of a request, between the Renderer and the simulation: which programs
simulate to which frames (``plan_jobs``), the frame cap, what the watchdog makes of a
simulation's report (``judge``), and the copies of the snapshots into the request's images.

A multi-pass program's sample at time t is its Image pass of frame round(60 t); its iFrame is
that frame (the request's ``frames`` do not apply). A frame beyond
``RendererConfig.max_frames`` is refused before any work: the program is marked
``beyond_frame_cap`` (``ProgramFailedError``).
"""
from __future__ import annotations

import logging

from glsl_transpile.multipass import frame_of
from glsl_transpile.status import BEYOND_FRAME_CAP, LOOP_CAPPED, TIMEOUT

from .errors import ProgramFailedError
from .sim_state import Job, Target
from .simulation import SimulationReport

log = logging.getLogger(__name__)


def plan_jobs(programs, times_s, is_multipass) -> tuple[list[Job], int]:
    """One ``Job`` per multi-pass program of the request (``is_multipass(index)``), with one
    ``Target`` per distinct frame; returns (jobs, snapshots). Snapshots are numbered in job
    order; ``number_flags`` places the flag words after them."""
    by_program: dict[int, dict[int, list[int]]] = {}
    for i, (prog, t) in enumerate(zip(programs, times_s)):
        if is_multipass(prog):
            by_program.setdefault(int(prog), {}).setdefault(frame_of(t), []).append(i)
    jobs, snapshot = [], 0
    for prog, frames in by_program.items():
        targets = []
        for frame in sorted(frames):
            targets.append(Target(frame, snapshot, frames[frame]))
            snapshot += 1
        jobs.append(Job(prog, targets, flag_word=-1))
    return jobs, snapshot


def number_flags(jobs: list[Job], snapshots: int, width: int, height: int) -> int:
    """Give each job its flag word (after the snapshots); returns the words in all."""
    base = snapshots * width * height
    for k, job in enumerate(jobs):
        job.flag_word = base + k
    return base + len(jobs)


def snapshot_copies(jobs: list[Job], width: int, height: int, source, destination) -> list:
    """(source, destination, source offset, destination offset, bytes) per output image."""
    size = 4 * width * height
    return [(source, destination, t.snapshot * size, out * size, size)
            for job in jobs for t in job.targets for out in t.outputs]


def check_frame_cap(jobs: list[Job], max_frames: int, table) -> None:
    """Refuse jobs whose last frame is beyond ``max_frames`` (mark them, then raise).

    Raises:
        ProgramFailedError: naming those programs (status ``beyond_frame_cap``).
    """
    over = [j for j in jobs if j.last_frame >= max_frames]
    for job in over:
        table.mark(job.program, BEYOND_FRAME_CAP,
                   f"asked for frame {job.last_frame} (t = {job.last_frame / 60:.2f} s), beyond "
                   f"the {max_frames} frames a simulation may run (RendererConfig.max_frames)")
    if over:
        names = [table.name(j.program) for j in over]
        raise ProgramFailedError(names, f"{', '.join(names)}: a time beyond the frame cap")


def judge(report: SimulationReport, jobs: list[Job], table, *, image_timeout_s: float,
          cpu: bool, device_name: str) -> None:
    """Record each program's frames and device time, and stop programs slower than
    ``image_timeout_s`` per frame or (on CPU drivers) whose buffer passes hit the loop cap.

    Raises:
        ProgramFailedError: naming the programs it stopped (now marked).
    """
    failed = []
    for job in jobs:
        prog = job.program
        frames = report.frames.get(prog, 0)
        table.record_frames(prog, frames)
        per_frame = report.seconds_per_frame.get(prog)
        if per_frame is None:
            continue
        table.record_time(prog, per_frame * frames / len(job.targets))
        if per_frame > image_timeout_s:
            table.mark(prog, TIMEOUT, f"{per_frame:.2f} s per frame on the device, over the "
                                      f"limit of {image_timeout_s:g} s: stopped by the watchdog")
            failed.append(prog)
    for prog in report.loop_capped if cpu else []:
        table.mark(prog, LOOP_CAPPED, f"a loop in a buffer pass ran 65535 iterations, the most "
                                      f"{device_name} runs: its images would differ on a GPU")
        failed.append(prog)
    if failed:
        names = [table.name(p) for p in dict.fromkeys(failed)]
        for prog in dict.fromkeys(failed):
            log.warning("%s: %s", table.name(prog), table.status(prog).log)
        raise ProgramFailedError(names, f"{', '.join(names)}: stopped while simulating")
