"""``python -m render_vk.bench [SOURCE...]``: images per second, against the paper's approach.

For each program and in total (random programs per image, as training draws them) it measures
this renderer (batched compute dispatches, zero-copy hand-off to torch) and, in the same run on
the same machine, the fragment-shader baseline (an OpenGL draw plus a synchronising read-back per
image, moderngl over EGL), and prints the ratio. It also splits the batched time into device
(kernel) time and the rest, and reports compile time per program. ``--json`` writes the figures.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from glsl_transpile import load_builtin_pack, load_sources, to_fragment
from glsl_transpile.plumbing import command_line

from glsl_transpile.multipass import is_multipass

from .gl_multipass import GLMultipass
from .gl_reference import FrameInputs, GLReference, ReferenceCompileError
from .renderer import Renderer, RendererConfig, RenderRequest
from .writer import atomic_write_bytes


def parse_args(argv):
    ap = command_line.new_parser("python -m render_vk.bench", __doc__)
    ap.add_argument("sources", nargs="*", help="programs (default: the built-in pack)")
    ap.add_argument("--resolution", type=int, default=256, help="image side in pixels")
    ap.add_argument("--batch-size", type=int, default=64, help="images per submission")
    ap.add_argument("--batches", type=int, default=3, help="timed batches in total mode")
    ap.add_argument("--per-program", type=int, default=8,
                    help="images per program in the per-program table (0 to skip)")
    ap.add_argument("--device", default=None, help="Vulkan device index or name substring "
                                                   "(default: the best GPU, else lavapipe)")
    ap.add_argument("--output", choices=("cpu", "cuda"), default="cpu",
                    help="cuda: images land in CUDA memory (timeline hand-off where possible)")
    ap.add_argument("--sync", choices=("auto", "fence", "timeline"), default="auto",
                    help="hand-off to torch (render_vk/handoff.py)")
    ap.add_argument("--no-watchdog", action="store_true",
                    help="no per-dispatch timestamps (no barrier between programs)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the OpenGL fragment-draw baseline")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random programs and times")
    return ap.parse_args(argv)


def _time_batched(renderer: Renderer, programs: list[int], times: list[float], res: int,
                  repeats: int = 1) -> dict:
    """Wall and device seconds of rendering ``programs`` at ``times`` (best of ``repeats``)."""
    best = None
    for _ in range(repeats):
        req = RenderRequest(programs, times, res, res)
        start = time.perf_counter()
        with renderer.submit(req) as pending:  # zero-copy, as the trainer takes them
            images = pending.result()
            _sync(images)  # with a timeline hand-off to CUDA, result() returns before the device
            wall = time.perf_counter() - start
            t0 = time.perf_counter()
            _sync(images[:, :, :1, :1].sum())  # touch the tensor: the hand-off is a view
            handoff = time.perf_counter() - t0
            timed = pending.dispatch_seconds()
        device = None if timed is None else sum(timed)
        if best is None or wall < best["wall_s"]:
            best = {"wall_s": wall, "device_s": device, "handoff_s": handoff}
    return best


def _sync(tensor) -> None:
    """Wait for work queued on a CUDA tensor's stream (nothing for a CPU tensor)."""
    if tensor.is_cuda:
        import torch

        torch.cuda.current_stream(tensor.device).synchronize()


def _time_baseline(gl: GLReference, renderer: Renderer, programs: list[int],
                   times: list[float], res: int) -> float | None:
    """Seconds for the GL draw + read-back path on the same images (compile excluded)."""
    by_prog: dict[int, list[float]] = {}
    for p, t in zip(programs, times):
        by_prog.setdefault(p, []).append(t)
    total = 0.0
    multipass = GLMultipass(gl)
    try:
        for p, ts in by_prog.items():
            draw = _baseline_draw(gl, multipass, renderer.program(p).source, res)
            try:
                draw(ts[:1])  # compile + warm up
            except ReferenceCompileError:
                return None
            start = time.perf_counter()
            draw(ts)
            total += time.perf_counter() - start
    finally:
        multipass.close()
    return total


def _baseline_draw(gl: GLReference, multipass: GLMultipass, src, res: int):
    """``draw(times)``: the GL path for ``src`` (its textures bound, its frames simulated from
    frame 0 for a multi-pass program, as on the site)."""
    if src.inputs or is_multipass(src):
        return lambda times: multipass.render(src, times, res, res)
    frag = to_fragment(src)
    return lambda times: gl.render(frag, [FrameInputs(t, i) for i, t in enumerate(times)],
                                   res, res)


def _share(timing: dict) -> float | None:
    """Kernel share of wall time (None without timestamps)."""
    return None if timing["device_s"] is None else timing["device_s"] / timing["wall_s"]


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f}%"


def _per_program(renderer, gl, args) -> list[dict]:
    rows = []
    n = args.per_program
    for p in renderer.ok_indices():
        state = renderer.program(p)
        times = [0.25 + 0.5 * i for i in range(n)]
        _time_batched(renderer, [p] * n, times, args.resolution)  # warm up
        b = _time_batched(renderer, [p] * n, times, args.resolution, repeats=2)
        base = None if gl is None else _time_baseline(gl, renderer, [p] * n, times,
                                                      args.resolution)
        rows.append({"program": state.name, "compile_s": round(state.compile_seconds, 4),
                     "images_per_s": n / b["wall_s"], "device_share": _share(b),
                     "baseline_images_per_s": None if base is None else n / base,
                     "ratio": None if base is None else base / b["wall_s"]})
    return rows


