"""The revisit policy for pages that were not articles: re-checked now and then, never on
every crawl, whatever a sitemap or feed says of them."""

from datetime import UTC, datetime, timedelta

from crawler.revisit import NOT_AN_ARTICLE_REVISIT, conditional_headers, fetch_decision
from indexer.store.archive import FetchState

NOW = datetime(2025, 9, 1, 2, 30, tzinfo=UTC)


def page(kind: str, days_ago: float) -> FetchState:
    return FetchState(kind, NOW - timedelta(days=days_ago), etag='"e1"')


def test_a_page_judged_not_an_article_is_checked_again_when_due() -> None:
    assert timedelta(days=30) == NOT_AN_ARTICLE_REVISIT
    assert fetch_decision(page("not_article", 29), None, NOW) == (False, "revisit not due")
    assert fetch_decision(page("not_article", 30), None, NOW) == (True, "revisit due")


def test_a_listing_date_does_not_make_a_section_front_due() -> None:
    # Sitemaps often give section fronts and tag pages today's date on every run.
    assert fetch_decision(page("not_article", 1), NOW, NOW) == (False, "unchanged in listing")
    assert fetch_decision(page("section", 1), NOW, NOW) == (False, "unchanged in listing")
    # an article listed as changed is fetched at once
    assert fetch_decision(page("article", 0.1), NOW, NOW) == (True, "listed as changed")


def test_a_not_article_recheck_is_unconditional() -> None:
    # Its response goes to WARC again whatever extraction decides; no 304 to hide it.
    assert conditional_headers(page("not_article", 40)) == {}
    assert conditional_headers(page("section", 40)) == {"If-None-Match": '"e1"'}
