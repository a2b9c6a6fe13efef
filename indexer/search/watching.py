"""Saved searches checked against the index: which articles are new to each.

Runs after every index update (the crawl's, `arkiv index`'s), in the process that holds the
archive for writing. For each saved search it takes the articles changed since its last
check and up to the index's watermark (what the index holds), asks the index which of them
the saved query and filters match (never reading article text), and records those new to it
with their deliveries (:meth:`indexer.store.watches.Watches.record_check`: one transaction
with the new watermark). Delivering is the application's (``lokalarkiv.watches``); here an
alert is only queued, so this room needs neither SMTP nor HTTP and the crawl may call it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from indexer.config import Config
from indexer.errors import ArkivError
from indexer.search.backends import SearchBackend
from indexer.search.query import Query
from indexer.search.sync import open_index, watermark_key
from indexer.store.archive import Archive, WatchInfo

_DATES = ("date_from", "date_to")
IDS_PER_QUERY = 1000  # ids in one query's filter (a Meilisearch filter is a string)


@dataclass
class WatchCheck:
    """What a check found: new articles per saved search, and the searches that failed."""

    new: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def saved_query(text: str, filters: dict[str, Any]) -> Query:
    """The :class:`Query` of a saved search (its filters as :func:`query_filters` wrote them)."""
    values: dict[str, Any] = {}
    for name, value in filters.items():
        values[name] = date.fromisoformat(value) if name in _DATES else tuple(value)
    return Query(text=text, facets=(), sort="newest", **values)


def query_filters(query: Query) -> dict[str, Any]:
    """The filters of ``query`` that are set, as JSON values (what a saved search keeps)."""
    out: dict[str, Any] = {}
    for name in (*_DATES, "sources", "municipalities", "regions", "kinds", "languages",
                 "roles", "people"):  # fmt: skip
        value = getattr(query, name)
        if value:
            out[name] = value.isoformat() if isinstance(value, date) else list(value)
    return out


def matching_ids(
    backend: SearchBackend, query: Query, among: Collection[str] | None = None
) -> set[str]:
    """The ids the index matches for ``query`` (only those in ``among``, when given: asked
    of the index in batches). Read from the index's fast fields where the backend offers
    them."""
    if among is None:
        return set(_match_ids(backend, query))
    wanted = sorted(among)
    found: set[str] = set()
    for start in range(0, len(wanted), IDS_PER_QUERY):
        batch = tuple(wanted[start : start + IDS_PER_QUERY])
        found.update(_match_ids(backend, dataclasses.replace(query, ids=batch)))
    return found & set(wanted)


def _match_ids(backend: SearchBackend, query: Query) -> Iterator[str]:
    keys = getattr(backend, "iter_match_keys", None)
    if keys is not None:
        return (article_id for _, article_id in keys(query))
    return (hit.id for hit in backend.iter_matches(query))


def index_watermark(archive: Archive, config: Config) -> int:
    """How far (``articles.seq``) the configured index holds the archive."""
    return int(archive.get_meta(watermark_key(config)) or 0)


def check_watches(archive: Archive, config: Config) -> WatchCheck:
    """Check every saved search for articles new to it (see the module's docstring). A
    search that fails (the index unreachable, a query it refuses) is left for the next
    check and named in the result; nothing here raises for it."""
    result = WatchCheck()
    watches = archive.watches()
    upto = index_watermark(archive, config)
    due = [watch for watch in watches if watch.checked_seq < upto]
    if not due:
        return result
    backend = open_index(config)
    try:
        for watch in due:
            try:
                result.new[watch.name] = _check(archive, backend, watch, upto)
            except ArkivError as exc:
                result.failed[watch.name] = str(exc)
    finally:
        backend.close()
    return result


def _check(archive: Archive, backend: SearchBackend, watch: WatchInfo, upto: int) -> int:
    changed = archive.changed_ids(watch.checked_seq, upto)
    matched = (
        matching_ids(backend, saved_query(watch.query, watch.filters), changed)
        if changed
        else set()
    )
    return archive.record_check(watch, upto, matched)
