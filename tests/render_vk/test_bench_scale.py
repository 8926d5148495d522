"""The scale benchmark's corpus: N distinct kernels made from the built-in pack."""
import pytest

from glsl_transpile import SpirvCache, compile_programs, load_builtin_pack, load_sources
from render_vk.bench_scale import main, write_corpus


def test_every_copy_compiles_to_a_kernel_of_its_own(tmp_path):
    write_corpus(tmp_path / "corpus", 112)  # each pack program twice
    sources = load_sources([tmp_path / "corpus"])
    assert len(sources) == 112 and len({s.name for s in sources}) == 112
    pack_modes = sorted(s.mode for s in load_builtin_pack())
    assert sorted(s.mode for s in sources) == sorted(pack_modes * 2)  # modes still detected
    results = compile_programs(sources, cache=SpirvCache(tmp_path / "cache"))
    assert all(r.ok for r in results)
    # distinct kernels, not 56 shared ones (a TwiGL program that reads its backbuffer is a
    # buffer pass of its own code and an image pass that shows the buffer)
    assert len({(r.spirv, r.pass_spirv) for r in results}) == 112


@pytest.mark.slow
def test_the_benchmark_prints_its_figures_and_writes_json(tmp_path, capsys):
    import json

    assert main(["--programs", "60", "--batches", "1", "--batch-size", "8", "--shard", "8",
                 "--shard-images", "16", "--resolution", "16", "--json",
                 str(tmp_path / "s.json")]) == 0
    assert "sharded img/s" in capsys.readouterr().out
    figures = json.loads((tmp_path / "s.json").read_text())["60"]
    assert figures["warm"]["load_s"] < figures["cold"]["load_s"]
