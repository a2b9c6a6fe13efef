"""Every match in date order, a page at a time (``iter_matches``, ``iter_match_keys``).

Keyset paging on the ``order_new`` / ``order_old`` fast keys (see :mod:`.documents`) over one
searcher snapshot: memory stays at one page whatever the number of matches, and the rare
equal keys are handled at the page boundary (:class:`indexer.search.keyset.Keyset`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import tantivy as tv

from indexer.search.keyset import Keyset

__all__ = ["ITER_PAGE", "KEY_PAGE", "Engine", "keyset_pages"]

ITER_PAGE = 2000
"""Matches per page of ``iter_matches`` (stored documents are read)."""
KEY_PAGE = 20_000
"""Matches per page of ``iter_match_keys`` (no stored documents read)."""

Engine = Callable[[str], contextlib.AbstractContextManager[None]]
"""The backend's guard around calls into Tantivy (errors and panics become ours)."""
Row = tuple[int, tv.DocAddress]


def keyset_pages(
    searcher: tv.Searcher,
    schema: tv.Schema,
    query: tv.Query,
    *,
    oldest: bool,
    size: int,
    engine: Engine,
) -> Iterator[list[Row]]:
    """Every match of ``query`` as pages of (order key, address), newest first (oldest first
    when ``oldest``), undated last."""
    key_field = "order_old" if oldest else "order_new"
    order = tv.Order.Asc if oldest else tv.Order.Desc
    keyset: Keyset[Row, int, tuple[int, int]] = Keyset(
        size, key=lambda row: row[0], ident=lambda row: (row[1].segment_ord, row[1].doc)
    )
    while not keyset.done:
        page_query = query
        if keyset.bound is not None:
            from_bound = tv.Query.range_query(
                schema,
                key_field,
                tv.FieldType.Unsigned,
                lower_bound=keyset.bound if oldest else None,
                upper_bound=None if oldest else keyset.bound,
            )
            page_query = tv.Query.boolean_query(
                [
                    (tv.Occur.Must, query),
                    (tv.Occur.Must, tv.Query.const_score_query(from_bound, 0.0)),
                ]
            )
        with engine("reading it"):
            result = searcher.search(
                page_query, keyset.want, count=False, order_by_field=key_field, order=order
            )
            page = keyset.take([(int(key), address) for key, address in result.hits])
        if page:
            yield page
