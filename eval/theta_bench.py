"""``python -m eval.theta_bench``: N thetas of one structure against N separately compiled programs.

The gain of the parameter protocol (issue 14, point 2), in programs per second including
compilation: path "theta" compiles the structure's kernel once and renders N parameter vectors
drawn from its priors in one request; path "separate" bakes each vector into its own standalone
program (``theta.with_values``, compiled as an ordinary program) and compiles and renders all N.
Both start cold: no SPIR-V cache and, on Mesa, no shader disk cache (MESA_SHADER_CACHE_DISABLE);
both render in requests of ``GROUP`` images. "compile" is glslang plus pipeline creation;
"render" includes what the driver compiles at a pipeline's first dispatch (lavapipe's JIT).
Also reports how many images of the two paths are bit-identical (constant folding in the
separate programs can move a pixel by one level).
"""
from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

from glsl_transpile.plumbing import command_line


def sample_thetas(parameters, count: int, seed: int) -> list[list[float]]:
    """``count`` vectors drawn uniformly from each entry's prior box, float32-representable."""
    rng = np.random.default_rng(seed)
    low = np.array([p.low for p in parameters])
    high = np.array([p.high for p in parameters])
    return (low + (high - low) * rng.random((count, len(low)))).astype(np.float32).tolist()


GROUP = 16  # images per request: lavapipe compiles each pipeline at its first dispatch, and
#             many first dispatches in one submission would run into the batch timeout


def _timed_load_and_render(sources, programs, times, res, params):
    from render_vk import Renderer, RendererConfig, RenderRequest

    t0 = time.perf_counter()
    with Renderer(RendererConfig(use_cache=False)) as renderer:
        states = renderer.load(sources)
        bad = [s.name for s in states if s.status != "ok"]
        if bad:
            raise SystemExit(f"error: {len(bad)} programs failed to compile, e.g. {bad[0]}")
        t1 = time.perf_counter()
        parts = []
        for i in range(0, len(programs), GROUP):
            part = None if params is None else params[i:i + GROUP]
            req = RenderRequest(programs[i:i + GROUP], times[i:i + GROUP], res, res, params=part)
            parts.append(renderer.render(req).clone())
        t2 = time.perf_counter()
    images = torch.cat(parts)
    return images, {"compile_s": t1 - t0, "render_s": t2 - t1, "total_s": t2 - t0}


def run(seed: int, count: int, res: int, t_seconds: float) -> dict:
    from glsl_transpile import theta
    from glsl_transpile.synth import generate

    program = generate(seed)
    thetas = sample_thetas(program.parameters, count, seed)
    src = program.source
    shared, a = _timed_load_and_render([src], [0] * count, [t_seconds] * count, res, thetas)
    separate_sources = [dataclasses.replace(src, name=f"{src.name}_{k}", theta=(),
                                            code=theta.with_values(src.code, src.name, v))
                        for k, v in enumerate(thetas)]
    alone, b = _timed_load_and_render(separate_sources, list(range(count)),
                                      [t_seconds] * count, res, None)
    same = sum(bool((shared[k] == alone[k]).all()) for k in range(count))
    return {"structure_seed": seed, "programs": count, "resolution": res,
            "theta": {**a, "programs_per_s": count / a["total_s"]},
            "separate": {**b, "programs_per_s": count / b["total_s"]},
            "speedup": b["total_s"] / a["total_s"], "bit_identical_images": same}


def main(argv: list[str] | None = None) -> int:
    ap = command_line.new_parser("python -m eval.theta_bench", __doc__)
    ap.add_argument("--seed", type=int, default=0, help="seed of the structure")
    ap.add_argument("--count", type=int, default=64, help="thetas (programs) N")
    ap.add_argument("--resolution", type=int, default=64, help="image side")
    ap.add_argument("--time", type=float, default=1.0, help="iTime of every image, seconds")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    os.environ.setdefault("MESA_SHADER_CACHE_DISABLE", "true")
    result = run(args.seed, args.count, args.resolution, args.time)
    for path in ("theta", "separate"):
        r = result[path]
        print(f"{path:8s}: {r['programs_per_s']:8.1f} programs/s  (compile {r['compile_s']:.2f} s"
              f", render {r['render_s']:.2f} s, {args.count} programs at {args.resolution}px)")
    print(f"speedup {result['speedup']:.1f}x; bit-identical images "
          f"{result['bit_identical_images']}/{args.count}")
    if args.json:
        from eval import atomic
        atomic.write_text(args.json, json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
