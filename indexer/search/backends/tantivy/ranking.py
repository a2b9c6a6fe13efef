"""Putting matches in order: relevance (BM25 times recency) or date, one page of them.

Ranking: each user word is a MUST of (exact stem in ``text``, BM25, which compounds share;
prefix completions and typo variants as small constants, see :mod:`.plan`): exact and compound
matches come first, then completions, typos. Title > lead > body comes from ``text`` holding
the title three times and the lead twice (BM25F's field weights folded into the term
frequency): a word of the title counts as three occurrences, which BM25 saturates, so a title
match outranks a passing mention and a body that is about the word still counts. Separate
title and lead fields with boosts did the same at twice the engine time: at 1M articles each
optional clause is one more posting list to walk for every match (13 ms against 5 ms for
"miljon", 875k matches).

Recency: relevance scores are multiplied by ``log2(2 + recency)`` (as Tantivy's
``weight_by_field`` does; the stored value is made in :mod:`.documents` so that the factor is
``20 + years_since_2000 / 10``). A year newer is worth ~0.5% of the score: equal-relevance
hits come newest first, and it never beats a real difference in relevance. The factor is
applied to the best hits by BM25 and widened to every match only when that could change the
page (see :func:`ranked`).
"""

from __future__ import annotations

import math
from typing import Any

import tantivy as tv

from indexer.search.backends.tantivy.documents import RECENCY_BASE, latest_years

__all__ = [
    "RERANK_DEPTH",
    "count",
    "max_recency_factor",
    "page_of",
    "ranked",
    "recency_factor",
]

RERANK_DEPTH = 200
"""Hits taken by BM25 alone, then re-ranked by the recency factor (see :func:`ranked`)."""

Rows = list[tuple[Any, tv.DocAddress]]


def recency_factor(value: float) -> float:
    """What a relevance score is multiplied by, as Tantivy's ``weight_by_field`` does."""
    return math.log2(2.0 + max(value, 0.0))


def max_recency_factor() -> float:
    """No document's factor is above this (see :func:`.documents.recency`)."""
    return RECENCY_BASE + latest_years() / 10.0


def count(result: tv.SearchResult) -> int:
    """The match count of a search run with ``count=True`` (the stubs lack it)."""
    return int(getattr(result, "count", None) or 0)


def page_of(
    searcher: tv.Searcher, query: tv.Query, sort: str, *, scored: bool, limit: int, offset: int
) -> tuple[int, Rows]:
    """The number of matches and the hits ``offset`` to ``offset + limit`` (with their
    score or sort key): by relevance when ``scored``, else by date (``sort``)."""
    if scored:
        return ranked(searcher, query, limit=limit, offset=offset)
    if sort == "oldest":
        result = searcher.search(
            query,
            limit,
            count=True,
            offset=offset,
            order_by_field="order_old",
            order=tv.Order.Asc,
        )
    else:
        result = searcher.search(
            query, limit, count=True, offset=offset, order_by_field="order_new"
        )
    return count(result), list(result.hits)


def ranked(searcher: tv.Searcher, query: tv.Query, *, limit: int, offset: int) -> tuple[int, Rows]:
    """The number of matches and hits ``offset`` to ``offset + limit`` by relevance: BM25
    times the recency factor.

    Tantivy's ``weight_by_field`` applies the factor to every match, a fast-field read and a
    logarithm per document: at 1M articles two thirds of a one-word query that matches 875k
    (15 ms against 5). The factor moves a score by ~2 % over five years, so the
    ``RERANK_DEPTH`` best hits by BM25 alone nearly always hold the best by the product: they
    are re-ranked here, which is exact when the last hit wanted scores at least what any hit
    below the depth could reach (the depth's lowest BM25 times the highest factor). Where it
    is not (many near-equal scores), the search runs again with the factor on every match.
    """
    want = offset + limit
    depth = max(RERANK_DEPTH, 2 * want)
    result = searcher.search(query, depth, count=True)
    rows = result.hits
    values = searcher.fast_field_values("recency", [address for _, address in rows])
    reranked = sorted(
        (
            (score * recency_factor(value if isinstance(value, float) else 0.0), address)
            for (score, address), value in zip(rows, values, strict=True)
        ),
        key=lambda row: (-row[0], row[1].segment_ord, row[1].doc),
    )
    if len(rows) < depth or (
        len(reranked) >= want and reranked[want - 1][0] >= rows[-1][0] * max_recency_factor()
    ):
        return count(result), reranked[offset:want]
    result = searcher.search(query, limit, count=True, offset=offset, weight_by_field="recency")
    return count(result), list(result.hits)
