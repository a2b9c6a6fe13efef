"""The `arkiv` command group: shared options, error handling, exit codes."""

from __future__ import annotations

import sys
from typing import Any

import click

from indexer.errors import ArkivError
from search_cli import (
    crawl_commands,
    export_command,
    people_command,
    reextract_command,
    search_commands,
    serve_command,
)
from search_cli.options import EPILOG
from search_cli.output import one_line, output_failed


class ArkivGroup(click.Group):
    """Turns every ArkivError into one clear line plus a hint, and exit code 1 (both made
    safe to print: a message may quote what a site wrote)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order added: the order a user meets them

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArkivError as exc:
            raise click.ClickException(f"{one_line(exc)}\nHint: {one_line(exc.hint)}") from exc


@click.group(
    cls=ArkivGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="lokalarkiv")
def arkiv() -> None:
    """Lokalarkiv: crawl, archive and search regional Swedish news."""


for _command in (
    crawl_commands.crawl,
    reextract_command.reextract,
    search_commands.index,
    search_commands.search,
    search_commands.show,
    export_command.export,
    people_command.people,
    crawl_commands.stats,
    crawl_commands.runs,
    crawl_commands.sources,
    crawl_commands.backup,
    serve_command.serve,
):
    arkiv.add_command(_command)


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
