"""The options of ``python -m render_vk.render``: the parser, the checks made before any work
(bad values and missing inputs are argparse usage errors, exit status 2, before anything is
compiled), and the parameters recorded in the output folder (a resume must match them)."""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from glsl_transpile import missing_inputs
from glsl_transpile.plumbing import command_line

from .config import MAX_IMAGE_SIDE
from .hygiene import DropRules
from .timesample import TimeSampling


def build_parser(description: str | None = None) -> argparse.ArgumentParser:
    ap = command_line.new_parser("python -m render_vk.render", description)
    add = ap.add_argument
    add("sources", nargs="*", help="program files, folders, Shadertoy JSON, manifests, or "
                                   "generated programs (synth:COUNT@SEED)")
    add("--list-devices", action="store_true", help="list Vulkan devices and exit")
    add("--builtin", action="store_true", help="add the built-in program pack")
    add("--out", type=Path, default=None, help="output folder (required)")
    add("--resolution", type=int, default=256, help="image side in pixels (default 256)")
    add("--times", default=None, help="explicit times in seconds, e.g. 0.5,2,4.5 (one image "
                                      "per time and program unless --samples)")
    add("--samples", type=int, default=None, help="images per program (default 8)")
    add("--total", type=int, default=None,
        help="images in total, each of a random program (the paper's datasets)")
    add("--shard-programs", type=int, default=0, metavar="N",
        help="with --total or mixing: draw programs shard by shard, N programs a shard, so "
             "the programs in use (and their pipelines) stay bounded; 0: uniform over all")
    add("--shard-images", type=int, default=0, metavar="M",
        help="images drawn from one shard before the next (default 32 x --shard-programs)")
    add("--balanced", action="store_true",
        help="with --total (one program an image): every program gets total / programs images "
             "or one more, in a seeded order, instead of independent random draws")
    add("--time-sampling", choices=["continuous", "random"], default="continuous",
        help="continuous: t ~ U[n/fps, (n+1)/fps]; random: t ~ U[0.1, 10] (default continuous)")
    add("--fps", type=float, default=4.0, help="frames per second of continuous sampling and "
                                               "iFrameRate (default 4)")
    add("--mixup", type=int, default=0, metavar="K", help="mix K >= 2 programs per image "
                                                          "(Dirichlet(1) weights; flat layout)")
    add("--cutmix", type=int, default=0, metavar="K", help="CutMix K >= 2 programs per image")
    _add_output_arguments(ap)
    return ap


def _add_output_arguments(ap: argparse.ArgumentParser) -> None:
    """How the images are written, the device's deadlines, resume and hygiene options."""
    add = ap.add_argument
    add("--format", choices=["png", "jpg"], default="png", help="image format (default png)")
    add("--quality", type=int, default=95, help="JPEG quality 1..100 (default 95)")
    add("--layout", choices=["per-program", "flat"], default="per-program",
        help="per-program: OUT/<program>/<k>.png (an ImageFolder); flat: OUT/<k>.png")
    add("--seed", type=int, default=0, help="seed of times, program draws and mixing")
    add("--batch-size", type=int, default=128, help="images per submission (default 128)")
    add("--device", default=None, help="Vulkan device index or name substring (default: the "
                                       "best GPU, else lavapipe)")
    add("--noise-channels", action="store_true",
        help="bind Shadertoy's noise textures (stand-ins) to iChannel0..3 of raw code that "
             "has no JSON inputs (by default its channels are unbound)")
    add("--max-frames", type=int, default=601,
        help="multi-pass programs: most frames one simulation runs (default 601: frames "
             "0..600, every time up to 10 s); a later time is refused (status "
             "beyond_frame_cap)")
    add("--timeout", type=float, default=60.0, help="seconds a batch may run before its "
                                                    "program is stopped as hung (default 60)")
    add("--image-timeout", type=float, default=30.0,
        help="device seconds per image over which a program is stopped (default 30)")
    add("--overwrite", action="store_true",
        help="render every image again, even where OUT holds images of other parameters")
    add("--retry-failed", action="store_true",
        help="render again programs that timed out, crashed or hit the loop cap in an "
             "earlier run into OUT (by default they are skipped, keeping their status)")
    add("--drop-constant", dest="drop_constant", action="store_true", default=True,
        help="leave out programs whose probe images all have one colour (the default; "
             "render_vk/hygiene.py); reported in report.json")
    add("--keep-constant", dest="drop_constant", action="store_false",
        default=argparse.SUPPRESS, help="keep constant programs")
    add("--drop-static", dest="drop_static", action="store_true", default=True,
        help="leave out programs whose probe images are all identical (the default)")
    add("--keep-static", dest="drop_static", action="store_false", default=argparse.SUPPRESS,
        help="keep static programs")
    add("--contact-sheet", action="store_true", help="also write OUT/contact_sheet.png")
    add("--quiet", action="store_true", help="no progress bars, warnings only")


