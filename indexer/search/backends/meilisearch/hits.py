"""Meilisearch's answers as ours: hits, facet counts, and the sign of an unfinished ranking."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, TypeVar

from indexer.errors import QueryError
from indexer.search.backends.meilisearch.settings import SEARCH_CUTOFF_MS, STOCKHOLM
from indexer.search.query import Hit, Query, Snippet, order_facet

__all__ = [
    "batches",
    "degraded",
    "encode",
    "estimated_total",
    "fully_ranked",
    "hit",
    "int_or_none",
    "top",
]

Answer = TypeVar("Answer")
_DEGRADED_RETRIES = 1


def encode(doc: Mapping[str, Any]) -> bytes:
    """One document as compact UTF-8 JSON, for a write request."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def batches(encoded: Iterable[bytes], size: int, max_bytes: int) -> Iterator[list[bytes]]:
    """The encoded documents in batches of at most ``size`` documents and ``max_bytes`` bytes
    as a JSON array (a single larger document goes alone), each as soon as it is full."""
    batch: list[bytes] = []
    total = 2  # the brackets of the JSON array
    for doc in encoded:
        if batch and (len(batch) >= size or total + 1 + len(doc) > max_bytes):
            yield batch
            batch, total = [], 2
        batch.append(doc)
        total += len(doc) + (1 if len(batch) > 1 else 0)
    if batch:
        yield batch


def fully_ranked(
    ask: Callable[[], tuple[Answer, list[Any]]], *, doing: str, location: str
) -> tuple[Answer, list[Any]]:
    """``ask()`` until its hits come back fully ranked (once more at most), else a
    QueryError: the server ran out of ``searchCutoffMs`` and appended the rest unsorted."""
    for attempt in range(_DEGRADED_RETRIES + 1):
        answer = ask()
        if not degraded(answer[1]):
            return answer
        if attempt < _DEGRADED_RETRIES:
            time.sleep(0.2)
    raise QueryError(
        f"Meilisearch at {location} ran out of time ranking the hits while {doing} "
        f"(searchCutoffMs {SEARCH_CUTOFF_MS} ms): some would be out of order",
        hint="Try again when the server is less busy, or narrow the search (filters, "
        "--from/--to); an export would otherwise skip or repeat articles.",
    )


def estimated_total(
    answer: Mapping[str, Any], rows: list[Mapping[str, Any]], query: Query
) -> tuple[int, bool]:
    """The total of an ``offset`` / ``limit`` answer, and whether it is exact: the server's
    ``estimatedTotalHits``, except where the page shows the end of the result (fewer hits
    than asked for), which gives the exact number."""
    seen = query.offset + len(rows)
    if len(rows) < query.limit and (rows or not query.offset):
        return seen, True
    return max(int(answer.get("estimatedTotalHits") or 0), seen), False


def top(values: Mapping[str, Any], size: int) -> dict[str, int]:
    """The ``size`` most frequent values (ties by value), as the Tantivy backend shows them.

    The server counts up to ``maxValuesPerFacet`` values (most frequent first), far more than
    are shown, so the values shown are exact: only a tie on one count running from the last
    shown value past the server's last could choose other values of that count.
    """
    ordered = order_facet((str(value), int(count)) for value, count in values.items())
    return dict(list(ordered.items())[:size])


def degraded(hits: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the server stopped ranking before these hits were sorted: it gives each hit
    it appended unsorted a ``skipped`` rule in ``_rankingScoreDetails`` (the response has
    no other sign of it; its internal ``degraded`` flag is not serialised)."""
    return any("skipped" in (hit.get("_rankingScoreDetails") or {}) for hit in hits)


def int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def hit(row: Mapping[str, Any], *, scored: bool, snippet: Snippet | None = None) -> Hit:
    """The :class:`Hit` of one row of a search answer."""
    published: datetime | None = None
    raw = row.get("published")
    if isinstance(raw, str) and raw:
        try:
            published = datetime.fromisoformat(raw).astimezone(STOCKHOLM)
        except ValueError:
            published = None
    return Hit(
        id=str(row.get("id") or ""),
        url=str(row.get("url") or ""),
        title=str(row.get("title") or ""),
        source=str(row.get("source") or ""),
        source_name=str(row.get("source_name") or ""),
        published=published,
        municipalities=tuple(str(v) for v in row.get("municipalities") or ()),
        regions=tuple(str(v) for v in row.get("regions") or ()),
        kinds=tuple(str(v) for v in row.get("kinds") or ()),
        language=str(row["language"]) if row.get("language") else None,
        snippet=snippet if snippet is not None else Snippet(),
        score=float(row.get("_rankingScore") or 0.0) if scored else 0.0,
        paywalled=bool(row.get("paywalled")),
    )
