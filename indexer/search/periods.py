"""Calendar periods for counting matches over time: days, ISO weeks (Monday first) and
months, on the Europe/Stockholm calendar the app shows dates in.

Every backend's ``count_by_period`` and the application's trend table use these, so a
period means the same everywhere: it starts at local midnight of its first day and ends
just before local midnight after its last (a day is 23 or 25 hours around the clock
changes). :func:`count_by_searches` is the fallback for a backend that cannot count
every period in one request: one count search per period.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from indexer.errors import QueryError
from indexer.search.query import Query, SearchPage

__all__ = [
    "MAX_PERIODS",
    "PERIODS",
    "STOCKHOLM",
    "check_by",
    "count_by_searches",
    "day_of",
    "label",
    "local_midnight_us",
    "period_end",
    "period_start",
    "periods",
]

PERIODS = ("day", "week", "month")
MAX_PERIODS = 5000
"""Periods one count may span (13 years by day)."""
STOCKHOLM = ZoneInfo("Europe/Stockholm")

PeriodCounts = list[tuple[date, int]]


def check_by(by: str) -> str:
    """``by`` when it is a period name; else a one-line QueryError."""
    if by not in PERIODS:
        raise QueryError(
            f"count by day, week or month, not {by[:20]!r}",
            hint="Count by day, week (ISO, Monday first) or month.",
        )
    return by


def period_start(day: date, by: str) -> date:
    """The first day of the period that ``day`` is in."""
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def period_end(start: date, by: str) -> date:
    """The last day of the period that starts on ``start``."""
    if by == "week":
        return start + timedelta(days=6)
    if by == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start


def label(start: date, by: str) -> str:
    """ "2025-03-04", "2025-W10" (the ISO week's year and number) or "2025-03"."""
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{start:%Y-%m}"
    return start.isoformat()


def periods(first: date, last: date, by: str) -> list[date]:
    """The first day of every period from the one holding ``first`` to the one holding
    ``last``. More than :data:`MAX_PERIODS` is a QueryError."""
    starts: list[date] = []
    start = period_start(first, by)
    while start <= last:
        if len(starts) == MAX_PERIODS:
            raise QueryError(
                f"more than {MAX_PERIODS} periods of a {by}",
                hint="Count by a longer period, or narrow the dates (from, to).",
            )
        starts.append(start)
        start = period_end(start, by) + timedelta(days=1)
    return starts


def local_midnight_us(day: date) -> int:
    """The instant ``day`` starts in Stockholm, in microseconds since the epoch."""
    start = datetime.combine(day, time(), tzinfo=STOCKHOLM)
    return int(start.timestamp()) * 1_000_000


def day_of(instant_us: float) -> date:
    """The Stockholm calendar day of an instant given in microseconds since the epoch."""
    return datetime.fromtimestamp(instant_us / 1_000_000, STOCKHOLM).date()


class Searches(Protocol):
    def search(self, query: Query) -> SearchPage: ...


def count_by_searches(backend: Searches, query: Query, by: str) -> PeriodCounts:
    """(first day, matches) of each period with a match, counted with one search per
    period between the oldest and the newest match (within the query's dates)."""
    check_by(by)
    ask = dataclasses.replace(query, limit=0, offset=0, facets=())
    ends = [
        backend.search(dataclasses.replace(ask, sort=sort, limit=1)).hits
        for sort in ("oldest", "newest")
    ]
    dated = [hits[0].published for hits in ends if hits and hits[0].published]
    if len(dated) < 2:
        return []
    first, last = (day_of(when.timestamp() * 1_000_000) for when in dated)
    counts: PeriodCounts = []
    for start in periods(first, last, by):
        narrowed = dataclasses.replace(
            ask,
            date_from=max(start, query.date_from or start),
            date_to=min(period_end(start, by), query.date_to or period_end(start, by)),
        )
        total = backend.search(narrowed).total
        if total:
            counts.append((start, total))
    return counts