def parse_args(argv, description: str | None = None):
    """Parsed and checked arguments (argparse's usage error, exit 2, on a bad one)."""
    ap = build_parser(description)
    args = ap.parse_args(argv)
    if not args.list_devices:
        problem = _invalid(args)
        if problem:
            ap.error(problem)
    return args


def _invalid(args) -> str | None:
    """What is wrong with the arguments, before any work (None if nothing)."""
    checks = [
        (args.out is not None, "--out is required"),
        (bool(args.sources) or args.builtin, "give SOURCE paths or --builtin"),
        (1 <= args.resolution <= MAX_IMAGE_SIDE, f"--resolution must be in 1..{MAX_IMAGE_SIDE}"),
        (args.fps > 0, "--fps must be positive"),
        (args.samples is None or args.samples >= 1, "--samples must be at least 1"),
        (args.total is None or args.total >= 1, "--total must be at least 1"),
        (args.samples is None or args.total is None,
         "give --samples (images per program) or --total (images in all), not both"),
        (not (args.mixup and args.cutmix), "--mixup and --cutmix are exclusive"),
        (args.mixup == 0 or args.mixup >= 2, "--mixup K needs K >= 2 programs per image"),
        (args.cutmix == 0 or args.cutmix >= 2, "--cutmix K needs K >= 2 programs per image"),
        (1 <= args.quality <= 100, "--quality must be in 1..100"),
        (args.batch_size >= 1, "--batch-size must be at least 1"),
        (args.shard_programs >= 0 and args.shard_images >= 0,
         "--shard-programs and --shard-images must not be negative"),
        (args.shard_programs == 0 or args.total or args.mixup or args.cutmix,
         "--shard-programs applies to --total (or mixing) runs"),
        (not args.balanced or (args.total and not (args.mixup or args.cutmix
                                                   or args.shard_programs)),
         "--balanced applies to --total runs of one program an image, without shards"),
        (args.timeout > 0 and args.image_timeout > 0, "--timeout and --image-timeout must be "
                                                      "positive"),
        (args.max_frames >= 1, "--max-frames must be at least 1"),
    ]
    for ok, message in checks:
        if not ok:
            return message
    if args.times is not None:
        try:
            times = [float(t) for t in args.times.split(",")]
        except ValueError:
            return f"--times: not a comma-separated list of numbers: {args.times!r}"
        if not times or not all(np.isfinite(times)):
            return "--times: give finite numbers"
    missing = missing_inputs(args.sources)
    return f"no such file or folder: {', '.join(missing)}" if missing else None


def sampling(args) -> TimeSampling:
    if args.times:
        times = tuple(float(t) for t in args.times.split(","))
        return TimeSampling("list", fps=args.fps, times_s=times, seed=args.seed)
    return TimeSampling(args.time_sampling, fps=args.fps, seed=args.seed)


def render_params(args) -> dict:
    """What decides the pixels and paths of the images (recorded in OUT, checked on resume)."""
    params = {"resolution": args.resolution, "times": args.times, "samples": args.samples,
              "total": args.total, "time_sampling": args.time_sampling, "fps": args.fps,
              "mixup": args.mixup, "cutmix": args.cutmix, "format": args.format,
              "quality": args.quality if args.format == "jpg" else None,
              "layout": args.layout, "seed": args.seed, "shard_programs": args.shard_programs,
              "shard_images": args.shard_images, "drop_constant": args.drop_constant,
              "drop_static": args.drop_static}
    if args.noise_channels:  # only when set: folders written before the option still resume
        params["noise_channels"] = True
    if args.balanced:
        params["balanced"] = True
    return params


def drop_rules(args) -> DropRules:
    return DropRules(constant=args.drop_constant, static=args.drop_static)
