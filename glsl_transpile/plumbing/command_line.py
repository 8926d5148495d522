"""What every command line of the project shares.

- ``new_parser``: an ``argparse`` parser whose help shows every option's default, with
  ``--version`` (the package version and the git revision of the code that runs);
- ``ConfigFlag`` / ``add_config_flags`` / ``config_overrides``: convenience flags that stand for
  config keys (``--batch-size 64`` is ``--set features.batch_size=64``), so that a config tree
  stays the only source of truth and train and eval spell the same thing the same way;
- ``add_config_arguments``: ``--config FILE``, repeated ``--set KEY=VALUE`` and
  ``--print-config``; ``add_verbosity_arguments``: ``--quiet`` and ``-v/--verbose``;
- ``guarded``: runs an entry point's body and turns the errors a user can act on into a
  one-line ``error: ...`` and an exit status (2: bad arguments or inputs, 1: the work failed,
  130: interrupted), never a traceback.

It imports neither Vulkan nor torch.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DIST_NAME = "procedural-vk"


@lru_cache(maxsize=1)
def package_version() -> str:
    """The installed distribution's version, or "unknown (not installed)"."""
    from importlib import metadata

    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def version_text(prog: str) -> str:
    """``"<prog> (procedural-vk 0.1.0, git <sha>[-dirty])"``."""
    from .run_record import git_revision

    return f"{prog} ({DIST_NAME} {package_version()}, git {git_revision()})"


class _VersionAction(argparse.Action):
    """``--version``: the text is computed only when asked (it runs git)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="print the version and git revision, then exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text(parser.prog))
        parser.exit()


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the description's line breaks and appends "(default: X)" to every option whose
    help does not already say its default. Options without a value worth showing (None,
    False, an empty list) say nothing more: their help says what happens without them."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or not action.option_strings:
            return text
        if action.default in (None, False, argparse.SUPPRESS) or action.default == []:
            return text
        return f"{text} (default: %(default)s)"


def new_parser(prog: str, description: str | None = None) -> argparse.ArgumentParser:
    """A parser with the project's help formatter and ``--version``."""
    parser = argparse.ArgumentParser(prog=prog, description=description,
                                     formatter_class=HelpFormatter)
    parser.add_argument("--version", action=_VersionAction)
    return parser


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_config_arguments(parser: argparse.ArgumentParser, example: str) -> None:
    """``--config FILE``, repeated ``--set KEY=VALUE`` (``example`` shows one) and
    ``--print-config``."""
    parser.add_argument("--config", metavar="FILE",
                        help="YAML file holding the config values that differ from the defaults")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help=f"override one config value, applied after --config and the flags "
                             f"below, e.g. --set {example}; repeatable")
    parser.add_argument("--print-config", action="store_true",
                        help="print the resolved config as YAML and exit")


def add_verbosity_arguments(parser: argparse.ArgumentParser) -> None:
    """``--quiet`` (no progress bars, warnings only) and ``-v/--verbose`` (DEBUG logs)."""
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bars; log warnings and errors only")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record is emitted, not to the one that was
    current when logging was set up (a test harness, or tqdm, may have replaced it since)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):  # noqa: D401 - logging's attribute
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        del value


def configure_logging(level: int, fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s",
                      *, force: bool = True) -> None:
    """Root logging to stderr at ``level`` (entry points only)."""
    logging.basicConfig(level=level, format=fmt, handlers=[_StderrHandler()], force=force)


def log_level(args: argparse.Namespace) -> int:
    """The logging level ``--quiet`` / ``--verbose`` ask for (INFO otherwise)."""
    if getattr(args, "verbose", False):
        return logging.DEBUG
    return logging.WARNING if getattr(args, "quiet", False) else logging.INFO


@dataclasses.dataclass(frozen=True)
class ConfigFlag:
    """A flag that stands for one config key.

    ``type`` parses the value (``const`` instead makes it a switch that sets the key to
    ``const``); ``aliases`` are older spellings, accepted but not shown in the help.
    """

    flag: str
    key: str
    help: str
    type: Callable[[str], Any] = str
    const: Any = None
    aliases: tuple[str, ...] = ()

    @property
    def dest(self) -> str:
        return "flag_" + self.key.replace(".", "__")


def _config_value(defaults: Any, key: str) -> Any:
    value = defaults
    for part in key.split("."):
        value = getattr(value, part)
    return value


def add_config_flags(parser: argparse.ArgumentParser, flags: Sequence[ConfigFlag],
                     defaults: Any) -> None:
    """Add ``flags``; each help names its key and the default of ``defaults`` (the tree)."""
    for f in flags:
        default = _config_value(defaults, f.key)
        shown = "" if default in ("", None) else f"; default: {default}"
        text = f"{f.help} (config {f.key}{shown})"
        if f.const is not None:
            parser.add_argument(f.flag, dest=f.dest, action="store_const", const=f.const,
                                help=text)
            for alias in f.aliases:
                parser.add_argument(alias, dest=f.dest, action="store_const", const=f.const,
                                    help=argparse.SUPPRESS)
            continue
        metavar = f.flag.lstrip("-").replace("-", "_").upper()
        parser.add_argument(f.flag, dest=f.dest, type=f.type, metavar=metavar, help=text)
        for alias in f.aliases:
            parser.add_argument(alias, dest=f.dest, type=f.type, help=argparse.SUPPRESS)


def config_overrides(args: argparse.Namespace, flags: Sequence[ConfigFlag]) -> list[str]:
    """``key=value`` strings for every flag given (valid YAML values), then ``--set``'s."""
    out = []
    for f in flags:
        value = getattr(args, f.dest, None)
        if value is not None:
            out.append(f"{f.key}={json.dumps(value)}")
    return out + list(getattr(args, "set", None) or [])


def guarded(body: Callable[[], int], *, usage_errors: tuple[type[BaseException], ...] = (),
            failures: tuple[type[BaseException], ...] = ()) -> int:
    """``body()``'s exit status; ``usage_errors`` (bad arguments, config or inputs) print
    ``error: <message>`` and give 2, ``failures`` (the work went wrong) give 1, Ctrl-C gives
    130. Other exceptions are bugs and keep their traceback."""
    try:
        return body()
    except usage_errors as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except failures as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
