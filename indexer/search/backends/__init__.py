"""Search backends: one small interface, chosen by name, imported only when asked for.

``open_backend("tantivy", index_dir=...)`` gives the embedded default. Backend modules are
imported lazily so that choosing one never loads the other's client library (the CLI's search
path must start fast).

Adding a backend: write ``indexer/search/backends/<name>.py`` with a class that satisfies
:class:`SearchBackend` and whose constructor takes ``index_dir`` plus keyword options, then
add one line to ``BACKENDS`` below.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from indexer.article import Article
from indexer.errors import ConfigError
from indexer.search.query import Hit, IndexStats, Query, SearchPage

__all__ = ["BACKENDS", "SearchBackend", "open_backend"]


@runtime_checkable
class SearchBackend(Protocol):
    """What the indexer sync and the CLI need from a search index.

    Errors: every method raises only :class:`~indexer.errors.BackendError` subclasses —
    ``BackendUnavailable`` (cannot open / reach; a local index in the wrong schema version or
    damaged is this too, and the caller rebuilds it from the archive), ``QueryError`` (a bad
    query) or ``IndexingError`` (documents could not be written).
    """

    def configure(self) -> None:
        """Create the index (or apply settings) if it is not there; leave a current one be.

        Raises ``BackendUnavailable`` when an existing index cannot be used as it is (another
        schema version, damaged files): the caller then rebuilds it from the archive.
        """

    def upsert(self, articles: Iterable[Article], *, new: bool = False) -> int:
        """Add or replace articles (by id); durable when this returns. Returns how many.

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

    def stats(self) -> IndexStats:
        """What the index holds."""
        ...

    def close(self) -> None:
        """Finish pending work and release files, locks and connections. Idempotent."""


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
    try:
        module_name, class_name = BACKENDS[kind]
    except KeyError:
        raise ConfigError(
            f"unknown search backend {kind!r}",
            hint=f"Choose one of: {', '.join(sorted(BACKENDS))}.",
        ) from None
    module = importlib.import_module(module_name)
    backend_class = getattr(module, class_name)
    try:
        inspect.signature(backend_class).bind(index_dir=index_dir, **options)
    except TypeError as exc:  # an option the backend does not take
        raise ConfigError(f"bad option for the {kind} backend: {exc}") from None
    backend: SearchBackend = backend_class(index_dir=Path(index_dir), **options)
    return backend
