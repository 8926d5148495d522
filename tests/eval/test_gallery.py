"""eval.gallery: the site over a really rendered corpus, its data, and the page in a real browser.

The browser tests drive Debian's ``chromium`` headless over the DevTools protocol (see
``headless_chromium.py``). Without chromium they skip, except in CI (``CI`` or
``EXPECT_LAVAPIPE=1`` set), where a missing browser is a failure: CI must run them.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from eval import gallery
from eval.program_folders import read_program_images
from eval.program_metrics import basic_metrics
from glsl_transpile import builtin_pack_dir

from .headless_chromium import Browser, find_chromium

TYPO = ("void mainImage(out vec4 fragColor, in vec2 fragCoord) {\n"
        "    vec2 uv = fragCoord / iResolution.xy;\n"
        "    vec3 col = vec3(uv, 0.5);\n"
        "    fragColr = vec4(col, 1.0);\n"
        "}\n")
FLAT = "void mainImage(out vec4 c, in vec2 f) { c = vec4(0.2, 0.4, 0.6, 1.0); }\n"
FRAMES, CELL = 3, 16


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Five programs rendered by ``render_vk.render`` at 16x16: three of the pack, one that
    does not compile (line 4) and one constant colour (kept: a gallery shows every program)."""
    from render_vk.render import main as render

    src = tmp_path_factory.mktemp("programs")
    for path in sorted((builtin_pack_dir() / "shadertoy").glob("*.glsl"))[:3]:
        shutil.copy(path, src / path.name)
    (src / "typo.glsl").write_text(TYPO)
    (src / "flat.glsl").write_text(FLAT)
    out = tmp_path_factory.mktemp("rendered")
    assert render([str(src), "--out", str(out), "--resolution", "16", "--samples", "4",
                   "--keep-constant", "--keep-static", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def site(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    assert gallery.main([str(corpus), "--out", str(out), "--strip-length", str(FRAMES), "--cell",
                         str(CELL), "--samples", "4", "--resolution", "32"]) == 0
    return out


def embedded_data(index: Path) -> dict:
    text = index.read_text(encoding="utf-8")
    block = re.search(r'<script id="gallery-data" type="application/json">(.*?)</script>',
                      text, re.S)
    return json.loads(block.group(1))


def report_of(corpus: Path) -> dict:
    return json.loads((corpus / "report.json").read_text())


def test_site_is_self_contained(site, corpus):
    data = embedded_data(site / "index.html")
    html = (site / "index.html").read_text()
    local = re.findall(r'(?:src|href)="([^"]+)"', html) + [p["strip"] for p in data["programs"]
                                                          if p["strip"]]
    assert local and all(not re.match(r"^[a-z]+:|^/", ref) for ref in local)
    assert all((site / ref).is_file() for ref in local)
    ok = [n for n, e in report_of(corpus).items() if e["status"] == "ok"]
    assert len(list((site / "strips").glob("*.png"))) == len(ok) == 4
    for program in data["programs"]:
        if program["strip"]:
            with Image.open(site / program["strip"]) as strip:
                assert strip.size == (FRAMES * CELL, CELL)


def test_every_reported_program_is_on_the_page_with_its_status(site, corpus):
    report = report_of(corpus)
    data = embedded_data(site / "index.html")
    assert [p["name"] for p in data["programs"]] == sorted(report)
    assert {p["name"]: p["status"] for p in data["programs"]} == {
        n: e["status"] for n, e in report.items()}
    assert data["statuses"] == ["ok", "compile_error"]


def test_metrics_are_eval_programs_measurements_and_the_report_flags(site, corpus):
    programs = {p["name"]: p for p in embedded_data(site / "index.html")["programs"]}
    for name in ("flat", "checker_warp"):
        expected = basic_metrics(read_program_images(corpus / name, 4))
        metrics = programs[name]["metrics"]
        assert metrics["gzip_bytes"] == expected["gzip_bytes"]
        assert metrics["colour_spread"] == expected["colour_spread"]
        assert metrics["device_ms_per_image"] > 0
    # two crops of one flat colour look the same in any space (up to float rounding)
    assert programs["flat"]["metrics"]["self_distance"] == pytest.approx(0, abs=1e-5)
    assert programs["checker_warp"]["metrics"]["self_distance"] > -1e-5
    assert programs["flat"]["metrics"]["constant"] is True
    assert programs["checker_warp"]["metrics"]["constant"] is False
    assert programs["typo"]["metrics"] == {"images": 0}


def test_failed_program_carries_its_source_and_error_line(site):
    typo = {p["name"]: p for p in embedded_data(site / "index.html")["programs"]}["typo"]
    assert typo["source"] == TYPO and typo["strip"] is None
    assert typo["error"]["line"] == 4 and "fragColr" in typo["error"]["message"]
    assert "undeclared identifier" in typo["log"]


def test_metrics_file_of_eval_programs_replaces_the_measurement(corpus, tmp_path):
    rows = [{"program": "flat", "gzip_bytes": 1234.0, "self_distance": 0.5}]
    metrics = tmp_path / "programs.json"
    metrics.write_text(json.dumps({"rows": rows, "spaces": {"similarity": "lpips (alex)"}}))
    data = gallery.build_site(gallery.GalleryConfig(root=str(corpus), out_dir=str(tmp_path / "s"),
                                                    metrics=str(metrics)))
    flat = {p["name"]: p for p in data["programs"]}["flat"]
    assert flat["metrics"]["gzip_bytes"] == 1234.0 and flat["metrics"]["self_distance"] == 0.5
    assert "lpips (alex)" in data["note"]


def test_program_text_cannot_end_the_data_block():
    hostile = "</script><script>alert(1)</script><!-- x"
    data = {"title": "<b>t</b>", "root": "r", "note": "", "statuses": ["ok"], "metrics": [],
            "programs": [{"name": hostile, "source": hostile, "log": hostile}]}
    page = gallery.page_html(data)
    assert page.count("</script>") == gallery.template_text("gallery.html").count("</script>")
    assert "<b>t</b>" not in page and "&lt;b&gt;t&lt;/b&gt;" in page
    block = re.search(r'type="application/json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(block) == data


def test_source_of_an_entry_of_a_shadertoy_json_list(tmp_path):
    def shader(code):
        return {"Shader": {"info": {"id": "x"}, "renderpass": [{"type": "image", "code": code}]}}
    path = tmp_path / "two.json"
    path.write_text(json.dumps([shader(FLAT), shader(TYPO)]))
    code, common, note = gallery.program_source("x_1", f"{path}#1")
    assert code == TYPO and common == "" and note == ""
    assert gallery.program_source("gone", str(tmp_path / "gone.glsl"))[0] is None


def test_rebuild_drops_strips_of_programs_no_longer_there(corpus, tmp_path):
    out = tmp_path / "s"
    (out / "strips").mkdir(parents=True)
    Image.new("RGB", (4, 4)).save(out / "strips" / "000099.png")
    gallery.build_site(gallery.GalleryConfig(root=str(corpus), out_dir=str(out), size=32,
                                             n_images=2, frames=1, cell=8))
    assert sorted(p.name for p in (out / "strips").iterdir()) == [
        f"{i:06d}.png" for i in range(4)]


def test_cli_reports_a_folder_without_programs(tmp_path):
    assert gallery.main([str(tmp_path / "missing"), "--out", str(tmp_path / "s")]) == 2
    (tmp_path / "empty").mkdir()
    assert gallery.main([str(tmp_path / "empty"), "--out", str(tmp_path / "s")]) == 2


# ---- in the browser ----

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI") or os.environ.get("EXPECT_LAVAPIPE") == "1":
            pytest.fail("chromium is missing, and CI (CI or EXPECT_LAVAPIPE=1 set) must run the "
                        "gallery's browser tests: .ci/setup.sh installs it")
        pytest.skip("chromium is not installed (apt-get install chromium): the gallery's "
                    "browser tests need a real browser")
    with Browser(executable, tmp_path_factory.mktemp("chromium-profile")) as page:
        yield page


def shown(page: Browser) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('#programs .program')]"
                         ".map((card) => card.dataset.name)")


def by_metric(site: Path, key: str, descending: bool) -> list[str]:
    """The order the page must show: by ``key``, then name; programs without it last."""
    programs = embedded_data(site / "index.html")["programs"]
    have = sorted((p for p in programs if key in p["metrics"]), key=lambda p: p["name"])
    have.sort(key=lambda p: p["metrics"][key], reverse=descending)
    return [p["name"] for p in have] + sorted(p["name"] for p in programs
                                              if key not in p["metrics"])


def loaded_image_widths(page: Browser) -> list[int]:
    """Strips load lazily: scroll to the end, wait until every image has loaded or failed,
    scroll back to the top; the images' natural widths (0: failed)."""
    return page.evaluate("new Promise((done) => { scrollTo(0, document.body.scrollHeight); "
                         "const images = [...document.images]; const check = () => "
                         "images.every((i) => i.complete) ? (scrollTo(0, 0), done(images.map("
                         "(i) => i.naturalWidth))) : setTimeout(check, 20); check(); })")


def test_page_loads_without_errors_and_shows_every_program(browser, site, corpus):
    browser.open((site / "index.html").as_uri())
    assert browser.errors() == []
    assert len(shown(browser)) == len(report_of(corpus)) == 5
    assert browser.evaluate("document.getElementById('count').textContent") == \
        "showing 5 of 5 programs"
    assert loaded_image_widths(browser) == [FRAMES * CELL] * 4


def test_sorting_from_the_address_changes_the_order(browser, site):
    browser.open((site / "index.html").as_uri() + "#sort=gzip_bytes&desc=1")
    descending = shown(browser)
    assert descending == by_metric(site, "gzip_bytes", descending=True)
    assert descending[-1] == "typo"            # no metrics: last in either direction
    browser.set_hash("sort=gzip_bytes")
    ascending = shown(browser)
    assert ascending == by_metric(site, "gzip_bytes", descending=False)
    assert ascending != descending and ascending[-1] == "typo"
    assert browser.evaluate("document.getElementById('sort').value") == "gzip_bytes"
    assert browser.errors() == []


def test_filters_by_status_and_metric_range(browser, site):
    browser.open((site / "index.html").as_uri() + "#status=failed")
    assert shown(browser) == ["typo"]
    browser.set_hash("f=colour_spread&max=0.001")   # one colour: spread 0 up to rounding
    assert shown(browser) == ["flat"]
    browser.set_hash("f=gzip_bytes&min=1e9")
    assert shown(browser) == []
    browser.set_hash("q=CHECKER")
    assert shown(browser) == ["checker_warp"]
    assert browser.evaluate("document.getElementById('count').textContent") == \
        "showing 1 of 1 programs (5 in all)"


def test_controls_write_the_view_into_the_address(browser, site):
    browser.open((site / "index.html").as_uri())
    browser.evaluate("new Promise((done) => { addEventListener('hashchange', () => "
                     "setTimeout(done), {once: true}); const s = document.getElementById('sort');"
                     " s.value = 'jpeg_bytes'; s.dispatchEvent(new Event('change', "
                     "{bubbles: true})); })")
    assert browser.evaluate("location.hash") == "#sort=jpeg_bytes"
    assert shown(browser) == by_metric(site, "jpeg_bytes", descending=False)


def test_error_line_is_highlighted_in_the_failed_programs_source(browser, site):
    browser.open((site / "index.html").as_uri() + "#status=failed")
    marked = browser.evaluate("[...document.querySelectorAll('.error-line')]"
                              ".map((line) => line.textContent)")
    assert marked == [TYPO.splitlines()[3]]
    assert browser.evaluate("document.querySelector('.program details').open") is True
    browser.set_hash("q=flat")                   # an ok program's source is built when opened
    card = "document.querySelector('[data-name=flat]')"
    assert browser.evaluate(f"{card}.querySelectorAll('pre.source span').length") == 0
    browser.evaluate(f"new Promise((done) => {{ const d = {card}.querySelector('details'); "
                     "d.addEventListener('toggle', () => setTimeout(done), {once: true}); "
                     "d.open = true; })")
    assert browser.evaluate(f"[...{card}.querySelectorAll('pre.source span')]"
                            ".map((line) => line.textContent)") == FLAT.splitlines()


def test_screenshot_shows_the_frames(browser, site):
    browser.open((site / "index.html").as_uri())
    loaded_image_widths(browser)
    with Image.open(io.BytesIO(browser.screenshot())) as shot:
        pixels = np.asarray(shot.convert("RGB"))
    assert pixels.shape[:2] == (900, 1200)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 100
    assert pixels.std() > 20
    flat = np.array([51, 102, 153])             # FLAT's colour, round(0.2, 0.4, 0.6 * 255)
    assert (np.abs(pixels.astype(int) - flat).sum(axis=2) == 0).sum() >= CELL * CELL


def test_long_corpus_is_shown_a_page_at_a_time(browser, corpus, tmp_path):
    out = tmp_path / "paged"
    gallery.build_site(gallery.GalleryConfig(root=str(corpus), out_dir=str(out), size=32,
                                             n_images=2, frames=1, cell=8, page_size=2))
    browser.open((out / "index.html").as_uri())
    names = sorted(report_of(corpus))
    assert shown(browser) == names[:2]
    more = "document.getElementById('more')"
    assert browser.evaluate(f"{more}.textContent") == "show 2 more of 3"
    browser.evaluate(f"{more}.click()")
    assert shown(browser) == names[:4]
    browser.evaluate(f"{more}.click()")
    assert shown(browser) == names and browser.evaluate(f"{more}.hidden") is True
    browser.set_hash("sort=name&desc=1")               # a new view starts at one page again
    assert shown(browser) == names[::-1][:2]
    assert browser.errors() == []
