"""One page of a search: the requests that fetch its hits, facets and total.

With an exact total, exhaustive ``page`` / ``hitsPerPage`` (one request when the offset is on
the page grid, else a multi-search of a count and a page); where the query allows an
estimate, one ``offset`` / ``limit`` request whose ``estimatedTotalHits`` spares the server
counting every match. Each page is checked for an unfinished ranking (``fully_ranked``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import meilisearch

from indexer.search.backends.meilisearch.filters import TextQuery
from indexer.search.backends.meilisearch.hits import fully_ranked
from indexer.search.backends.meilisearch.settings import DISPLAYED
from indexer.search.query import Query

__all__ = ["HIT_FIELDS", "PageRequest"]

HIT_FIELDS = DISPLAYED
"""What a page of hits reads back (the ``*_sv`` stems are displayed only so that the server
reports its matches in them)."""

Answer = tuple[Mapping[str, Any], list[Mapping[str, Any]]]
"""The answer that counts (total, facets) and the page's rows."""


@dataclass(frozen=True, slots=True)
class PageRequest:
    """The search of one page: where it goes, its words, filters and facets."""

    client: meilisearch.Client
    index_uid: str
    location: str
    text: TextQuery
    base: dict[str, Any]
    facets: list[str]

    def hit_params(self) -> dict[str, Any]:
        """A search's parameters when it returns hits."""
        return {
            **self.base,
            "attributesToRetrieve": list(HIT_FIELDS),
            "showRankingScore": True,
            "showRankingScoreDetails": True,  # the only sign of a page left unsorted
            "showMatchesPosition": self.text.has_text,  # what the server matched, for snippets
        }

    def exact(self, query: Query) -> Answer:
        """The page with an exhaustive total: one request when the offset is on the page
        grid, else a multi-search of a count and a page."""
        index = self.client.index(self.index_uid)
        q, base, facets = self.text.q, self.base, self.facets
        if not query.limit:
            return index.search(q, {**base, "facets": facets, "hitsPerPage": 0}), []
        hits_params = self.hit_params()
        if query.offset % query.limit == 0:

            def one() -> Answer:
                result = index.search(
                    q,
                    {
                        **hits_params,
                        "facets": facets,
                        "page": query.offset // query.limit + 1,
                        "hitsPerPage": query.limit,
                    },
                )
                return result, list(result.get("hits", []))

            return fully_ranked(one, doing="searching", location=self.location)

        def two() -> Answer:
            count = {"indexUid": self.index_uid, "q": q, **base, "facets": facets}
            rows = {"indexUid": self.index_uid, "q": q, **hits_params}
            both = self.client.multi_search(
                [
                    {**count, "hitsPerPage": 0},
                    {**rows, "offset": query.offset, "limit": query.limit},
                ]
            )["results"]
            return both[0], list(both[1].get("hits", []))

        return fully_ranked(two, doing="searching", location=self.location)

    def estimated(self, query: Query) -> Answer:
        """The page, the facets and the server's estimate of the total, in one request of
        ``offset`` / ``limit`` (no exhaustive count)."""
        index = self.client.index(self.index_uid)
        params = {
            **self.hit_params(),
            "facets": self.facets,
            "offset": query.offset,
            "limit": query.limit,
        }

        def one() -> Answer:
            result = index.search(self.text.q, params)
            return result, list(result.get("hits", []))

        return fully_ranked(one, doing="searching", location=self.location)
