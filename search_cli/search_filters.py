"""The filter flags of `arkiv search` (and `arkiv export`), and the Query they make."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from indexer.gazetteer import get_gazetteer
from indexer.query import Query

F = TypeVar("F", bound=Callable[..., Any])

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
