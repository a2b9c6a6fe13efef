"""Options and exit codes shared by every `arkiv` subcommand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from indexer.config import BACKENDS, Config, load_config

EXIT_ERROR = 1  # an expected failure: bad config, unreadable archive, failed crawl, ...
EXIT_PARTIAL = 3  # a crawl that finished, but some sources failed
EXIT_LOCKED = 4  # another crawl (or reextract) of the same archive is running

EPILOG = """\b
Exit codes:
  0  success
  1  failure (the message says what to do next)
  2  bad command-line usage
  3  crawl finished, but some sources failed (see `arkiv runs`)
  4  another crawl (or reextract) of the same archive is running
"""

F = TypeVar("F", bound=Callable[..., Any])


def data_option(func: F) -> F:
    """--data DIR and --config FILE, on every subcommand."""
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="ARKIV_CONFIG",
        help="An arkiv.toml (default: $XDG_CONFIG_HOME/lokalarkiv/arkiv.toml if present).",
    )(func)
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="ARKIV_DATA",
        help="Folder with the archive, WARC files and index "
        "(env ARKIV_DATA; default $XDG_DATA_HOME/lokalarkiv).",
    )(func)


def make_config(config_file: Path | None, **overrides: Any) -> Config:
    """The Config for a command: defaults < arkiv.toml < environment < flags."""
    return load_config(config_file, **overrides)


def backend_option(func: F) -> F:
    """--backend NAME (env ARKIV_BACKEND)."""
    return click.option(
        "--backend",
        type=click.Choice(list(BACKENDS)),
        envvar="ARKIV_BACKEND",
        help="Search backend (env ARKIV_BACKEND; default tantivy, the embedded index).",
    )(func)
