"""Attention over time: how many articles match each query per day, ISO week or month,
and (``share``) what fraction of the period's articles that is. What `arkiv trend` prints
and the web app's chart and /api/count-by-period show come from here.

Every number is counted by the search index (``SearchBackend.count_by_period``), never by
reading articles. Periods are on the Europe/Stockholm calendar (:mod:`indexer.search.periods`).

The share's base: the articles of the period that pass the same filters (no filters: every
archived article of the period), so a share with ``--source X`` is a share of X's articles.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from indexer.config import Config
from indexer.errors import QueryError
from indexer.search.backends import SearchBackend
from indexer.search.periods import check_by, label, period_end, periods
from lokalarkiv.params import Filters, build_query
from lokalarkiv.searching import Reindex, on_index, update_index

__all__ = [
    "FORMATS",
    "MAX_QUERIES",
    "Period",
    "Trend",
    "count_trend",
    "trend",
    "trend_csv",
    "trend_json",
    "trend_rows",
]

FORMATS = ("table", "csv", "json")
MAX_QUERIES = 10


@dataclass(frozen=True)
class Period:
    """One day, ISO week or month: its label and its first and last day (within the
    filters' dates, so a search from ``start`` to ``end`` finds the period's matches)."""

    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Trend:
    """Counts per period: ``counts[q][p]`` matches of ``queries[q]`` in ``periods[p]``;
    ``totals[p]`` the period's articles passing the filters (only when a share was asked)."""

    by: str
    queries: tuple[str, ...]
    filters: Filters
    periods: tuple[Period, ...]
    counts: tuple[tuple[int, ...], ...]
    totals: tuple[int, ...] | None = None

    def share(self, query: int, period: int) -> float | None:
        """The fraction of the period's articles that match the query (None: no share
        asked, or no article in the period)."""
        if self.totals is None or not self.totals[period]:
            return None
        return self.counts[query][period] / self.totals[period]


def trend(
    config: Config,
    queries: Sequence[str],
    filters: Filters,
    by: str,
    *,
    share: bool = False,
    reindex: Reindex = update_index,
) -> Trend:
    """Counts per period of each query, from the configured index (brought up to date or
    rebuilt first as a search does it)."""
    check_by(by)
    return on_index(
        config, lambda backend: count_trend(backend, queries, filters, by, share), reindex
    )


def count_trend(
    backend: SearchBackend, queries: Sequence[str], filters: Filters, by: str, share: bool = False
) -> Trend:
    """Counts per period of each query from an open index. Periods run from the ``from``
    date (else the first match of any query) to the ``to`` date (else the last match)."""
    check_by(by)
    queries = tuple(queries) or ("",)
    if len(queries) > MAX_QUERIES:
        raise QueryError(f"{len(queries)} queries; at most {MAX_QUERIES} are compared at once")
    found = [
        dict(backend.count_by_period(build_query(text, filters, facets=(), limit=0), by))
        for text in queries
    ]
    starts = [start for counts in found for start in counts]
    first = filters.date_from or min(starts, default=None)
    last = filters.date_to or max(starts, default=None)
    if first is None or last is None:
        return Trend(by, queries, filters, (), tuple(() for _ in queries), () if share else None)
    full = periods(first, last, by)
    spans = tuple(_period(start, by, filters) for start in full)
    totals = None
    if share:
        every = dict(backend.count_by_period(build_query("", filters, facets=(), limit=0), by))
        totals = tuple(every.get(start, 0) for start in full)
    counts = tuple(tuple(counts.get(start, 0) for start in full) for counts in found)
    return Trend(by, queries, filters, spans, counts, totals)


def _period(start: date, by: str, filters: Filters) -> Period:
    end = period_end(start, by)
    return Period(
        label(start, by),
        max(start, filters.date_from or start),
        min(end, filters.date_to or end),
    )


def trend_rows(result: Trend) -> list[dict[str, Any]]:
    """One dict per period: ``period``, ``from``, ``to``, ``counts`` (query -> matches) and,
    with a share, ``total`` and ``shares`` (query -> fraction, None for an empty period)."""
    rows = []
    for p, span in enumerate(result.periods):
        row: dict[str, Any] = {
            "period": span.label,
            "from": span.start.isoformat(),
            "to": span.end.isoformat(),
            "counts": {q: result.counts[i][p] for i, q in enumerate(result.queries)},
        }
        if result.totals is not None:
            row["total"] = result.totals[p]
            row["shares"] = {q: result.share(i, p) for i, q in enumerate(result.queries)}
        rows.append(row)
    return rows


def trend_json(result: Trend) -> dict[str, Any]:
    """The JSON document of a trend (`arkiv trend --format json`, the web app's /api/trend)."""
    return {
        "by": result.by,
        "queries": list(result.queries),
        "filters": result.filters.as_dict(),
        "share": result.totals is not None,
        "periods": trend_rows(result),
    }


def trend_csv(result: Trend) -> str:
    """CSV: period, from, to, one count column per query and, with a share, ``total`` and a
    ``<query> share`` column per query (fractions; empty for a period without articles)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    shares = result.totals is not None
    header = ["period", "from", "to", *result.queries]
    if shares:
        header += ["total", *(f"{q} share" for q in result.queries)]
    writer.writerow(header)
    for p, span in enumerate(result.periods):
        row: list[Any] = [span.label, span.start, span.end, *(c[p] for c in result.counts)]
        if result.totals is not None:
            row.append(result.totals[p])
            row += [_fraction(result.share(q, p)) for q in range(len(result.queries))]
        writer.writerow(row)
    return out.getvalue()


def _fraction(value: float | None) -> str:
    return "" if value is None else json.dumps(round(value, 6))
