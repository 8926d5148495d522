"""eval.score_predictor (and the eval.predictor CLI): the MLP learns a monotone score; greedy
top-k; the CLI writes a selection."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from eval.errors import ConfigError
from eval.predictor import main
from eval.score_predictor import (PredictorConfig, fit_predictor, greedy_select, predict_scores,
                                  program_descriptor)
from eval.report import spearman


def test_descriptor_is_mean_min_max_over_frames():
    frames = torch.tensor([[1.0, 5.0], [3.0, -1.0]])
    assert program_descriptor(frames).tolist() == [2.0, 2.0, 1.0, -1.0, 3.0, 5.0]


def test_predictor_learns_a_synthetic_monotone_score():
    gen = torch.Generator().manual_seed(0)
    frames = torch.randn(200, 10, 8, generator=gen)          # 200 programs x 10 frames x D=8
    frames[:, :, 0] += torch.linspace(-2, 2, 200).view(-1, 1)  # latent quality in dim 0
    x = torch.stack([program_descriptor(f) for f in frames])
    score = torch.sigmoid(3 * x[:, 0]) * 50 + 10               # monotone in the latent
    perm = torch.randperm(200, generator=gen)
    train, test = perm[:150], perm[150:]
    model = fit_predictor(x[train], score[train], PredictorConfig(epochs=800))
    rho = spearman(predict_scores(model, x[test]).tolist(), score[test].tolist())
    assert rho > 0.9


def test_fit_predictor_needs_two_programs():
    with pytest.raises(ConfigError, match="2 scored"):
        fit_predictor(torch.zeros(1, 3), torch.zeros(1))


def test_greedy_select_is_top_k_and_skips_near_duplicates():
    predicted = torch.tensor([0.1, 0.9, 0.8, 0.5])
    desc = torch.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 0.01], [0.0, 1.0]])
    assert greedy_select(predicted, desc, 2) == [1, 2]
    assert greedy_select(predicted, desc, 2, max_similarity=0.9) == [1, 3]


def test_predictor_cli_ranks_unseen_programs_and_writes_selection(tmp_path, program_writer):
    root = tmp_path / "render"
    rows = ["program,score"]
    for i in range(12):
        level = 20 * i
        images = [np.full((24, 24, 3), (level, 255 - level, 128), np.uint8)] * 3
        program_writer(root, f"p{i:02d}", images)
        if i % 3:                       # 8 scored, 4 unseen
            rows.append(f"p{i:02d},{level / 2.55:.3f}")
    scores = tmp_path / "scores.csv"
    scores.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    code = main([str(root), "--scores", str(scores), "--top-k", "2", "--samples", "3",
                 "--resolution", "32", "--out", str(out), "--cache-dir", str(tmp_path / "cache"),
                 "--set", "predictor.epochs=300"])
    assert code == 0
    selection = (out / "selection.txt").read_text().splitlines()
    unseen = {str(root / f"p{i:02d}") for i in (0, 3, 6, 9)}
    assert len(selection) == 2 and set(selection) <= unseen
    assert (out / "predictions.csv").read_text().startswith("program,predicted,score")


def test_selection_lists_program_sources_from_the_render_report(tmp_path):
    import json

    from eval.program_ranking import selection_entries

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.glsl").write_text("void mainImage(out vec4 c, in vec2 f){c=vec4(1);}")
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "b").mkdir()
    (out / "report.json").write_text(json.dumps({"a": {"status": "ok",
                                                       "origin": str(src / "a.glsl")}}))
    assert selection_entries(out, [out / "a", out / "b"]) == [str(src / "a.glsl"), str(out / "b")]


def test_the_cli_without_scores_is_a_one_line_error_not_a_traceback(tmp_path, capsys):
    assert main([str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "'scores' is missing: give --scores CSV" in err and "Traceback" not in err
