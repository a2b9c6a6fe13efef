"""When to fetch a URL again: the incremental crawl's policy, as plain functions.

Stories are updated and corrected in their first days, rarely later. So an archived article
is revisited often while young and seldom when old, always with a conditional request, and
at once when a sitemap or feed says it changed since we last fetched it.

A page judged not an article (a section front, a tag page, a contact page) is checked again
every 30 days, never sooner: a sitemap or feed date does not make it due, as sitemaps often
give section fronts today's date on every run. Its response goes to WARC each time, with the
reason, so a wrong judgement is not final: `arkiv reextract` judges the kept responses again
without fetching. Aliases are left alone as long, URLs that answered 404/410 a week.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from indexer.store.archive import FetchState

# (age of the story, how long to wait between fetches)
REVISIT_SCHEDULE: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(days=1), timedelta(hours=2)),
    (timedelta(days=3), timedelta(hours=8)),
    (timedelta(days=7), timedelta(days=1)),
    (timedelta(days=30), timedelta(days=7)),
)
OLD_ARTICLE_REVISIT = timedelta(days=60)
NOT_AN_ARTICLE_REVISIT = timedelta(days=30)  # pages that were not articles, aliases, sections
MISSING_REVISIT = timedelta(days=7)  # URLs that answered 404/410


def revisit_interval(known: FetchState, now: datetime) -> timedelta:
    """How long to leave a known URL alone after fetching it."""
    if known.kind != "article":
        return MISSING_REVISIT if known.kind.startswith("http_4") else NOT_AN_ARTICLE_REVISIT
    age = now - (known.published or known.last_fetched)
    for younger_than, interval in REVISIT_SCHEDULE:
        if age < younger_than:
            return interval
    return OLD_ARTICLE_REVISIT


def fetch_decision(
    known: FetchState | None, listed_modified: datetime | None, now: datetime
) -> tuple[bool, str]:
    """Whether to fetch a candidate URL now, and why.

    Args:
        known: what earlier runs learnt of the URL, or None for a new URL.
        listed_modified: the date a sitemap or feed gives for it (lastmod, pubDate), if any.
        now: the current time (aware).

    Returns:
        (fetch, reason): reason is "new", "listed as changed", "revisit due", "unchanged
        in listing", or "revisit not due".
    """
    if known is None:
        return True, "new"
    listed_newer = listed_modified is not None and listed_modified > known.last_fetched
    if listed_newer and known.kind == "article":
        return True, "listed as changed"
    if now - known.last_fetched >= revisit_interval(known, now):
        return True, "revisit due"
    if listed_modified is not None:
        return False, "unchanged in listing"
    return False, "revisit not due"


def conditional_headers(known: FetchState | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a revisit of an article or a section page, so an
    unchanged page costs a 304."""
    if known is None or known.kind not in ("article", "section", "listing"):
        return {}
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers
