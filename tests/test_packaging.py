"""Packaging: the wheel holds every file of the four packages (kernel templates, the built-in
pack, eval's data and page templates), the licence and the documented entry points; and a
non-editable ``pip install`` in a fresh virtual environment works from outside the repository.

Both build from a copy of the checkout under tmp_path, so the repository gets no ``build/``.
No network: ``--no-build-isolation`` builds with this environment's setuptools, ``--no-deps``
installs nothing else (the slow test points the fresh environment at this one's packages).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("glsl_transpile", "render_vk", "train", "eval")
TOP_FILES = ("pyproject.toml", "README.md", "LICENSE")


def checkout_files() -> list[str]:
    """Paths (relative, ``/``-separated) a fresh checkout of the working tree would hold."""
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                                 "-z"], cwd=REPO, capture_output=True, check=True).stdout
        return sorted(p for p in listed.decode().split("\0") if p and (REPO / p).is_file())
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: the tree as it is
        return sorted(p.relative_to(REPO).as_posix() for p in REPO.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts and ".git" not in p.parts)


def package_files() -> set[str]:
    return {p for p in checkout_files() if p.split("/")[0] in PACKAGES}


def copy_checkout(dest: Path) -> Path:
    for rel in [*TOP_FILES, *package_files()]:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, dest / rel)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = copy_checkout(tmp_path_factory.mktemp("src"))
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps",
                    "--no-build-isolation", "--quiet", "-w", str(dist)], check=True,
                   capture_output=True)
    (path,) = dist.glob("procedural_vk-*.whl")
    return path


def documented_modules() -> set[str]:
    """Every ``python -m X`` of this project that the README names."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return {m for m in re.findall(r"python -m ([a-z_]+(?:\.[a-z_0-9]+)*)", text)
            if m.split(".")[0] in PACKAGES}


def test_wheel_holds_every_file_of_the_packages(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(package_files() - names)
    assert not missing, f"not in the wheel (add to [tool.setuptools.package-data]): {missing}"
    for needed in ("glsl_transpile/templates/compute_main.glsl", "eval/templates/gallery.js",
                   "eval/data/imagenet100.txt", "glsl_transpile/pack/shadertoy/fbm_warp.glsl"):
        assert needed in names


def test_wheel_carries_the_licence_named_in_its_metadata(wheel):
    archive = zipfile.ZipFile(wheel)
    metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    text = archive.read(metadata).decode()
    assert "License-Expression: MIT" in text
    licence = next(n for n in archive.namelist() if n.endswith("licenses/LICENSE"))
    assert archive.read(licence).decode().startswith("MIT License")
    assert (REPO / "LICENSE").read_text().startswith("MIT License")


def test_every_documented_entry_point_is_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = documented_modules()
    assert {"render_vk.render", "eval.gallery", "eval.report", "glsl_transpile"} <= modules
    for module in modules:
        path = module.replace(".", "/")
        assert f"{path}.py" in names or f"{path}/__main__.py" in names, module


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv_runs_from_outside_the_repository(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # pip, setuptools and the dependencies come from this environment: its site-packages,
    # appended by a .pth file (after the fresh environment's own, and without running this
    # environment's editable finder)
    fresh_site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                                      "get_paths()['purelib'])"], check=True,
                                     capture_output=True, text=True).stdout.strip())
    (fresh_site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    src = copy_checkout(tmp_path / "src")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation",
                    "--quiet", str(src)], check=True, capture_output=True)
    shutil.rmtree(src)  # nothing may still read the copy it was built from
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = dict(cwd=work, env=env, capture_output=True, text=True, timeout=600)
    where = subprocess.run([str(python), "-c", "import glsl_transpile, eval.gallery; "
                            "print(glsl_transpile.__file__); print(eval.gallery.template_text("
                            "'gallery.html')[:15])"], **run)
    assert where.returncode == 0, where.stderr
    assert where.stdout.splitlines() == [str(fresh_site / "glsl_transpile" / "__init__.py"),
                                         "<!doctype html>"]
    result = subprocess.run([str(python), "-m", "glsl_transpile", "--builtin", "--strict",
                             "--no-cache", "--out", str(work / "kernels")], **run)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((work / "kernels" / "report.json").read_text())
    assert len(report) >= 48 and all(e["status"] == "ok" for e in report.values())
    for module in ("render_vk.render", "eval.gallery", "eval.report", "train.supcon"):
        shown = subprocess.run([str(python), "-m", module, "--help"], **run)
        assert shown.returncode == 0 and "usage" in shown.stdout, (module, shown.stderr[-500:])
