"""Search backends: one small interface, chosen by name, imported only when asked for.

``open_backend("tantivy", index_dir=...)`` gives the embedded default; ``meilisearch`` is an
index on a Meilisearch server. Backend packages are imported lazily so that choosing one never
loads the other's client library (the CLI's search path must start fast).

Adding a backend: write a package ``indexer/search/backends/<name>/`` with a class that
satisfies :class:`SearchBackend` and whose constructor takes ``index_dir`` plus keyword
options, then add one line to ``BACKENDS`` below. Everything else (the configuration's and the
CLI's list of names, the sync's choices) is derived from ``BACKENDS``.

May import: ``indexer`` core and ``indexer.search``; each backend package says what else.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from indexer.article import Article
from indexer.errors import ConfigError
from indexer.search.query import Hit, IndexStats, Query, SearchPage

if TYPE_CHECKING:
    from indexer.config import Config

__all__ = ["BACKENDS", "SearchBackend", "backend_class", "open_backend"]


@runtime_checkable
class SearchBackend(Protocol):
    """What the indexer sync and the CLI need from a search index.

    Errors: every method raises only :class:`~indexer.errors.BackendError` subclasses —
    ``BackendUnavailable`` (cannot open / reach; a local index in the wrong schema version or
    damaged is this too, and the caller rebuilds it from the archive), ``QueryError`` (a bad
    query) or ``IndexingError`` (documents could not be written).
    """

    is_local: ClassVar[bool]
    """The index is files on this machine, ours to delete and rebuild when it cannot be
    opened; a server's index that cannot be reached is an error to report instead."""

    @classmethod
    def options(cls, config: Config) -> dict[str, Any]:
        """The constructor's keyword options from the configuration."""
        ...

    @classmethod
    def index_location(cls, config: Config) -> str:
        """Where the configured index is (a folder, a server's index): what its sync
        watermark is kept under."""
        ...

    def configure(self) -> None:
        """Create the index (or apply settings) if it is not there; leave a current one be.

        Raises ``BackendUnavailable`` when an existing index cannot be used as it is (another
        schema version, damaged files): the caller then rebuilds it from the archive.
        """

    def upsert(self, articles: Iterable[Article], *, new: bool = False) -> int:
        """Add or replace articles (by id); durable when this returns. Returns how many.

        ``articles`` is read to its end before this returns (a caller may stream it and
        count what it gave afterwards); ``gone`` articles are removed instead of written.
        ``new=True``: the caller promises none of the ids is in the index yet (a build into
        an empty index), so a backend may skip replacing."""
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Remove articles by id; unknown ids are ignored. Returns how many were present."""
        ...

    def search(self, query: Query) -> SearchPage:
        """One page of ranked hits with snippets, the total and the facet counts."""
        ...

    def iter_matches(self, query: Query) -> Iterator[Hit]:
        """Every match (``limit``/``offset`` ignored), in the query's sort order (relevance
        gives a stable order of the backend's choice), without snippets, in constant memory."""
        ...

    def count_by_period(self, query: Query, by: str) -> list[tuple[date, int]]:
        """(first day, matches) of each day, ISO week or month (``by``) with a match, oldest
        first, counted by the index (never by reading the matches). Periods are on the
        Europe/Stockholm calendar (:mod:`indexer.search.periods`); undated articles are in
        none; ``limit``, ``offset``, ``sort`` and ``facets`` are ignored. A bad ``by``, or
        more than ``MAX_PERIODS`` periods between the first and last match, is a
        ``QueryError``."""
        ...

    def stats(self) -> IndexStats:
        """What the index holds."""
        ...

    def close(self) -> None:
        """Finish pending work and release files, locks and connections. Idempotent."""

    def destroy(self) -> None:
        """Remove the index and everything in it, for a rebuild from the archive (a missing
        index is fine); ``configure()`` then creates it anew."""


# name -> (module, class). The module is imported only when that backend is opened.
BACKENDS: dict[str, tuple[str, str]] = {
    "tantivy": ("indexer.search.backends.tantivy", "TantivyBackend"),
    "meilisearch": ("indexer.search.backends.meilisearch", "MeilisearchBackend"),
}


def open_backend(kind: str, *, index_dir: Path, **options: Any) -> SearchBackend:
    """Construct the backend named ``kind``.

    ``index_dir`` is where a local backend keeps its files (a server backend may keep only
    small state there, or ignore it); ``options`` go to the backend's constructor.
    Unknown names raise :class:`ConfigError`. Opening is cheap: the index itself is opened on
    first use (or created by ``configure()``).
    """
    cls = backend_class(kind)
    try:
        inspect.signature(cls).bind(index_dir=index_dir, **options)
    except TypeError as exc:  # an option the backend does not take
        raise ConfigError(f"bad option for the {kind} backend: {exc}") from None
    backend: SearchBackend = cls(index_dir=Path(index_dir), **options)  # type: ignore[call-arg]
    return backend


def backend_class(kind: str) -> type[SearchBackend]:
    """The class of the backend named ``kind`` (importing its package now).

    Unknown names raise :class:`ConfigError`."""
    try:
        module_name, class_name = BACKENDS[kind]
    except KeyError:
        raise ConfigError(
            f"unknown search backend {kind!r}",
            hint=f"Choose one of: {', '.join(sorted(BACKENDS))}.",
        ) from None
    cls: type[SearchBackend] = getattr(importlib.import_module(module_name), class_name)
    return cls
