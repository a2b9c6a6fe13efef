"""The `arkiv` command group: shared options, error handling, exit codes."""

from __future__ import annotations

import importlib
import sqlite3
import sys
from typing import Any

import click

from indexer.errors import ArkivError
from search_cli.options import EPILOG
from search_cli.output import one_line, output_failed

# name -> "module:command", in the order a user meets them. A command's module is imported
# only when that command runs (or help lists them all): `arkiv search` must start fast and
# need not load export, the crawl or the web app.
COMMANDS = {
    "crawl": "search_cli.crawl_commands:crawl",
    "reextract": "search_cli.reextract_command:reextract",
    "index": "search_cli.search_commands:index",
    "search": "search_cli.search_commands:search",
    "show": "search_cli.search_commands:show",
    "export": "search_cli.export_command:export",
    "people": "search_cli.people_command:people",
    "watch": "search_cli.watch_command:watch",
    "trend": "search_cli.trend_command:trend_command",
    "stats": "search_cli.crawl_commands:stats",
    "runs": "search_cli.crawl_commands:runs",
    "sources": "search_cli.crawl_commands:sources",
    "backup": "search_cli.crawl_commands:backup",
    "serve": "search_cli.serve_command:serve",
}


class ArkivGroup(click.Group):
    """Turns every ArkivError into one clear line plus a hint, and exit code 1 (both made
    safe to print: a message may quote what a site wrote); so too an SQLite error met while
    reading the archive (the places that write turn theirs into ArchiveError)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArkivError as exc:
            raise click.ClickException(f"{one_line(exc)}\nHint: {one_line(exc.hint)}") from exc
        except sqlite3.DatabaseError as exc:  # met while reading: mostly a damaged archive
            from indexer.store.connection import READ_HINT, sqlite_hint

            hint = sqlite_hint(exc, READ_HINT)
            raise click.ClickException(
                f"the archive cannot be read: {one_line(exc)}\nHint: {hint}"
            ) from exc


@click.group(
    cls=ArkivGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="lokalarkiv")
def arkiv() -> None:
    """Lokalarkiv: crawl, archive and search regional Swedish news."""


def main() -> None:
    """Console entry point. Output that cannot be written (stdout is a full disk, a closed
    pipe) ends the command with one line and exit code 1, never a traceback: standard output
    is flushed here, inside the guard, rather than by the interpreter on its way out."""
    try:
        try:
            arkiv(prog_name="arkiv")
        finally:
            sys.stdout.flush()
    except OSError as exc:
        output_failed(exc)
