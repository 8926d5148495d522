"""The command-line plumbing every entry point shares: flags that stand for config keys, help
that shows defaults, and errors turned into exit statuses."""
import argparse
from dataclasses import dataclass, field

import pytest

from glsl_transpile.plumbing import command_line as cl
from glsl_transpile.plumbing.config import ConfigError, load_config


@dataclass(frozen=True)
class Inner:
    batch_size: int = 64
    name: str = ""


@dataclass(frozen=True)
class Tree:
    inner: Inner = field(default_factory=Inner)
    cache: bool = True
    out_dir: str = "out"


FLAGS = (cl.ConfigFlag("--batch-size", "inner.batch_size", "images a batch", type=int),
         cl.ConfigFlag("--name", "inner.name", "a name", aliases=("--old-name",)),
         cl.ConfigFlag("--no-cache", "cache", "no cache", const=False),
         cl.ConfigFlag("--out", "out_dir", "where"))


def _parser():
    parser = cl.new_parser("prog", "what it does")
    cl.add_config_arguments(parser, example="inner.batch_size=8")
    cl.add_config_flags(parser, FLAGS, Tree())
    cl.add_verbosity_arguments(parser)
    return parser


def test_flags_become_overrides_applied_before_set():
    args = _parser().parse_args(["--batch-size", "8", "--old-name", "a: b", "--no-cache",
                                 "--set", "inner.batch_size=16"])
    overrides = cl.config_overrides(args, FLAGS)
    assert overrides == ['inner.batch_size=8', 'inner.name="a: b"', "cache=false",
                         "inner.batch_size=16"]
    cfg = load_config(Tree, None, overrides)
    assert cfg == Tree(Inner(16, "a: b"), cache=False)


def test_help_names_the_key_and_its_default_and_hides_old_spellings():
    text = " ".join(_parser().format_help().split())  # argparse wraps lines
    assert "images a batch (config inner.batch_size; default: 64)" in text
    assert "a name (config inner.name)" in text  # an empty default is not shown
    assert "--old-name" not in text and "--version" in text


def test_positive_int_refuses_zero_and_words():
    assert cl.positive_int("3") == 3
    for bad in ("0", "-1", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            cl.positive_int(bad)


def test_guarded_maps_errors_to_statuses_with_one_line(capsys):
    def raising(err):
        def body():
            raise err
        return body

    assert cl.guarded(raising(ConfigError("key 'a' is wrong")),
                      usage_errors=(ConfigError,)) == 2
    assert capsys.readouterr().err == "error: key 'a' is wrong\n"
    assert cl.guarded(raising(OSError("disk")), failures=(OSError,)) == 1
    assert cl.guarded(raising(KeyboardInterrupt()), usage_errors=(ConfigError,)) == 130
    with pytest.raises(ValueError):  # a bug keeps its traceback
        cl.guarded(raising(ValueError("bug")), usage_errors=(ConfigError,))
