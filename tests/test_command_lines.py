"""Every entry point of the project: help for every option with its default, --version, and
user errors that end in one line and a non-zero status, never a traceback."""
import argparse
import importlib

import pytest
import yaml

ENTRY_POINTS = ["train.moco", "train.simclr", "train.supcon", "train.ce", "train.bench_live",
                "eval.knn", "eval.linear", "eval.programs", "eval.study", "eval.predictor",
                "eval.gallery", "eval.pictures", "eval.report", "eval.imagenet100",
                "render_vk.render", "render_vk.bench", "render_vk.bench_scale",
                "render_vk.bench_multipass", "glsl_transpile.__main__",
                "glsl_transpile.synth.__main__", "eval.curate", "eval.theta_bench",
                "eval.corpus_compare"]


# how bench_scale starts its measuring child processes: not for people
INTERNAL = {("render_vk.bench_scale", "--phase"), ("render_vk.bench_scale", "--corpus"),
            ("render_vk.bench_scale", "--cache")}


class _Parsed(Exception):
    def __init__(self, parser):
        self.parser = parser


def _parser_of(module_name, monkeypatch):
    """The parser an entry point builds (caught at parse time, before any work)."""
    def capture(self, args=None, namespace=None):
        raise _Parsed(self)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", capture)
    with pytest.raises(_Parsed) as caught:
        importlib.import_module(module_name).main([])
    return caught.value.parser


def _parsers(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.values()


@pytest.mark.parametrize("module_name", ENTRY_POINTS)
def test_every_option_has_help_and_shows_its_default(module_name, monkeypatch):
    for parser in _parsers(_parser_of(module_name, monkeypatch)):
        formatter = parser._get_formatter()
        visible = {a.dest for a in parser._actions if a.help != argparse.SUPPRESS}
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            name = "/".join(action.option_strings) or action.dest
            if action.help == argparse.SUPPRESS:  # an older spelling of a visible option
                assert action.dest in visible or (module_name, name) in INTERNAL, \
                    f"{module_name} {name}: hidden, with no visible twin"
                continue
            assert action.help, f"{module_name} {name}: no help"
            meaningful = action.default not in (None, False, argparse.SUPPRESS, [], "")
            if action.option_strings and meaningful:
                assert "default" in formatter._get_help_string(action), \
                    f"{module_name} {name}: the help does not show the default"


@pytest.mark.parametrize("module_name", ENTRY_POINTS)
def test_version_names_the_package_and_the_git_revision(module_name, capsys):
    with pytest.raises(SystemExit) as caught:
        importlib.import_module(module_name).main(["--version"])
    out = capsys.readouterr().out
    assert caught.value.code == 0 and "procedural-vk " in out and "git " in out


def test_old_flag_spellings_still_work_and_print_config_shows_them(capsys):
    from eval import gallery, program_ranking, programs

    assert programs.main(["runs/x", "--n-images", "4", "--size", "32", "--print-config"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert (printed["root"], printed["n_images"], printed["size"]) == ("runs/x", 4, 32)
    assert programs.main(["runs/x", "--samples", "5", "--resolution", "48",
                          "--print-config"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["n_images"] == 5
    assert program_ranking.main(["r", "--frames", "3", "--checkpoint", "c.pt",
                                 "--scores", "s.csv", "--print-config"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["frames"] == 3 and printed["backbone"]["random_init"] is False
    assert gallery.main(["d", "--out", "site", "--frames", "4", "--print-config"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["frames"] == 4


def _one_line_error(capsys, text):
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"error: {text}" in err, err
    return err


def test_eval_user_errors_exit_2_with_one_line(tmp_path, capsys):
    from eval import gallery, knn, pictures, programs

    folder = tmp_path / "render" / "prog"
    folder.mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (8, 8)).save(folder / "000000.png")
    missing = tmp_path / "missing.csv"
    assert pictures.main(["gallery", str(tmp_path / "render"), "--scores", str(missing),
                          "--out", str(tmp_path / "g.png")]) == 2
    _one_line_error(capsys, f"{missing}: cannot read CSV")
    bad = tmp_path / "bad.csv"
    bad.write_text("program,score\nprog,high\n")
    assert pictures.main(["gallery", str(tmp_path / "render"), "--scores", str(bad),
                          "--out", str(tmp_path / "g.png")]) == 2
    _one_line_error(capsys, f"{bad}: line 2: score 'high' is not a number")
    assert knn.main(["--checkpoint", str(tmp_path / "none.pt"), "--dataset", "digits",
                     "--out", str(tmp_path / "k")]) == 2
    _one_line_error(capsys, "checkpoint")
    assert gallery.main(["--out", str(tmp_path / "site")]) == 2
    _one_line_error(capsys, "config key 'root' is missing")
    assert programs.main([str(tmp_path / "nothing"), "--out", str(tmp_path / "p")]) == 2
    _one_line_error(capsys, f"{tmp_path / 'nothing'}: not a folder")
