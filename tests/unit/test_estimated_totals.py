"""A total the backend estimated is shown as one: "about N" on a terminal, ``total_exact`` in
JSON; an exact one is shown as it is. (Which backend estimates, and when, is tested with the
Meilisearch backend in test_meili_backend.py; the embedded index always counts exactly.)"""

from __future__ import annotations

from indexer.search.query import Hit, Query, SearchPage
from lokalarkiv.searching import SearchResult, page_json
from search_cli.render import render_hits

HIT = Hit(id="0123456789abcdef", url="https://example.se/a", title="Budgeten", source="vt")


def test_an_estimate_reads_about_on_a_terminal() -> None:
    query = Query(text="miljoner kronor", limit=1, exact_total=False)
    estimated = SearchPage(total=770_000, hits=[HIT], total_exact=False)
    first = render_hits(query, estimated, 0.01, {}).splitlines()[0]
    assert first.startswith("1–1 of about 770000 articles")
    exact = render_hits(query, SearchPage(total=770_000, hits=[HIT]), 0.01, {}).splitlines()[0]
    assert exact.startswith("1–1 of 770000 articles")


def test_the_json_document_says_whether_the_total_is_exact() -> None:
    query = Query(text="miljoner kronor", limit=1, exact_total=False)
    for exact in (True, False):
        page = SearchPage(total=770_000, hits=[HIT], total_exact=exact)
        document = page_json(SearchResult(query, page, {}, 0.01))
        assert (document["total"], document["total_exact"]) == (770_000, exact)


def test_totals_are_exact_unless_a_query_allows_an_estimate() -> None:
    assert Query().exact_total
    assert SearchPage(total=3).total_exact
