"""``python -m eval.theta_bench``: one structure's kernel for N thetas against N compiles."""
import json

from eval.theta_bench import main


def test_both_paths_render_every_theta_and_report_programs_per_second(tmp_path, capsys,
                                                                      monkeypatch):
    monkeypatch.setenv("MESA_SHADER_CACHE_DISABLE", "true")  # main sets it; keep it local
    out = tmp_path / "bench.json"
    assert main(["--seed", "3", "--count", "3", "--resolution", "16", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["programs"] == 3
    assert result["theta"]["programs_per_s"] > 0 and result["separate"]["programs_per_s"] > 0
    assert 0 <= result["bit_identical_images"] <= 3
    assert "speedup" in capsys.readouterr().out
