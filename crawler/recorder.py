"""What a crawl counts: typed crawl events, recorded by one RunRecorder per crawl.

The spider, the pipelines, the duplicate filter and the robots.txt middleware each tell the
recorder what happened (a page requested, an article archived, a fetch failed with a kind);
the run report (crawler.run_report) and the progress line read its counts. Every count is
kept for the whole run and for the source it belongs to.

Scrapy's stats get the same counts under ``arkiv/…`` keys, only for Scrapy's own stats dump
in the log: nothing reads them back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["RunRecorder", "SourceCounts"]

Group = Literal["articles", "skipped", "errors", "entry_points"]


@dataclass
class SourceCounts:
    """The counts of one scope: a source, or the whole run.

    The kinds in ``articles``, ``skipped`` and ``errors`` are kept in the order they first
    happened; a kind, once counted, stays listed (a count taken back may leave it at 0).
    """

    requested: int = 0  # article candidates requested
    fetched: int = 0  # article candidates answered (any status but a redirect)
    gone: int = 0  # archived articles that answered 404/410
    pages_unchanged: int = 0  # sitemaps, feeds and section pages that answered 304
    articles: dict[str, int] = field(default_factory=dict)  # by outcome: new, updated, …
    skipped: dict[str, int] = field(default_factory=dict)  # by reason: not_article, robots, …
    errors: dict[str, int] = field(default_factory=dict)  # by kind: http_503, timeout, …
    entry_points: dict[str, int] = field(default_factory=dict)  # ok / failed

    def bump(self, group: Group, kind: str, count: int) -> None:
        counts: dict[str, int] = getattr(self, group)
        counts[kind] = counts.get(kind, 0) + count


class RunRecorder:
    """The counts of one crawl run, by source and in total.

    Args:
        stats: gives Scrapy's stats collector, to mirror the counts into for Scrapy's log
            (a callable: the spider is made before its crawler has stats); None: no mirror.
    """

    def __init__(self, stats: Callable[[], Any] | None = None) -> None:
        self.totals = SourceCounts()
        self.sources: dict[str, SourceCounts] = {}  # in the order sources were first counted
        self.robots_unreachable_hosts = 0  # hosts whose robots.txt could not be read
        self._stats = stats

    # ------------------------------------------------------------------ events

    def requested(self, source: str, count: int = 1) -> None:
        """An article candidate was requested."""
        self._scalar(source, "requested", count)

    def fetched(self, source: str) -> None:
        """An article candidate answered."""
        self._scalar(source, "fetched", 1)

    def gone(self, source: str) -> None:
        """An archived article answered 404/410."""
        self._scalar(source, "gone", 1)

    def page_unchanged(self, source: str) -> None:
        """A sitemap, feed or section page answered 304."""
        self._scalar(source, "pages_unchanged", 1)

    def article(self, source: str, outcome: str) -> None:
        """An article was archived: ``new``, ``updated`` or ``unchanged``."""
        self._grouped(source, "articles", outcome, 1)

    def skipped(self, source: str, reason: str, count: int = 1) -> None:
        """A URL or page was left alone for ``reason`` (a negative count takes it back)."""
        self._grouped(source, "skipped", reason, count)

    def error(self, source: str | None, kind: str) -> None:
        """Something failed; ``source`` None: the run's, no source's (the index, …)."""
        self._grouped(source, "errors", kind, 1)

    def entry_point(self, source: str, ok: bool) -> None:
        """One of the source's own entry points was read, or failed."""
        self._grouped(source, "entry_points", "ok" if ok else "failed", 1)

    def robots_unreachable(self) -> None:
        """A host's robots.txt could not be read: nothing is fetched from it this run."""
        self.robots_unreachable_hosts += 1

    def index_updated(self, upserted: int, deleted: int) -> None:
        """The search index was brought up to date at the end of the crawl (only logged)."""
        self._mirror_set("index/upserted", upserted)
        self._mirror_set("index/deleted", deleted)

    # ------------------------------------------------------------------ plumbing

    def _scopes(self, source: str | None) -> tuple[SourceCounts, ...]:
        if source is None:
            return (self.totals,)
        if source not in self.sources:
            self.sources[source] = SourceCounts()
        return (self.totals, self.sources[source])

    def _scalar(self, source: str, name: str, count: int) -> None:
        for scope in self._scopes(source):
            setattr(scope, name, getattr(scope, name) + count)
        self._mirror(source, name, count)

    def _grouped(self, source: str | None, group: Group, kind: str, count: int) -> None:
        for scope in self._scopes(source):
            scope.bump(group, kind, count)
        self._mirror(source, f"{group}/{kind}", count)

    def _mirror(self, source: str | None, key: str, count: int) -> None:
        stats = self._stats() if self._stats else None
        if stats is None:
            return
        stats.inc_value(f"arkiv/{key}", count)
        if source is not None:
            stats.inc_value(f"arkiv/source/{source}/{key}", count)

    def _mirror_set(self, key: str, value: int) -> None:
        stats = self._stats() if self._stats else None
        if stats is not None:
            stats.set_value(f"arkiv/{key}", value)
