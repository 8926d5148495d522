"""eval.retrieval, eval.pictures, eval.report: picture sizes, tables and rank correlation."""
from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from eval import report
from eval.pictures import PAD, contact_sheet
from eval.pictures import main as pictures_main
from eval.retrieval import GAP, grid_size, retrieval_grid


def test_retrieval_grid_has_documented_size_and_query_in_first_column():
    queries = [np.full((10, 10, 3), 255, np.uint8)] * 3
    neighbours = [[np.zeros((12, 12, 3), np.uint8)] * 5] * 3
    grid = retrieval_grid(queries, neighbours, cell=16)
    assert grid.size == grid_size(3, 5, 16) == (2 + 6 * 18 + GAP, 2 + 3 * 18)
    pixels = np.asarray(grid)
    assert (pixels[2 + 8, 2 + 8] == 255).all()          # query tile (white)
    assert (pixels[2 + 8, 2 + 18 + GAP + 8] == 0).all()  # first neighbour (black)


def test_contact_sheet_size():
    sheet = contact_sheet([np.zeros((8, 8, 3), np.uint8)] * 10, cols=4, cell=16)
    assert sheet.size == (PAD + 4 * (16 + PAD), PAD + 3 * (16 + PAD))


def test_pictures_cli_contact_sheet_of_digits_and_gallery(tmp_path, program_writer):
    out = tmp_path / "sheet.png"
    assert pictures_main(["contact", "digits", "--out", str(out), "--n", "12", "--cols", "6",
                          "--cell", "20"]) == 0
    with Image.open(out) as sheet:
        assert sheet.size == (PAD + 6 * 22, PAD + 2 * 22)
    root = tmp_path / "render"
    for i in range(3):
        program_writer(root, f"p{i}", [np.full((8, 8, 3), 60 * i, np.uint8)] * 2)
    scores = tmp_path / "s.csv"
    scores.write_text("program,score\np0,1\np1,3\np2,2\n")
    assert pictures_main(["gallery", str(root), "--scores", str(scores),
                          "--out", str(tmp_path / "g.png")]) == 0
    assert (tmp_path / "g.png").is_file()


def test_markdown_and_csv_tables():
    rows = [{"model": "r18", "top1": 91.234, "top5": 0.5}, {"model": "r50", "top1": None}]
    md = report.markdown_table(rows, ["model", "top1", "top5"])
    assert md.splitlines()[2] == "| r18 | 91.23 | 0.5000 |"
    assert md.splitlines()[3] == "| r50 |  |  |"
    assert report.csv_text(rows, ["model", "top1"]).splitlines() == [
        "model,top1", "r18,91.234", "r50,"]


def test_spearman_matches_known_values():
    assert report.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert report.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert report.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486832980505138)
    assert math.isnan(report.spearman([1, None], [2, 3]))


def test_report_cli_collects_result_json(tmp_path):
    payload = {"backbone_label": "r18", "dataset": "digits",
               "results": {"knn_k5": {"top1": 90.0, "top5": 99.0}}}
    path = report.write_json(tmp_path / "knn.json", payload)
    assert report.main([str(path), "--out", str(tmp_path / "rep")]) == 0
    assert "| r18 | digits | knn_k5 | 90.00 | 99.00 |" in (tmp_path / "rep/results.md").read_text()
    assert (tmp_path / "rep/results.png").is_file()
