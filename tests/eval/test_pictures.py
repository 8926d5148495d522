"""eval.retrieval, eval.pictures: picture sizes (eval.report is in test_report.py)."""
from __future__ import annotations

import numpy as np
from PIL import Image

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
