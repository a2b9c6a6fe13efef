"""Matches per day, ISO week or month, counted by Tantivy's aggregations over the
``published_us`` fast field: no document is loaded.

Two aggregation requests: ``min``/``max`` find the first and the last match, then one
``range`` aggregation counts every period at once, its bounds the periods' Stockholm
midnights (see :mod:`indexer.search.periods`). Tantivy's ``date_histogram`` was not used:
its buckets are fixed intervals in UTC, so it has no calendar months, and a fixed offset for
Stockholm is an hour wrong for half the year (summer time).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import tantivy as tv

from indexer.search.periods import day_of, local_midnight_us, period_end, periods

__all__ = ["FIELD", "count_periods"]

FIELD = "published_us"


def count_periods(searcher: tv.Searcher, query: tv.Query, by: str) -> list[tuple[date, int]]:
    """(first day, matches) of each period with a match of ``query``, oldest first.
    Undated articles are in no period."""
    ends: dict[str, Any] = searcher.aggregate(
        query, {"first": {"min": {"field": FIELD}}, "last": {"max": {"field": FIELD}}}
    )
    first, last = ends["first"].get("value"), ends["last"].get("value")
    if first is None or last is None:
        return []
    starts = periods(day_of(first), day_of(last), by)
    bounds = [local_midnight_us(start) for start in starts]
    bounds.append(local_midnight_us(period_end(starts[-1], by) + timedelta(days=1)))
    ranges = [
        {"key": start.isoformat(), "from": low, "to": high}
        for start, low, high in zip(starts, bounds, bounds[1:], strict=False)
    ]
    found: dict[str, Any] = searcher.aggregate(
        query, {"periods": {"range": {"field": FIELD, "ranges": ranges}}}
    )
    counts = {
        str(bucket.get("key")): int(bucket.get("doc_count") or 0)
        for bucket in found["periods"]["buckets"]
    }
    return [(start, counts[start.isoformat()]) for start in starts if counts.get(start.isoformat())]