def _random_requests(renderer, args) -> list[RenderRequest]:
    """A warm-up request, then ``args.batches`` of random programs at random times."""
    ok = renderer.ok_indices()
    rng = np.random.default_rng(args.seed)
    return [RenderRequest([int(p) for p in rng.choice(ok, size=args.batch_size)],
                          list(rng.uniform(0.1, 10.0, size=args.batch_size)),
                          args.resolution, args.resolution) for _ in range(args.batches + 1)]


def _total(renderer, gl, args) -> dict:
    requests = _random_requests(renderer, args)
    wall = device = handoff = base = 0.0
    images = 0
    _time_batched(renderer, requests[0].programs, requests[0].times_s, args.resolution)
    for req in requests[1:]:
        progs, times = req.programs, req.times_s
        b = _time_batched(renderer, progs, times, args.resolution)
        wall, handoff = wall + b["wall_s"], handoff + b["handoff_s"]
        device = None if device is None or b["device_s"] is None else device + b["device_s"]
        images += len(progs)
        if gl is not None:
            s = _time_baseline(gl, renderer, progs, times, args.resolution)
            base = None if s is None or base is None else base + s
    ips = images / wall
    bips = None if gl is None or not base else images / base
    return {"images_per_s": ips, "baseline_images_per_s": bips,
            "ratio": None if bips is None else ips / bips, "images": images,
            "device_share": None if device is None else device / wall,
            "handoff_s_per_batch": handoff / args.batches,
            "batch_size": args.batch_size}


def _pipelined(renderer, args) -> dict:
    """Images/s with the next request submitted before the current one is consumed (as live
    training runs), and the device's share of that wall time."""
    requests = _random_requests(renderer, args)  # the same draws as the sequential figure
    renderer.render(requests[0])  # warm up
    device, timed = 0.0, True
    start = time.perf_counter()
    ahead = renderer.submit(requests[1])
    for i in range(1, len(requests)):
        current = ahead
        ahead = renderer.submit(requests[i + 1]) if i + 1 < len(requests) else None
        _sync(current.result()[:, :, :1, :1].sum())
        seconds = current.dispatch_seconds()
        timed = timed and seconds is not None
        device += sum(seconds or [])
        current.release()
    wall = time.perf_counter() - start
    return {"images_per_s": args.batches * args.batch_size / wall,
            "device_share": device / wall if timed else None}


def _print_table(rows, total, device, baseline_device, res) -> None:
    print(f"device: {device}   baseline: {baseline_device}   resolution: {res}x{res}")
    if rows:
        print(f"{'program':28s} {'compile s':>9s} {'img/s':>9s} {'kernel%':>8s} "
              f"{'GL img/s':>9s} {'ratio':>7s}")
        for r in rows:
            gl = "-" if r["baseline_images_per_s"] is None else f"{r['baseline_images_per_s']:9.1f}"
            ratio = "-" if r["ratio"] is None else f"{r['ratio']:7.2f}"
            print(f"{r['program'][:28]:28s} {r['compile_s']:9.3f} {r['images_per_s']:9.1f} "
                  f"{_percent(r['device_share']):>8s} {gl:>9s} {ratio:>7s}")
    gl = "-" if total["baseline_images_per_s"] is None else f"{total['baseline_images_per_s']:.1f}"
    ratio = "-" if total["ratio"] is None else f"{total['ratio']:.2f}x"
    print(f"TOTAL (random programs, batch {total['batch_size']}): "
          f"{total['images_per_s']:.1f} img/s, kernel time {_percent(total['device_share'])} of "
          f"wall, hand-off {1e6 * total['handoff_s_per_batch']:.0f} us/batch; "
          f"GL draw+read-back {gl} img/s; ratio {ratio}")
    piped = total["pipelined"]
    ratio = ("-" if total["baseline_images_per_s"] is None
             else f"{piped['images_per_s'] / total['baseline_images_per_s']:.2f}x")
    print(f"PIPELINED (next batch submitted before this one is used): "
          f"{piped['images_per_s']:.1f} img/s, kernel time {_percent(piped['device_share'])} "
          f"of wall; ratio to GL {ratio}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sources = load_sources(args.sources) if args.sources else load_builtin_pack()
    config = RendererConfig(device=args.device, output=args.output, sync=args.sync,
                            watchdog=not args.no_watchdog)
    with Renderer(config) as renderer:
        renderer.load(sources)
        if not renderer.ok_indices():
            print("error: no program compiled", file=sys.stderr)
            return 1
        gl = None if args.no_baseline else GLReference()
        try:
            rows = _per_program(renderer, gl, args) if args.per_program else []
            total = _total(renderer, gl, args)
            total["pipelined"] = _pipelined(renderer, args)
            baseline_device = None if gl is None else gl.device_name
        finally:
            if gl is not None:
                gl.close()
        _print_table(rows, total, renderer.device_name, baseline_device, args.resolution)
        status = renderer.status()
        print(f"output {args.output}, hand-off {status.handoff}, watchdog "
              f"{'off' if args.no_watchdog else 'on'}")
        result = {"device": renderer.device_name, "baseline_device": baseline_device,
                  "output": args.output, "handoff": status.handoff,
                  "watchdog": not args.no_watchdog,
                  "resolution": args.resolution, "total": total, "programs": rows,
                  "median_compile_s": statistics.median(
                      p.compile_seconds for p in renderer.programs())}
    if args.json:
        atomic_write_bytes(args.json, json.dumps(result, indent=1).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
