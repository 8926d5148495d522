"""``python -m eval.gallery DIR --out site/``: a static web page over a rendered corpus.

DIR is what ``python -m render_vk.render`` writes: ``DIR/<program>/<k:06d>.png`` and
``DIR/report.json``. ``site/`` gets ``index.html`` (the programs embedded as JSON, since a page
opened from ``file://`` may not fetch files), ``gallery.js`` and ``gallery.css`` (from
``eval/templates/``) and ``strips/<i:06d>.png`` (each program's first frames side by side, also
its hover animation). The folder stands alone: open it from disk or publish it as it is.

Per program the page shows its status, frames, metrics, and its source with the line of its
error highlighted. Metrics are measured by ``eval.programs`` (or read from the ``programs.json``
of an earlier ``python -m eval.programs`` run, ``--metrics``); speed and the constant / static
flags come from the render report. The error line is found by ``glsl_transpile.compiler``.
This module owns only the page's data and files; it computes no metric itself.
"""
from __future__ import annotations

import dataclasses
import html
import json
import logging
import re
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from eval import atomic, cli
from eval.errors import ConfigError, EvalError, ProgramFolderError
from eval.program_folders import read_program_images, read_render_report, sample_files
from eval.programs import ProgramsConfig, measure_programs
from glsl_transpile.plumbing.progress import Meter, silent
from glsl_transpile import TranspileError, load_path
from glsl_transpile.compiler import locate_error

log = logging.getLogger(__name__)
STRIP_NAME = re.compile(r"^\d{6}\.png$")
MAX_SOURCE_CHARS = 100_000
MAX_LOG_CHARS = 4_000


@dataclasses.dataclass(frozen=True)
class MetricColumn:
    """A metric as the page shows it: ``digits`` after the point (0: integer with separators)."""

    key: str
    label: str
    digits: int
    help: str


COLUMNS = (
    MetricColumn("gzip_bytes", "gzip bytes", 0, "mean bytes per image of the raw RGB after gzip "
                 "-9 (compressibility: low = simple image)"),
    MetricColumn("jpeg_bytes", "JPEG bytes", 0, "mean bytes per image as JPEG, quality 90"),
    MetricColumn("self_distance", "self-distance", 4, "mean distance between two half-area "
                 "crops of one image (0 = perfectly self-similar)"),
    MetricColumn("colour_spread", "colour spread", 3, "mean of the R, G, B standard deviations "
                 "over all pixels, in [0, 0.5] (0 = one colour)"),
    MetricColumn("saturation", "saturation", 3, "mean HSV saturation of all pixels"),
    MetricColumn("device_ms_per_image", "device ms / image", 3, "device time to render one "
                 "image (median of the program's timed dispatches, render report)"),
    MetricColumn("frechet", "Frechet", 2, "Frechet distance to the reference images"),
    MetricColumn("score", "score", 3, "the score given to eval.programs --scores"),
    MetricColumn("images", "images", 0, "samples on disk"),
    MetricColumn("constant", "constant", 0, "every pixel equal in every sample"),
    MetricColumn("static", "static", 0, "all samples identical"),
)


@dataclasses.dataclass(frozen=True)
class GalleryConfig:
    """``frames``: frames per strip; ``cell``: their side in pixels; ``metrics``: a
    ``programs.json`` to read instead of measuring; ``n_images`` / ``size``: what
    ``eval.programs`` measures over (samples per program, encoder input side);
    ``page_size``: cards the page shows at first and adds per "show more"."""

    root: str = ""
    out_dir: str = ""
    frames: int = 8
    cell: int = 96
    metrics: str = ""
    n_images: int = 16
    size: int = 224
    title: str = ""
    page_size: int = 300

    def checks(self):
        yield "root", bool(self.root), "is missing: give the render output folder DIR"
        yield "out_dir", bool(self.out_dir), "is missing: give --out SITE"


def template_text(name: str) -> str:
    """The text of ``eval/templates/<name>``."""
    return resources.files(__package__).joinpath("templates", name).read_text("utf-8")


def program_names(root: Path, report: dict[str, Any]) -> list[str]:
    """Every program of the report plus every folder holding samples, sorted."""
    folders = {p.name for p in root.iterdir() if p.is_dir() and sample_files(p)}
    names = sorted(set(report) | folders)
    if not names:
        raise ProgramFolderError(str(root), "no report.json entries and no <program>/ folders")
    return names


