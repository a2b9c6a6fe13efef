"""The shared-server search backend: one index on a Meilisearch server (v1.10 or newer).

Cheap to construct (nothing is contacted until first use; the URL is checked at once).
``configure()`` creates the index (primary key ``id``) and applies the project's settings
idempotently (see :mod:`.settings`); ``upsert`` / ``delete`` send
batches (at most ``batch_size`` documents and ``batch_bytes`` of JSON each) and await every
task. The search path maps a :class:`~indexer.search.query.Query` to one request (see
:mod:`.filters`): stemmed ``q``, a filter of quoted values, facets,
``sort``, exhaustive ``page`` / ``hitsPerPage`` for an exact total (or, where the query
allows an estimate, ``offset`` / ``limit`` and the server's ``estimatedTotalHits``, which
spares it counting every match of a large result); snippets are made from
the stored text (``filters.make_snippet``), highlighting the words whose stems the
server reports it matched (``_matchesPosition`` in the ``*_sv`` fields).

A page whose order the server did not finish (its ``searchCutoffMs`` ran out: the hits past
that point carry a ``skipped`` ranking rule in ``_rankingScoreDetails``, the only place the
server says so) is asked for once more, then refused: date-sorted pages and the keyset-paged
export rely on the order, and would skip or repeat articles.

A search-only key (the ``search`` action on the index) is enough to read: counting the
documents (``stats``) is a search, and ``configure()`` on such a key checks what it can (the
documents' schema) and leaves the settings be; a write with it is refused in one line.

Errors are translated at this edge (see :mod:`.errors`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, cast

import meilisearch
from meilisearch.errors import MeilisearchApiError
from meilisearch.models.task import Task

from indexer.article import Article
from indexer.config import Config, check_meili_url
from indexer.errors import BackendUnavailable, ConfigError
from indexer.search.backends.meilisearch.errors import (
    AUTH_CODES,
    WRITE_KEY_HINT,
    Translate,
    safe_url,
)
from indexer.search.backends.meilisearch.filters import (
    TextQuery,
    all_of,
    filter_expression,
    id_filter,
    keyset_filter,
    make_snippet,
    matched_stems,
    sort_for,
    text_query,
)
from indexer.search.backends.meilisearch.hits import (
    batches,
    encode,
    estimated_total,
    fully_ranked,
    hit,
    int_or_none,
    top,
)
from indexer.search.backends.meilisearch.pages import PageRequest
from indexer.search.backends.meilisearch.server import (
    MIN_SERVER_VERSION,
    apply_settings,
    await_task,
    check_version,
    count_documents,
    exact_total,
)
from indexer.search.backends.meilisearch.settings import (
    DISPLAYED,
    FACET_ATTRIBUTES,
    LOCALE,
    MAX_TOTAL_HITS,
    MAX_VALUES_PER_FACET,
    SCHEMA_VERSION,
    document,
)
from indexer.search.keyset import Keyset
from indexer.search.periods import count_by_searches
from indexer.search.query import Hit, IndexStats, Query, SearchPage

__all__ = ["BATCH_BYTES", "FACET_SIZE", "ITER_PAGE", "MIN_SERVER_VERSION", "MeilisearchBackend"]

ITER_PAGE = 1000
BATCH_BYTES = 30_000_000
"""Largest write request: well under the server's default payload limit (100 MB,
``--http-payload-size-limit``), whatever the documents weigh (each carries its text twice:
``body`` and its stems ``body_sv``)."""
FACET_SIZE = 300
"""Values shown per facet, most frequent first (the Tantivy backend's number)."""
_TEXTS = ("lead", "body")
_RETRIEVE = tuple(name for name in DISPLAYED if name not in _TEXTS)
"""What iter_matches reads back: what a search shows, without the texts."""


class MeilisearchBackend:
    """A Lokalarkiv index on a Meilisearch server (see the module docstring).

    Args:
        index_dir: unused (the index lives on the server); accepted as every backend's.
        url: the server, e.g. ``http://127.0.0.1:7700`` (``MEILI_URL``).
        api_key: master key, an admin key, or a search-only key for read-only use; None
            (or empty) sends no ``Authorization`` header at all.
        index_uid: the index on the server (``ARKIV_MEILI_INDEX``; default ``lokalarkiv``).
        batch_size: documents per write request, at most.
        batch_bytes: bytes of JSON per write request, at most (a single larger document
            goes alone).
        task_timeout_s: how long to await each write task before giving up (not failing:
            the task goes on on the server; the next `arkiv index` resends the batch).
        http_timeout_s: how long one HTTP request may take.
        iter_page_size: hits per request when iterating every match.
        facet_size: values per facet in a search result, most frequent first.

    Raises:
        ConfigError: no URL or one that is no http(s) URL, or a non-positive size.
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        url: str | None,
        api_key: str | None = None,
        index_uid: str = "lokalarkiv",
        batch_size: int = 1000,
        batch_bytes: int = BATCH_BYTES,
        task_timeout_s: float = 120,
        http_timeout_s: float = 30,
        iter_page_size: int = ITER_PAGE,
        facet_size: int = FACET_SIZE,
    ) -> None:
        if not url:
            raise ConfigError(
                "the meilisearch backend needs a server URL",
                hint="Set MEILI_URL (e.g. http://127.0.0.1:7700) or meili_url in arkiv.toml.",
            )
        url = check_meili_url(url)
        for name, value in (
            ("batch_size", batch_size),
            ("batch_bytes", batch_bytes),
            ("iter_page_size", iter_page_size),
            ("facet_size", facet_size),
        ):
            if value < 1:
                raise ConfigError(f"{name} must be at least 1, not {value}")
        self.index_dir = Path(index_dir)
        self.url = url.rstrip("/")
        self.index_uid = index_uid
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self.task_timeout_s = task_timeout_s
        self.iter_page_size = min(iter_page_size, MAX_TOTAL_HITS)
        self.facet_size = min(facet_size, MAX_VALUES_PER_FACET)
        self._api_key = api_key or None
        self._http_timeout_s = max(1, round(http_timeout_s))
        self._client: meilisearch.Client | None = None
        self._read_only = False  # the key searches but may not write (found by configure)

    is_local: ClassVar[bool] = False

    @classmethod
    def options(cls, config: Config) -> dict[str, Any]:
        """The server, key and index uid from the configuration."""
        return {
            "url": config.meili_url,
            "api_key": config.meili_key,
            "index_uid": config.meili_index,
        }

    @classmethod
    def index_location(cls, config: Config) -> str:
        return f"{config.meili_url}/{config.meili_index}"

    def __repr__(self) -> str:  # no key in any repr
        return f"MeilisearchBackend(url={self.location!r}, index_uid={self.index_uid!r})"

    @property
    def location(self) -> str:
        """The server URL without any credentials in it."""
        return safe_url(self.url)

    # ------------------------------------------------------------------ lifecycle

    def configure(self) -> None:
        """Create the index if missing, check the server and the documents' schema, and
        apply the settings that differ (awaiting the task).

        The schema is checked first, by a search: a key that may only search gets that far
        and no further (the version, the index and its settings need more actions); then
        nothing is changed, and a later write says the key cannot write.
        """
        client = self._connect()
        with self._errors("checking the server", write=True):
            exists = True
            stale: int | None
            try:
                stale = self._count(f"schema != {SCHEMA_VERSION}")
            except MeilisearchApiError as exc:
                if exc.code == "index_not_found":
                    exists, stale = False, 0
                elif str(exc.code or "").startswith("invalid_search"):
                    stale = None  # `schema` is not filterable: settings first, then count
                else:
                    raise
            try:
                check_version(client, self.location)
                info = client.get_raw_index(self.index_uid) if exists else None
            except MeilisearchApiError as exc:
                if not exists or stale is None or exc.code not in AUTH_CODES:
                    raise
                self._read_only = True  # it searched, so the key is good: for searching only
            else:
                self._read_only = False
                apply_settings(
                    client,
                    self.index_uid,
                    info,
                    location=self.location,
                    timeout_s=self.task_timeout_s,
                )
                if stale is None:
                    stale = self._count(f"schema != {SCHEMA_VERSION}")
        if stale:
            raise BackendUnavailable(
                f"the Meilisearch index {self.index_uid!r} at {self.location} holds documents "
                f"of another Lokalarkiv schema (this version writes schema {SCHEMA_VERSION})",
                hint="Rebuild it from the archive: `arkiv index --backend meilisearch --rebuild`.",
            )

    def destroy(self) -> None:
        """Delete the index on the server (for a rebuild); a missing index is fine."""
        client = self._connect()
        with self._errors("deleting the index", write=True):
            task = client.delete_index(self.index_uid)
            self._await(task.task_uid, f"deleting the index {self.index_uid!r}", missing_ok=True)

    def close(self) -> None:
        """Forget the client (requests keeps no connection open between calls). Idempotent."""
        self._client = None

    def __enter__(self) -> MeilisearchBackend:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def upsert(self, articles: Iterable[Article], *, new: bool = False) -> int:
        """Add or replace articles by id in batches (``gone`` ones are deleted instead);
        returns when every task has succeeded. Returns the number of documents written.

        Documents are serialised here and sent a batch at a time as ``articles`` is read:
        at most ``batch_size`` documents and ``batch_bytes`` bytes a request, so memory stays
        at one batch and no request passes the server's payload limit. ``new`` changes
        nothing here: Meilisearch replaces by primary key either way.
        """
        del new
        written = 0
        gone: list[str] = []
        index = self._connect().index(self.index_uid)

        def encoded() -> Iterator[bytes]:
            nonlocal written
            for article in articles:
                if article.gone:
                    gone.append(article.id)
                    continue
                written += 1
                yield encode(document(article))

        with self._errors("writing documents", write=True):
            pending: list[tuple[int, str]] = []
            for batch in batches(encoded(), self.batch_size, self.batch_bytes):
                self._check_writable("writing documents")
                body = b"[" + b",".join(batch) + b"]"
                task = index.add_documents_raw(
                    body, primary_key="id", content_type="application/json"
                )
                pending.append((task.task_uid, f"adding {len(batch)} documents"))
            pending += self._queue_deletes(index, gone)
            for task_uid, what in pending:
                self._await(task_uid, what)
        return written

    def _queue_deletes(self, index: Any, ids: list[str]) -> list[tuple[int, str]]:
        """Ask the server to delete ``ids`` in batches; the tasks to await, with what each does."""
        pending = []
        for start in range(0, len(ids), self.batch_size):
            batch = ids[start : start + self.batch_size]
            self._check_writable("deleting documents")
            task = index.delete_documents(filter=id_filter(batch))
            pending.append((task.task_uid, f"deleting {len(batch)} documents"))
        return pending

    def delete(self, ids: Iterable[str]) -> int:
        """Remove articles by id; returns how many of them were in the index."""
        index = self._connect().index(self.index_uid)
        present = 0
        with self._errors("deleting documents", write=True):
            for task_uid, what in self._queue_deletes(index, list(dict.fromkeys(ids))):
                done = self._await(task_uid, what)
                present += int((done.details or {}).get("deletedDocuments") or 0)
        return present

    # ------------------------------------------------------------------ reading

    def search(self, query: Query) -> SearchPage:
        """One page of hits (with snippets), the total (exact, or the server's estimate
        where the query allows one) and the facet counts."""
        text = text_query(query.text)
        base = self._params(query, text)
        facets = [FACET_ATTRIBUTES[name] for name in query.facets]
        exact = True
        with self._errors("searching"):
            index = self._connect().index(self.index_uid)
            asked = PageRequest(self._connect(), self.index_uid, self.location, text, base, facets)
            if query.exact_total or not query.limit:
                counted, rows = asked.exact(query)
                total = int(counted.get("totalHits", 0))
                if total >= MAX_TOTAL_HITS:  # Meilisearch caps totals there; facets are exact
                    total = exact_total(index, text.q, base)
            else:
                counted, rows = asked.estimated(query)
                total, exact = estimated_total(counted, rows, query)
        scored = text.has_text and query.sort == "relevance"
        hits = [
            hit(row, scored=scored, snippet=make_snippet(row, text, matched_stems(row)))
            for row in rows
        ]
        distribution: Mapping[str, Mapping[str, int]] = counted.get("facetDistribution") or {}
        facet_counts = {
            name: top(distribution.get(FACET_ATTRIBUTES[name]) or {}, self.facet_size)
            for name in query.facets
        }
        return SearchPage(total=total, hits=hits, facets=facet_counts, total_exact=exact)

    def iter_matches(self, query: Query) -> Iterator[Hit]:
        """Every match in date order (newest first, or oldest first for ``sort="oldest"``;
        relevance also yields newest first, undated articles last), without snippets.

        Keyset paging on (``published_ts``, ``id_key``) (:mod:`indexer.search.keyset`): each
        request is the first page of what comes after the last hit, so memory stays at one
        page and no offset limit applies, whatever the number of matches. Dated articles
        first, then undated ones. A page the server left partly unsorted is asked for again,
        then refused (QueryError): the keyset would skip or repeat articles.
        """
        text = text_query(query.text)
        base = self._params(query, text)
        ascending = query.sort == "oldest"
        direction = "asc" if ascending else "desc"
        index = self._connect().index(self.index_uid)
        for dated in (True, False):
            exists = "published_ts EXISTS" if dated else "published_ts NOT EXISTS"
            keyset: Keyset[Mapping[str, Any], tuple[int | None, int], str] = Keyset(
                self.iter_page_size, key=_export_key, ident=lambda row: str(row.get("id"))
            )
            while not keyset.done:
                bound = keyset.bound
                params = {
                    **base,
                    "filter": all_of(
                        base.get("filter"),
                        exists,
                        keyset_filter(*bound, ascending=ascending) if bound else None,
                    ),
                    "sort": [f"published_ts:{direction}", f"id_key:{direction}"],
                    "attributesToRetrieve": list(_RETRIEVE),
                    "showRankingScoreDetails": True,
                    "offset": 0,
                    "limit": min(keyset.want, MAX_TOTAL_HITS),
                }

                def page_of(params: dict[str, Any] = params) -> tuple[None, list[Any]]:
                    return None, list(index.search(text.q, params).get("hits", []))

                with self._errors("reading every match"):
                    _, rows = fully_ranked(
                        page_of, doing="reading every match", location=self.location
                    )
                for row in keyset.take(rows):
                    yield hit(row, scored=False)

    # No day/week/month attribute to facet on: one count search per period.
    count_by_period = count_by_searches

    def stats(self) -> IndexStats:
        """Documents in the index, counted by a search (so a search-only key is enough);
        bytes as the server reports them where the key may read its stats, else 0."""
        client = self._connect()
        with self._errors("counting the documents"):
            documents = self._count(None)
            size = 0
            if not self._read_only:
                with contextlib.suppress(MeilisearchApiError):  # a key without `stats.get`
                    raw = client.get_all_stats().get("indexes", {}).get(self.index_uid, {})
                    size = int(raw.get("rawDocumentDbSize") or 0)
        return IndexStats(
            documents=documents,
            size_bytes=size,
            schema_version=SCHEMA_VERSION,
            backend="meilisearch",
            location=f"{self.location}/indexes/{self.index_uid}",
        )

    # ------------------------------------------------------------------ internals

    def _connect(self) -> meilisearch.Client:
        if self._client is None:
            # Without a key the client would send "Authorization: Bearer None" (and the
            # server answer invalid_api_key); requests leaves out a header set to None.
            no_header = None if self._api_key else cast(dict[str, str], {"Authorization": None})
            self._client = meilisearch.Client(
                self.url, self._api_key, timeout=self._http_timeout_s, custom_headers=no_header
            )
        return self._client

    def _params(self, query: Query, text: TextQuery) -> dict[str, Any]:
        params: dict[str, Any] = {"matchingStrategy": "all", "locales": [LOCALE]}
        if expression := filter_expression(query):
            params["filter"] = expression
        if sort := sort_for(query, has_text=text.has_text):
            params["sort"] = sort
        return params

    def _count(self, condition: str | None) -> int:
        return count_documents(self._connect().index(self.index_uid), condition)

    def _check_writable(self, doing: str) -> None:
        if self._read_only:
            raise BackendUnavailable(
                f"the API key for Meilisearch at {self.location} may search the index "
                f"{self.index_uid!r} but not change it, so it cannot be used for {doing}",
                hint=WRITE_KEY_HINT,
            )

    def _await(self, task_uid: int, what: str, *, missing_ok: bool = False) -> Task:
        return await_task(
            self._connect(), task_uid, what, timeout_s=self.task_timeout_s, missing_ok=missing_ok
        )

    def _errors(self, doing: str, *, write: bool = False) -> Translate:
        return Translate(
            url=self.location,
            index_uid=self.index_uid,
            doing=doing,
            write=write,
            timeout_s=self._http_timeout_s,
        )


def _export_key(row: Mapping[str, Any]) -> tuple[int | None, int]:
    """A row's place in export order: (``published_ts``, ``id_key``)."""
    return int_or_none(row.get("published_ts")), int(row.get("id_key") or 0)
