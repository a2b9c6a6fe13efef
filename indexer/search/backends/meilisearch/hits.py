"""Meilisearch's answers as ours: hits, facet counts, and the sign of an unfinished ranking."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from indexer.search.backends.meilisearch.settings import STOCKHOLM
from indexer.search.query import Hit, Snippet, order_facet

__all__ = ["degraded", "encode", "hit", "int_or_none", "top"]


def encode(doc: Mapping[str, Any]) -> bytes:
    """One document as compact UTF-8 JSON, for a write request."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


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
