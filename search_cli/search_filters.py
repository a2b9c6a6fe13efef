"""The query words and filter flags of `arkiv search` (and `arkiv export`), and the Query
they make."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import click

from crawler.enrich.gazetteer import _unknown as unknown_name  # the --kommun "did you mean"
from crawler.enrich.gazetteer import get_gazetteer, normalise_name
from indexer.config import Config
from indexer.errors import ConfigError, QueryError
from indexer.search.query import Query

F = TypeVar("F", bound=Callable[..., Any])
SOURCE_HINT = (
    "Give a source id as `arkiv stats` (archived) or `arkiv sources` (configured) lists it."
)


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


def check_sources(config: Config, sources: Sequence[str]) -> tuple[str, ...]:
    """The source ids given with --source, as the archive spells them; an unknown one is
    one line that suggests the nearest, as an unknown --kommun is.

    Known: every source the archive holds articles of and every source in the source list
    (``--sources``/ARKIV_SOURCES, else the shipped one). Without a local archive (a
    Meilisearch server searched from elsewhere) there is nothing to check against."""
    if not sources or not config.archive_path.exists():
        return tuple(sources)
    from search_cli.storage import open_archive

    with open_archive(config) as archive:
        if all(archive.has_source(source) for source in sources):
            return tuple(sources)
        known = dict.fromkeys(archive.source_names())
    known.update(dict.fromkeys(_configured_sources(config)))
    return tuple(resolve_source(source, known) for source in sources)


def resolve_source(value: str, known: Iterable[str]) -> str:
    """The known source id that ``value`` names (any case, with or without å ä ö).

    Raises:
        QueryError: none does; the message suggests the nearest ids.
    """
    labels = {normalise_name(source): source for source in known}
    found = labels.get(normalise_name(value))
    if found is None:
        raise QueryError(unknown_name("source", value, labels), hint=SOURCE_HINT)
    return found


def _configured_sources(config: Config) -> list[str]:
    from search_cli.crawl_commands import load_source_list

    try:
        return [source.id for source in load_source_list(config.sources_path)]
    except ConfigError:
        return []  # a broken source list is `arkiv crawl`'s to report, not search's


_DATE = click.DateTime(formats=["%Y-%m-%d"])
FILTER_NAMES = ("sources", "municipalities", "regions", "kinds", "languages", "roles", "people")


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
        click.option(
            "--kind", "kinds", multiple=True, type=click.Choice(["personnel", "municipal"])
        ),
        click.option("--lang", "languages", multiple=True, help="Language code, e.g. sv."),
        click.option("--role", "roles", multiple=True, help="A role, e.g. kommunchef."),
        click.option("--person", "people", multiple=True, help="A person's name."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_query(text: str, filters: dict[str, Any], **page: Any) -> Query:
    """A Query from the flags: municipality and region names resolved through the gazetteer
    (so "jonkoping" means Jönköping, and an unknown name suggests the nearest ones)."""
    gazetteer = get_gazetteer()
    municipalities = tuple(gazetteer.municipality(n).name for n in filters["municipalities"])
    regions = tuple(gazetteer.region(n).name for n in filters["regions"])
    return Query(
        text=text,
        date_from=_day(filters["date_from"]),
        date_to=_day(filters["date_to"]),
        sources=filters["sources"],
        municipalities=municipalities,
        regions=regions,
        kinds=filters["kinds"],
        languages=tuple(lang.lower() for lang in filters["languages"]),
        roles=filters["roles"],
        people=filters["people"],
        **page,
    )


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None
