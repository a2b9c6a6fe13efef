"""Facet counts over every match of a query, from the keyword fast fields."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import tantivy as tv

from indexer.search.backends.tantivy.schema import (
    SET_FACETS,
    SET_SEPARATOR,
    facet_field,
    set_field,
)
from indexer.search.query import order_facet

__all__ = ["SET_BUCKETS", "count_facets"]

SET_BUCKETS = 20_000
"""Distinct value combinations a set facet is counted through; more, and it is counted from
its values instead."""


def count_facets(
    searcher: tv.Searcher, query: tv.Query, names: Sequence[str], size: int
) -> dict[str, dict[str, int]]:
    """Counts per value of each facet in ``names`` over the matches of ``query``, the ``size``
    most frequent values of each.

    Tantivy counts a field with one value per document several times faster than a
    multi-valued one (at 1M articles, 3 ms against 15-17 ms for 875k matches). So the
    multi-valued ``SET_FACETS`` are counted through their one-value copy, the document's
    values joined ("Kalmar<US>Vimmerby"), and each combination's count is added to each
    of its values: exact. A facet with more than ``SET_BUCKETS`` combinations among the
    matches is counted again from its values. Every document has a value in these
    fields ("" for none, not reported): a field some documents lack is slow too.
    """

    def terms(field_name: str, buckets: int) -> dict[str, Any]:
        return {"terms": {"field": field_name, "size": buckets}}

    by_sets = [name for name in names if name in SET_FACETS]
    spec = {
        name: terms(set_field(name), SET_BUCKETS)
        if name in by_sets
        else terms(facet_field(name), size)
        for name in names
    }
    result: dict[str, Any] = searcher.aggregate(query, spec)
    overflow = [
        name
        for name in by_sets
        if result.get(name, {}).get("sum_other_doc_count")
        or result.get(name, {}).get("doc_count_error_upper_bound")
    ]
    if overflow:
        by_sets = [name for name in by_sets if name not in overflow]
        spec = {name: terms(facet_field(name), size) for name in overflow}
        result.update(searcher.aggregate(query, spec))
    facets: dict[str, dict[str, int]] = {}
    for name in names:
        counts: Counter[str] = Counter()
        for bucket in result.get(name, {}).get("buckets", []):
            keys = str(bucket["key"])
            for key in keys.split(SET_SEPARATOR) if name in by_sets else (keys,):
                if key:
                    counts[key] += int(bucket["doc_count"])
        facets[name] = dict(itertools.islice(order_facet(counts.items()).items(), size))
    return facets
