"""``python -m eval.corpus_compare``: a table row per corpus, histograms and a contact sheet."""
import json

from eval.corpus_compare import main


def test_two_corpora_give_two_rows_a_figure_and_a_sheet(tmp_path):
    out = tmp_path / "cmp"
    assert main(["gen=synth:5@0", "pack=builtin", "--programs", "3", "--times", "0.5,2.0",
                 "--resolution", "32", "--sheet", "gen", "--out", str(out)]) == 0
    rows = json.loads((out / "corpora.json").read_text())["rows"]
    assert [(r["corpus"], r["programs"], r["images"]) for r in rows] == [("gen", 3, 6),
                                                                         ("pack", 3, 6)]
    assert all(r["jpeg_kb"] > 0 and r["images_per_s"] > 0 and r["colourfulness"] >= 0
               for r in rows)
    assert (out / "histograms.png").stat().st_size > 0
    assert (out / "contact_sheet.png").stat().st_size > 0
