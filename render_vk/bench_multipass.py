"""``python -m render_vk.bench_multipass SOURCE...``: multi-pass and textured programs, measured.

For the multi-pass programs among SOURCE (Shadertoy exports with Buffer passes, TwiGL programs
that read their backbuffer): the share that compiles, the share whose images match the OpenGL
ping-pong reference (``gl_multipass``; PSNR over the requested times), images/s and frames/s
when all of them render in one request (one simulation per program, all advancing together)
against one request per program, and the frames simulated per image. For the textured
single-pass programs: the share that is constant with every channel unbound (as before
channel inputs) and with the stand-ins bound. ``--json`` writes the figures.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from glsl_transpile import load_sources
from glsl_transpile.media import KEYBOARD, STANDIN
from glsl_transpile.multipass import frame_of, is_multipass, plan
from glsl_transpile.plumbing import command_line

from .gl_multipass import GLMultipass
from .gl_reference import GLReference, ReferenceCompileError
from .errors import ProgramFailedError
from .renderer import Renderer, RendererConfig, RenderRequest
from .survivors import render_surviving
from .writer import atomic_write_bytes

log = logging.getLogger("render_vk.bench_multipass")


def parse_args(argv):
    ap = command_line.new_parser("python -m render_vk.bench_multipass", __doc__)
    ap.add_argument("sources", nargs="+", help="program files, folders, Shadertoy JSON")
    ap.add_argument("--resolution", type=int, default=64, help="image side")
    ap.add_argument("--times", default="0.5,1.0,2.0", help="seconds asked of every program")
    ap.add_argument("--psnr", type=float, default=30.0, help="dB for a match")
    ap.add_argument("--device", default=None, help="Vulkan device index or name substring")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds a submission may run before its program is stopped as hung")
    ap.add_argument("--no-reference", action="store_true", help="skip the OpenGL comparison")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    return ap.parse_args(argv)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))


def _textured(src) -> bool:
    return any(b.what in (STANDIN, KEYBOARD) for b in plan(src).units[-1].bindings)


def _render(renderer: Renderer, programs: list[int], times: list[float], res: int):
    """Images (P * T, res, res, 3) of ``programs`` at ``times`` and the wall seconds.

    Raises:
        ProgramFailedError: a program hung or was stopped (the renderer marks it failed).
    """
    req = RenderRequest([p for p in programs for _ in times], [t for _ in programs for t in times],
                        res, res)
    start = time.perf_counter()
    images = renderer.render(req)
    return images.permute(0, 2, 3, 1).numpy(), time.perf_counter() - start


def _speed(renderer: Renderer, ok: list[int], times: list[float], res: int) -> dict:
    """Images/s and frames/s of one request for all against one request per program."""
    ok, _ = render_surviving(renderer, ok, times, res, res)  # pipelines, textures made
    frames = sum(frame_of(max(times)) + 1 for _ in ok)
    _, batched = _render(renderer, ok, times, res)
    alone = sum(_render(renderer, [p], times, res)[1] for p in ok)
    images = len(ok) * len(times)
    return {"programs": len(ok), "images": images, "frames_simulated": frames,
            "frames_per_image": frames / images,
            "batched": {"wall_s": batched, "images_per_s": images / batched,
                        "frames_per_s": frames / batched},
            "one_at_a_time": {"wall_s": alone, "images_per_s": images / alone,
                              "frames_per_s": frames / alone},
            "speedup": alone / batched}


def _matches(renderer: Renderer, ok: list[int], times: list[float], res: int,
             threshold: float) -> dict:
    """Per program: the lowest PSNR over ``times`` against the GL reference."""
    scores, no_reference = {}, []
    with GLReference() as gl:
        reference = GLMultipass(gl)
        for p in ok:
            src = renderer.program(p).source
            try:
                ref = reference.render(src, times, res, res)
            except ReferenceCompileError:
                no_reference.append(src.name)
                continue
            except Exception as err:  # the reference's own limits: counted, not fatal
                log.warning("%s: the OpenGL reference failed: %s: %s", src.name,
                            type(err).__name__, err)
                no_reference.append(src.name)
                continue
            try:
                got, _ = _render(renderer, [p], times, res)
            except ProgramFailedError as err:
                log.warning("%s", err)
                continue
            scores[src.name] = min(_psnr(got[i], ref[i]) for i in range(len(times)))
        reference.close()
    good = sum(1 for s in scores.values() if s >= threshold)
    return {"compared": len(scores), "no_reference": no_reference, "matching": good,
            "share_matching": good / max(1, len(ok)), "psnr_db": scores,
            "median_psnr_db": statistics.median(scores.values()) if scores else None}


def _constant_share(renderer: Renderer, sources, times, res) -> dict:
    """Textured single-pass programs: constant with channels unbound, and now."""
    if not sources:
        return {"programs": 0}
    unbound = [dataclasses.replace(s, inputs=(), name=s.name + "-unbound") for s in sources]
    states = renderer.load(list(sources) + unbound)
    pairs = [(a.index, b.index) for a, b in zip(states[:len(sources)], states[len(sources):])
             if a.ok and b.ok]

    def constant(index: int) -> bool | None:
        try:
            img, _ = _render(renderer, [index], times, res)
        except ProgramFailedError as err:
            log.warning("%s", err)
            return None
        return bool((img == img.reshape(-1, 3)[0]).all())
    verdicts = [(constant(b), constant(a)) for a, b in pairs]
    verdicts = [v for v in verdicts if None not in v]  # both renders finished
    before = sum(unbound for unbound, _ in verdicts)
    after = sum(now for _, now in verdicts)
    pairs = verdicts
    return {"programs": len(sources), "compiled": len(pairs), "constant_unbound": before,
            "constant_now": after, "share_constant_unbound": before / max(1, len(pairs)),
            "share_constant_now": after / max(1, len(pairs))}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command_line.configure_logging(logging.INFO)
    times = [float(t) for t in args.times.split(",")]
    failed: list[str] = []
    sources = load_sources(args.sources, on_error=lambda path, err: failed.append(str(err)))
    multi = [s for s in sources if is_multipass(s)]
    textured = [s for s in sources if not is_multipass(s) and _textured(s)]
    res = args.resolution
    with Renderer(RendererConfig(device=args.device, batch_timeout_s=args.timeout)) as renderer:
        states = renderer.load(multi)
        ok = [s.index for s in states if s.ok]
        result = {"device": renderer.device_name, "resolution": res, "times": times,
                  "loaded": len(sources), "load_errors": len(failed),
                  "multipass": {"programs": len(multi), "compiled": len(ok),
                                "share_compiled": len(ok) / max(1, len(multi)),
                                "failures": {s.name: s.log.splitlines()[0][:200]
                                             for s in states if not s.ok}}}
        log.info("%d multi-pass programs compile of %d; %d textured single-pass programs",
                 len(ok), len(multi), len(textured))
        if ok:
            log.info("timing them batched and one at a time")
            result["multipass"]["speed"] = _speed(renderer, ok, times, res)
            stopped = [p for p in ok if not renderer.program(p).ok]  # hung or too slow
            result["multipass"]["stopped"] = {renderer.program(p).name: renderer.program(p).status
                                              for p in stopped}
            ok = [p for p in ok if p not in stopped]
            _write(args.json, result)  # each phase's figures kept, should a later one fail
            if not args.no_reference:
                log.info("comparing %d with the OpenGL reference", len(ok))
                result["multipass"]["reference"] = _matches(renderer, ok, times, res, args.psnr)
            _write(args.json, result)
        log.info("textured programs, channels unbound and bound")
        result["textured"] = _constant_share(renderer, textured, times, res)
    _print(result)
    _write(args.json, result)
    return 0


def _write(path: Path | None, result: dict) -> None:
    if path is not None:
        atomic_write_bytes(path, json.dumps(result, indent=1).encode())


def _print(result: dict) -> None:
    mp = result["multipass"]
    print(f"device: {result['device']}   resolution: {result['resolution']}   times: "
          f"{result['times']}")
    print(f"multi-pass: {mp['compiled']}/{mp['programs']} compile, "
          f"{len(mp.get('stopped', {}))} stopped while rendering (hung or too slow)")
    if "reference" in mp:
        ref = mp["reference"]
        print(f"  match the GL reference: {ref['matching']}/{mp['compiled']} (median PSNR "
              f"{ref['median_psnr_db']}, {len(ref['no_reference'])} without a reference)")
    if "speed" in mp:
        sp = mp["speed"]
        for label in ("batched", "one_at_a_time"):
            print(f"  {label:14s} {sp[label]['images_per_s']:8.2f} images/s "
                  f"{sp[label]['frames_per_s']:9.1f} frames/s")
        print(f"  speed-up {sp['speedup']:.2f}x, {sp['frames_per_image']:.1f} frames per image")
    tx = result["textured"]
    if tx.get("programs"):
        print(f"textured single-pass: {tx['compiled']}/{tx['programs']} compile; constant "
              f"unbound {tx['constant_unbound']}, constant now {tx['constant_now']}")


if __name__ == "__main__":
    sys.exit(main())
