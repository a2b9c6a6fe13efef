"""Searching the archive: one page of ranked hits, grouped by story, and the index kept up
to date with the archive. What `arkiv search` prints and the web app shows come from here.

Nothing here imports Scrapy or Trafilatura: a search must start fast.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from indexer.config import Config
from indexer.errors import BackendUnavailable
from indexer.search.backends import SearchBackend
from indexer.search.query import Query, SearchPage
from indexer.store.archive import Archive
from lokalarkiv.storage import cannot_rebuild, data_writable, open_archive, search_index

# article id -> (id of its story's first copy, every copy as (id, source name))
Stories = dict[str, tuple[str, list[tuple[str, str]]]]
T = TypeVar("T")
Progress = Callable[[int, int], None]
# brings the index up to date from an open archive; a reason (str) asks for a rebuild
Reindex = Callable[[Config, Archive, "bool | str"], Any]


@dataclass(frozen=True)
class SearchResult:
    """One page of a search: the query asked, the page found, which story each hit is a
    copy of, and the time the search took (seconds)."""

    query: Query
    page: SearchPage
    stories: Stories
    elapsed: float


def update_index(
    config: Config, archive: Archive, rebuild: bool | str = False, progress: Progress | None = None
) -> Any:
    """Bring the search index up to date with the archive (``rebuild``: from scratch; a
    string is the reason). Returns the sync's result.

    A local index that cannot be removed or made for the rebuild (a folder of something
    else, a folder left with only hidden files) gets a hint that names the folder: there
    is no option to put the index elsewhere."""
    from indexer.search.sync import is_local, sync

    try:
        return sync(archive, config, rebuild=rebuild, progress=progress)
    except BackendUnavailable as exc:
        folder = config.index_dir
        if not is_local(config) or not _not_an_index(folder):
            raise
        raise BackendUnavailable(
            str(exc),
            hint=f"The index is built from the archive and lives in {folder}: if nothing of"
            f" yours is there, remove it (rm -r '{folder}') and run `arkiv index`.",
        ) from exc


def _not_an_index(folder: Path) -> bool:
    """Something is where the local index belongs that a rebuild will not remove (the
    backend refuses to delete what does not look like an index): a file, or a folder without
    an index's description files (say, one left with only Tantivy's hidden lock files)."""
    if not folder.exists():
        return False
    if not folder.is_dir():
        return True
    return not any((folder / name).exists() for name in ("lokalarkiv-index.json", "meta.json"))


def search(
    config: Config,
    query: Query,
    reindex: Reindex = update_index,
    backend: SearchBackend | None = None,
) -> SearchResult:
    """One page of hits for ``query``, with the copies of each story.

    A local index that is missing, of an older version or damaged is rebuilt from the
    archive first (by ``reindex``, which an interface may give to show progress), where the
    data folder can be written; in a read-only one that is one line saying so.

    ``backend``: an index already open (a server keeps some open between requests rather
    than pay for opening one per search); one that cannot be used is set aside for the
    usual path, which opens (and where needed rebuilds) the index."""
    started = time.monotonic()
    page = None
    if backend is not None:
        with contextlib.suppress(BackendUnavailable):
            page = backend.search(query)
    if page is None:
        page = _search_page(config, query, reindex)
    elapsed = time.monotonic() - started
    return SearchResult(query, page, story_groups(config, page), elapsed)


def _search_page(config: Config, query: Query, reindex: Reindex) -> SearchPage:
    return on_index(config, lambda backend: backend.search(query), reindex)


def on_index(config: Config, action: Callable[[SearchBackend], T], reindex: Reindex) -> T:
    """``action`` on the configured index, opened for it and closed afterwards. A local
    index that is missing, of an older version or damaged is rebuilt from the archive
    (by ``reindex``) and ``action`` run again, as :func:`search` does."""
    from indexer.search.sync import is_local

    try:
        with search_index(config) as backend:
            return action(backend)
    except BackendUnavailable as exc:
        if not is_local(config):
            raise
        if not data_writable(config):
            raise cannot_rebuild(config, exc) from exc
        reason = str(exc)  # missing or damaged: rebuilt, and the reindex says why
    with open_archive(config, write=True) as archive:
        reindex(config, archive, reason)
    with search_index(config) as backend:
        return action(backend)


def story_groups(config: Config, page: SearchPage) -> Stories:
    """Which story each hit is a copy of, and where else it was published (wire copy on
    many papers shows as one story)."""
    if not page.hits or not config.archive_path.exists():
        return {}
    with open_archive(config) as archive:
        return archive.story_groups([hit.id for hit in page.hits])


def page_json(result: SearchResult) -> dict[str, Any]:
    """The JSON document of a search page (`arkiv search --json`, the web app's
    ``/api/search``). Every hit is listed; ``story`` (the id of the story's first copy)
    groups copies of one story, ``also_in`` names its other copies."""
    query, page, stories = result.query, result.page, result.stories
    return {
        "query": query.text,
        "total": page.total,
        "total_exact": page.total_exact,
        "offset": query.offset,
        "limit": query.limit,
        "hits": [
            {
                "id": hit.id,
                "url": hit.url,
                "title": hit.title,
                "source": hit.source,
                "source_name": hit.source_name,
                "published": hit.published.isoformat() if hit.published else None,
                "municipalities": list(hit.municipalities),
                "regions": list(hit.regions),
                "kinds": list(hit.kinds),
                "language": hit.language,
                "paywalled": hit.paywalled,
                "snippet": hit.snippet.html(),
                "score": round(hit.score, 4),
                "story": stories[hit.id][0] if hit.id in stories else hit.id,
                "also_in": [
                    {"id": other, "source_name": name}
                    for other, name in (stories[hit.id][1] if hit.id in stories else [])
                    if other != hit.id
                ],
            }
            for hit in page.hits
        ],
        "facets": page.facets,
    }
