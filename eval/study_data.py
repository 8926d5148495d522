"""The study's pretraining data: which programs there are, and their datasets rendered to disk.

The edge where the study meets ``glsl_transpile`` (listing and compiling the candidate programs)
and ``render_vk`` (``python -m render_vk.render``, called in-process). A dataset is rendered once
into ``<data_dir>/<plan key>/`` and reused by every method and seed that asks for it; a killed
render is resumed by the next study run (the render CLI never renders an image twice).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Sequence

from eval.errors import StudyError
from eval.study_cells import DatasetPlan, render_argv
from glsl_transpile.plumbing.atomic import write_text

log = logging.getLogger(__name__)

DONE_NAME = "done.json"
# .list: always read as a manifest (a .txt is one only when every line looks like a file path,
# which generated-program lines do not)
MANIFEST_NAME = "programs.list"
IMAGES_DIR = "images"
MIX_CLASS = "mix"  # the one class folder of a MixUp dataset (its images carry no program)


def available_programs(source: str) -> list[str]:
    """What cells draw their programs from, as manifest lines: program files that compile,
    sorted by program name, or generated programs one by one.

    ``builtin``: the built-in pack (tested to compile); a folder or manifest: every program
    file in it that compiles (SPIR-V cache used); ``synth:COUNT@SEED``: ``synth:1@SEED``,
    ``synth:1@SEED+1``, ... (nothing generated here: compiling is the render's job).

    Raises:
        StudyError: no program compiles, a source file holds several programs (a Shadertoy
            JSON list), which a manifest of files cannot name one by one, or a malformed
            ``synth:`` spec.
    """
    from glsl_transpile import SpirvCache, compile_programs, load_builtin_pack, load_sources
    from glsl_transpile.errors import ShaderSourceError
    from glsl_transpile.synth.spec import is_spec, parse_spec

    if is_spec(source):
        try:
            count, first = parse_spec(source)
        except ShaderSourceError as err:
            raise StudyError(f"pretrain.programs: {err}") from None
        return [f"synth:1@{seed}" for seed in range(first, first + count)]

    if source == "builtin":
        programs = load_builtin_pack()
    else:
        candidates = load_sources([source], on_error=lambda path, err: log.warning("%s", err))
        programs = [r.source for r in compile_programs(candidates, cache=SpirvCache()) if r.ok]
    origins = [p.origin for p in sorted(programs, key=lambda p: p.name)]
    several = [o for o in origins if "#" in o]
    if several:
        raise StudyError(f"pretrain.programs={source!r}: {several[0]} is one of several "
                             "programs in one file; give one program per file")
    if not origins:
        raise StudyError(f"pretrain.programs={source!r}: no program compiles")
    return origins


def dataset_folder(root: Path, plan: DatasetPlan) -> Path:
    return root / plan.key


def write_manifest(folder: Path, plan: DatasetPlan) -> Path:
    """``folder/programs.list``: the plan's programs, one file or generated program a line."""
    return write_text(folder / MANIFEST_NAME, "".join(f"{p}\n" for p in plan.programs))


def live_programs(folder: Path, plan: DatasetPlan) -> list[str]:
    """What a live cell renders from: the plan's manifest."""
    return [str(write_manifest(folder, plan))]


def render_dataset(folder: Path, plan: DatasetPlan) -> dict[str, Any]:
    """Render ``plan`` into ``folder/images`` unless done before; returns ``done.json``'s
    content: ``images`` (the train source's root: one class folder per program, or one
    ``mix`` folder), ``programs_ok`` and ``image_count``.

    Raises:
        StudyError: the render CLI exits with an error, or renders no program.
        KeyboardInterrupt: Ctrl-C or SIGTERM stopped the render (resumed by the next run).
    """
    done_path = folder / DONE_NAME
    if done_path.is_file():
        done = json.loads(done_path.read_text(encoding="utf-8"))
        if done.get("plan") == plan.key:
            return done
    manifest = write_manifest(folder, plan)
    root = folder / IMAGES_DIR
    out = root if plan.mixup_k == 1 else root / MIX_CLASS
    from render_vk.render import INTERRUPTED, main as render_main

    argv = render_argv(plan, str(manifest), str(out))
    log.info("rendering %s: python -m render_vk.render %s", plan.key, " ".join(argv))
    code = render_main(argv)
    if code == INTERRUPTED:
        raise KeyboardInterrupt
    if code != 0:
        raise StudyError(f"python -m render_vk.render {' '.join(argv)} exited with {code}")
    done = {"plan": plan.key, "images": str(root), **_rendered(out, plan)}
    write_text(done_path, json.dumps(done, indent=2) + "\n")
    return done


def _rendered(out: Path, plan: DatasetPlan) -> dict[str, int]:
    """Programs that rendered and images written, from the render report. Programs the render
    CLI dropped as constant or static (its default data hygiene) rendered no image and do not
    count."""
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    ok = sum(1 for entry in report.values()
             if entry.get("status") == "ok" and not entry.get("dropped"))
    if ok == 0:
        raise StudyError(f"{out}: no program rendered (see report.json: failed or dropped as "
                         "constant or static)")
    if ok < plan.count:
        log.warning("%s: %d of %d programs rendered", out, ok, plan.count)
    images = sum(1 for p in out.rglob("*.png"))
    return {"programs_ok": ok, "image_count": images}


def train_data_overrides(plan: DatasetPlan, data: str, *, images_root: str = "",
                         live: Sequence[str] = ()) -> list[str]:
    """The ``data.*`` overrides of a cell's training config: the rendered folder (disk), or
    live rendering of the same programs with a fixed draw of the same image budget (split
    evenly among the programs for raw images, as on disk)."""
    res = [f"data.resolution={plan.resolution}"]
    if data == "disk":
        return res + ["data.source=folder", f"data.path={json.dumps(images_root)}"]
    balanced = ["data.live.balanced=true"] if plan.mixup_k == 1 else []  # as on disk
    return res + ["data.source=live", f"data.live.programs={json.dumps(list(live))}",
                  "data.live.fixed_dataset=true", f"data.live.mixup_k={plan.mixup_k}",
                  *balanced, f"data.live.time_sampling={plan.time_sampling}",
                  f"data.images_per_epoch={plan.images}"]
