"""The query words and filter flags of `arkiv search` and `arkiv export`: click options made
from the one definition in :mod:`lokalarkiv.params`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click

from lokalarkiv.params import KINDS

F = TypeVar("F", bound=Callable[..., Any])


class QueryCommand(click.Command):
    """A command whose query words may start with "-" (an excluded word), the first one too:
    `arkiv search -kommunen storm`.

    Before click parses, every token that is not one of the command's options (exactly as
    written, or a long option with ``=value``) nor the value of one is a query word, kept in
    its order; they go after a ``--``. So "-kommunen" is a word, while --kommun, -o FILE and
    -h stay options, and a mistyped long option (--kommune) is still an error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, words_last(self.get_params(ctx), args))


def words_last(params: Sequence[click.Parameter], args: list[str]) -> list[str]:
    """``args`` as :class:`QueryCommand` hands them to click: the options (with their
    values) first, then ``--`` and the query words in their order."""
    takes: dict[str, int] = {}  # option name -> how many values follow it
    for param in params:
        if isinstance(param, click.Option):
            count = 0 if param.is_flag or param.count else param.nargs
            for name in (*param.opts, *param.secondary_opts):
                takes[name] = count
    options: list[str] = []
    words: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if token == "--":
            words += args[i:]
            break
        if token in takes:
            options += [token, *args[i : i + takes[token]]]
            i += takes[token]
        elif token.startswith("--"):
            options.append(token)  # --name=value, or an unknown --option click will name
        else:
            words.append(token)
    return [*options, "--", *words]


def query_words(words: Iterable[str]) -> str:
    """The query text from the words given on the command line."""
    return " ".join(words)


_DATE = click.DateTime(formats=["%Y-%m-%d"])


def filter_options(func: F) -> F:
    """--from, --to, --source, --kommun, --lan, --kind, --lang, --role, --person."""
    options = [
        click.option("--from", "date_from", type=_DATE, help="Published on or after (YYYY-MM-DD)."),
        click.option("--to", "date_to", type=_DATE, help="Published on or before (YYYY-MM-DD)."),
        click.option("--source", "sources", multiple=True, help="Source id (repeatable)."),
        click.option(
            "--kommun",
            "municipalities",
            multiple=True,
            help="Municipality, any case, with or without å ä ö (repeatable).",
        ),
        click.option("--lan", "regions", multiple=True, help="Region (län), e.g. 'Kalmar län'."),
        click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS)),
        click.option("--lang", "languages", multiple=True, help="Language code, e.g. sv."),
        click.option("--role", "roles", multiple=True, help="A role, e.g. kommunchef."),
        click.option("--person", "people", multiple=True, help="A person's name."),
    ]
    for option in reversed(options):
        func = option(func)
    return func