def measured_rows(cfg: GalleryConfig, any_frames: bool,
                  meter: Meter = silent) -> tuple[dict[str, dict], str]:
    """Metric rows by program name and a note on the distance space used."""
    if cfg.metrics:
        try:
            payload = json.loads(Path(cfg.metrics).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise EvalError(f"{cfg.metrics}: cannot read programs.json ({err})") from err
        rows, spaces = payload.get("rows", []), payload.get("spaces", {})
    elif any_frames:
        result = measure_programs(ProgramsConfig(root=cfg.root, n_images=cfg.n_images,
                                                 size=cfg.size), meter)
        rows, spaces = result["rows"], result["spaces"]
    else:
        rows, spaces = [], {}
    note = f"self-distance in: {spaces['similarity']}" if spaces.get("similarity") else ""
    return {row["program"]: row for row in rows}, note


def program_source(name: str, origin: str) -> tuple[str | None, str, str]:
    """``(code or None, Common pass code, note)`` of the program recorded with ``origin``
    (a file, or ``file#index`` for an entry of a JSON list)."""
    if not origin:
        return None, "", "the render report names no source file"
    path = origin if Path(origin).is_file() else origin.rpartition("#")[0] or origin
    try:
        records = load_path(path)
    except TranspileError as err:
        return None, "", f"source not readable: {err}"
    match = ([r for r in records if r.origin == origin] or
             [r for r in records if r.name == name] or records[:1])
    if not match:
        return None, "", f"no program in {path}"
    code, note = match[0].code, ""
    if len(code) > MAX_SOURCE_CHARS:
        code, note = code[:MAX_SOURCE_CHARS], f"first {MAX_SOURCE_CHARS} characters shown"
    return code, match[0].common, note


def write_strip(folder: Path, path: Path, frames: int, cell: int) -> int:
    """The first ``frames`` samples side by side, each ``cell`` x ``cell`` (nearest-neighbour
    when enlarged, so pixels stay sharp); returns the number of frames in the strip."""
    images = read_program_images(folder, frames)
    strip = Image.new("RGB", (cell * len(images), cell))
    for i, image in enumerate(images):
        tile = Image.fromarray(np.ascontiguousarray(image))
        resample = Image.NEAREST if tile.width <= cell else Image.BILINEAR
        strip.paste(tile.resize((cell, cell), resample), (i * cell, 0))
    atomic.save_image(path, strip)
    return len(images)


def program_metrics(row: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """The page's metrics of one program: measured ones from ``row``, speed and the constant /
    static flags (over every sample, docs/DESIGN.md) from the render report ``entry``."""
    values = {c.key: row.get(c.key) for c in COLUMNS if row.get(c.key) is not None}
    if entry:
        values["device_ms_per_image"] = entry.get("device_ms_per_image")
        values["images"] = entry.get("images")
        if entry.get("images"):
            values["constant"], values["static"] = entry["constant"], entry["static"]
    return {k: v for k, v in values.items() if v is not None}


def program_entry(name: str, entry: dict[str, Any], row: dict[str, Any], *, strip: str | None,
                  frames: int, cell: int) -> dict[str, Any]:
    """Everything the page knows about one program (one object of the embedded JSON)."""
    status = entry.get("status", "unreported") if entry else "unreported"
    origin = str(entry.get("origin") or "")
    code, common, note = program_source(name, origin)
    log_text = str(entry.get("log") or "")
    error = None
    if status != "ok" and log_text:
        located = locate_error(name, log_text)
        if located:
            error = {"line": located[0], "message": located[1]}
    if row.get("error"):
        note = "; ".join(filter(None, [note, f"metrics: {row['error']}"]))
    return {"name": name, "status": status, "origin": origin, "strip": strip, "frames": frames,
            "cell": cell, "metrics": program_metrics(row, entry), "error": error,
            "log": log_text[:MAX_LOG_CHARS], "source": code, "common": common or None,
            "source_note": note}


def page_data(cfg: GalleryConfig, programs: list[dict[str, Any]], note: str) -> dict[str, Any]:
    """The JSON object embedded in the page: columns that have values, statuses, programs."""
    present = {k for p in programs for k in p["metrics"]}
    statuses = sorted({p["status"] for p in programs}, key=lambda s: (s != "ok", s))
    return {"title": cfg.title or f"Programs in {Path(cfg.root).resolve().name}",
            "root": cfg.root, "note": note, "statuses": statuses, "programs": programs,
            "page_size": cfg.page_size,
            "metrics": [dataclasses.asdict(c) for c in COLUMNS if c.key in present]}


def page_html(data: dict[str, Any]) -> str:
    """``index.html``: the template with the title and the data filled in.

    The JSON sits in a ``<script type="application/json">`` block; ``</`` and ``<!--`` are
    escaped inside it, so no program name, source or log can end that block early.
    """
    payload = (json.dumps(data, ensure_ascii=True, separators=(",", ":"))
               .replace("</", "<\\/").replace("<!--", "<\\u0021--"))
    before, after = template_text("gallery.html").split("{{DATA}}")
    title = html.escape(data["title"])
    return before.replace("{{TITLE}}", title) + payload + after.replace("{{TITLE}}", title)


def build_site(cfg: GalleryConfig, meter: Meter = silent) -> dict[str, Any]:
    """Write the page, its script, style and strips under ``cfg.out_dir``; returns the data.
    ``meter`` shows the metrics measured and the strips written.

    Raises ProgramFolderError when ``cfg.root`` holds no programs, ConfigError for bad sizes.
    """
    if cfg.frames < 1 or cfg.cell < 8 or cfg.page_size < 1:
        raise ConfigError(f"frames and page_size must be >= 1 and cell >= 8, got {cfg.frames}, "
                          f"{cfg.page_size} and {cfg.cell}")
    root, out = Path(cfg.root), Path(cfg.out_dir)
    if not root.is_dir():
        raise ProgramFolderError(str(root), "not a folder of rendered programs")
    report = read_render_report(root)
    names = program_names(root, report)
    with_frames = {n for n in names if (root / n).is_dir() and sample_files(root / n)}
    rows, note = measured_rows(cfg, bool(with_frames), meter)
    programs, written = [], set()
    with meter(len(names), "gallery cards", "prog") as advance:
        for i, name in enumerate(names):
            strip, frames = None, 0
            if name in with_frames:
                strip = f"strips/{i:06d}.png"
                frames = write_strip(root / name, out / strip, cfg.frames, cfg.cell)
                written.add(Path(strip).name)
            programs.append(program_entry(name, report.get(name) or {}, rows.get(name, {}),
                                          strip=strip, frames=frames, cell=cfg.cell))
            advance(1)
    _remove_stale_strips(out / "strips", written)
    for name in ("gallery.js", "gallery.css"):
        atomic.write_text(out / name, template_text(name))
    data = page_data(cfg, programs, note)
    atomic.write_text(out / "index.html", page_html(data))
    return data


def _remove_stale_strips(folder: Path, keep: set[str]) -> None:
    """Strips of an earlier, larger corpus would otherwise be published with this one."""
    if folder.is_dir():
        for path in folder.iterdir():
            if STRIP_NAME.match(path.name) and path.name not in keep:
                path.unlink()


Flag = cli.Flag
FLAGS = (
    Flag("--out", "out_dir", "site folder to write (index.html)"),
    Flag("--strip-length", "frames", "samples per strip", type=int, aliases=("--frames",)),
    Flag("--cell", "cell", "side of a strip's frame in pixels", type=int),
    Flag("--metrics", "metrics", "programs.json of eval.programs to show instead of measuring"),
    Flag("--samples", "n_images", "samples per program measured", type=int,
         aliases=("--n-images",)),
    Flag("--resolution", "size", "encoder input side for the self-distance", type=int,
         aliases=("--size",)),
    Flag("--title", "title", "page title (empty: the folder's name)"),
    Flag("--page-size", "page_size", "programs shown at first and per 'show more'", type=int),
)


def _build(cfg: GalleryConfig, meter: Meter) -> int:
    data = build_site(cfg, meter)
    print(f"wrote {Path(cfg.out_dir) / 'index.html'} ({len(data['programs'])} programs)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; 0 on success, 2 on a user-actionable error."""
    parser = cli.new_parser("python -m eval.gallery", __doc__, GalleryConfig(), FLAGS,
                            example="page_size=100")
    parser.add_argument("root", nargs="?", help="render output folder DIR/<program>/<k:06d>.png "
                                                "(config root)")
    return cli.run_entry(parser, argv, GalleryConfig, FLAGS, _build,
                         first=lambda args: [cli.quoted("root", args.root)] if args.root else [])


if __name__ == "__main__":
    raise SystemExit(main())
