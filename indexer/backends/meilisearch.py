"""The shared-server search backend: one index on a Meilisearch server (v1.10 or newer).

Cheap to construct (nothing is contacted until first use). ``configure()`` creates the index
(primary key ``id``) and applies the project's settings idempotently (see
:mod:`indexer.backends.meili_settings`); ``upsert`` / ``delete`` send batches and await every
task. The search path maps a :class:`~indexer.query.Query` to one request (see
:mod:`indexer.backends.meili_filters`): stemmed ``q``, a filter of quoted values, facets,
``sort``, exhaustive ``page`` / ``hitsPerPage`` for an exact total; snippets are made from
the stored text (``meili_filters.make_snippet``), highlighting every word whose stem the query
asked for.

Errors, translated at this edge (never the API key, which no message contains):

* server down, wrong URL            -> BackendUnavailable "cannot reach Meilisearch at URL: ..."
* ``invalid_api_key`` / missing key -> BackendUnavailable naming the problem
* ``index_not_found``               -> BackendUnavailable "run `arkiv index`"
* a search the server refuses       -> QueryError with Meilisearch's code and message
* a task that failed                -> IndexingError with the task's error code and message
* a task still running at timeout   -> IndexingError "... still running after N s; run
  `arkiv index` again" (the archive's watermark did not move, so the next sync resends)
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import meilisearch
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchError,
    MeilisearchTimeoutError,
)
from meilisearch.index import Index
from meilisearch.models.task import Task

from indexer.article import Article
from indexer.backends.meili_filters import (
    TextQuery,
    all_of,
    filter_expression,
    id_filter,
    keyset_filter,
    make_snippet,
    sort_for,
    text_query,
)
from indexer.backends.meili_settings import (
    DISPLAYED,
    FACET_ATTRIBUTES,
    LOCALE,
    MAX_TOTAL_HITS,
    SCHEMA_VERSION,
    STOCKHOLM,
    document,
    index_settings,
    settings_changes,
)
from indexer.errors import (
    BackendError,
    BackendUnavailable,
    ConfigError,
    IndexingError,
    QueryError,
)
from indexer.query import Hit, IndexStats, Query, SearchPage, order_facet

__all__ = [
    "MIN_SERVER_VERSION",
    "MeilisearchBackend",
    "safe_url",
    "task_error",
    "translate_error",
]

MIN_SERVER_VERSION = (1, 10)  # localizedAttributes (1.10), negative keywords (1.8)
ITER_PAGE = 1000
_TEXTS = ("lead", "body")
_RETRIEVE = tuple(name for name in DISPLAYED if name not in _TEXTS)
"""What iter_matches reads back: what a search shows, without the texts."""
_AUTH_CODES = frozenset({"invalid_api_key", "missing_authorization_header"})
_SERVER_HINT = (
    "Check that the server is running and MEILI_URL (or meili_url in arkiv.toml) points at "
    "it; the archive is unchanged and `arkiv index` catches up from where it stopped."
)
_KEY_HINT = (
    "Set MEILI_MASTER_KEY (or an API key with the needed actions) in the environment; a "
    "search-only key can search but not run `arkiv index`."
)


class MeilisearchBackend:
    """A Lokalarkiv index on a Meilisearch server (see the module docstring).

    Args:
        index_dir: unused (the index lives on the server); accepted as every backend's.
        url: the server, e.g. ``http://127.0.0.1:7700`` (``MEILI_URL``).
        api_key: master key, an admin key, or a search-only key for read-only use.
        index_uid: the index on the server (``ARKIV_MEILI_INDEX``; default ``lokalarkiv``).
        batch_size: documents per write request.
        task_timeout_s: how long to await each write task before giving up (not failing:
            the task goes on on the server; the next `arkiv index` resends the batch).
        http_timeout_s: how long one HTTP request may take.
        iter_page_size: hits per request when iterating every match.

    Raises:
        ConfigError: no URL, or a non-positive size.
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        url: str | None,
        api_key: str | None = None,
        index_uid: str = "lokalarkiv",
        batch_size: int = 1000,
        task_timeout_s: float = 120,
        http_timeout_s: float = 30,
        iter_page_size: int = ITER_PAGE,
    ) -> None:
        if not url:
            raise ConfigError(
                "the meilisearch backend needs a server URL",
                hint="Set MEILI_URL (e.g. http://127.0.0.1:7700) or meili_url in arkiv.toml.",
            )
        for name, value in (("batch_size", batch_size), ("iter_page_size", iter_page_size)):
            if value < 1:
                raise ConfigError(f"{name} must be at least 1, not {value}")
        self.index_dir = Path(index_dir)
        self.url = url.rstrip("/")
        self.index_uid = index_uid
        self.batch_size = batch_size
        self.task_timeout_s = task_timeout_s
        self.iter_page_size = min(iter_page_size, MAX_TOTAL_HITS)
        self._api_key = api_key
        self._http_timeout_s = http_timeout_s
        self._client: meilisearch.Client | None = None

    def __repr__(self) -> str:  # no key in any repr
        return f"MeilisearchBackend(url={self.location!r}, index_uid={self.index_uid!r})"

    @property
    def location(self) -> str:
        """The server URL without any credentials in it."""
        return safe_url(self.url)

    # ------------------------------------------------------------------ lifecycle

    def configure(self) -> None:
        """Create the index if missing, check the server and the documents' schema, and
        apply the settings that differ (awaiting the task)."""
        client = self._connect()
        with self._errors("checking the server", write=True):
            self._check_version(client)
            try:
                info = client.get_raw_index(self.index_uid)
            except MeilisearchApiError as exc:
                if exc.code != "index_not_found":
                    raise
                info = None
            if info is None:
                task = client.create_index(self.index_uid, {"primaryKey": "id"})
                self._await(task.task_uid, f"creating the index {self.index_uid!r}")
            elif info.get("primaryKey") not in (None, "id"):
                raise BackendUnavailable(
                    f"the Meilisearch index {self.index_uid!r} at {self.location} has primary "
                    f"key {info.get('primaryKey')!r}, not 'id': it is not a Lokalarkiv index",
                    hint="Choose another index with ARKIV_MEILI_INDEX (or meili_index).",
                )
            index = client.index(self.index_uid)
            changes = settings_changes(index.get_settings(), index_settings())
            if changes:
                task = index.update_settings(changes)
                self._await(task.task_uid, f"updating settings ({', '.join(sorted(changes))})")
            stale = index.search(
                "", {"filter": f"schema != {SCHEMA_VERSION}", "hitsPerPage": 0, "page": 1}
            )
        if int(stale.get("totalHits", 0)):
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

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def upsert(self, articles: Iterable[Article], *, new: bool = False) -> int:
        """Add or replace articles by id in batches (``gone`` ones are deleted instead);
        returns when every task has succeeded. Returns the number of documents written.

        Documents are sent a batch at a time as ``articles`` is read, so memory stays at one
        batch however many come. ``new`` changes nothing here: Meilisearch replaces by
        primary key either way.
        """
        del new
        written = 0
        documents: list[dict[str, Any]] = []
        gone: list[str] = []
        index = self._connect().index(self.index_uid)
        with self._errors("writing documents", write=True):
            pending: list[tuple[int, str]] = []

            def send() -> None:
                task = index.add_documents(documents, primary_key="id")
                pending.append((task.task_uid, f"adding {len(documents)} documents"))

            for article in articles:
                if article.gone:
                    gone.append(article.id)
                    continue
                documents.append(document(article))
                written += 1
                if len(documents) >= self.batch_size:
                    send()
                    documents = []
            if documents:
                send()
            for start in range(0, len(gone), self.batch_size):
                batch_ids = gone[start : start + self.batch_size]
                task = index.delete_documents(filter=id_filter(batch_ids))
                pending.append((task.task_uid, f"deleting {len(batch_ids)} documents"))
            for task_uid, what in pending:
                self._await(task_uid, what)
        return written

    def delete(self, ids: Iterable[str]) -> int:
        """Remove articles by id; returns how many of them were in the index."""
        unique = list(dict.fromkeys(ids))
        index = self._connect().index(self.index_uid)
        present = 0
        with self._errors("deleting documents", write=True):
            pending: list[tuple[int, str]] = []
            for start in range(0, len(unique), self.batch_size):
                batch = unique[start : start + self.batch_size]
                task = index.delete_documents(filter=id_filter(batch))
                pending.append((task.task_uid, f"deleting {len(batch)} documents"))
            for task_uid, what in pending:
                done = self._await(task_uid, what)
                present += int((done.details or {}).get("deletedDocuments") or 0)
        return present

    # ------------------------------------------------------------------ reading

    def search(self, query: Query) -> SearchPage:
        """One page of hits (with snippets), the exact total and the facet counts."""
        text = text_query(query.text)
        base = self._params(query, text)
        facets = [FACET_ATTRIBUTES[name] for name in query.facets]
        hits_params: dict[str, Any] = {
            **base,
            "attributesToRetrieve": list(DISPLAYED),
            "showRankingScore": True,
        }
        client = self._connect()
        with self._errors("searching"):
            index = client.index(self.index_uid)
            if query.limit and query.offset % query.limit == 0:
                result = index.search(
                    text.q,
                    {
                        **hits_params,
                        "facets": facets,
                        "page": query.offset // query.limit + 1,
                        "hitsPerPage": query.limit,
                    },
                )
                counted, rows = result, result.get("hits", [])
            elif not query.limit:
                counted = index.search(text.q, {**base, "facets": facets, "hitsPerPage": 0})
                rows = []
            else:  # an offset off the page grid: count in one query, fetch in another
                both = client.multi_search(
                    [
                        {
                            "indexUid": self.index_uid,
                            "q": text.q,
                            **base,
                            "facets": facets,
                            "hitsPerPage": 0,
                        },
                        {
                            "indexUid": self.index_uid,
                            "q": text.q,
                            **hits_params,
                            "offset": query.offset,
                            "limit": query.limit,
                        },
                    ]
                )["results"]
                counted, rows = both[0], both[1].get("hits", [])
            total = int(counted.get("totalHits", 0))
            if total >= MAX_TOTAL_HITS:  # Meilisearch caps totals there; facets are exact
                total = self._exact_total(index, text, base)
        scored = text.has_text and query.sort == "relevance"
        hits = [_hit(row, scored=scored, snippet=make_snippet(row, text)) for row in rows]
        distribution: Mapping[str, Mapping[str, int]] = counted.get("facetDistribution") or {}
        facet_counts = {
            name: order_facet(
                (str(value), int(count))
                for value, count in (distribution.get(FACET_ATTRIBUTES[name]) or {}).items()
            )
            for name in query.facets
        }
        return SearchPage(total=total, hits=hits, facets=facet_counts)

    def iter_matches(self, query: Query) -> Iterator[Hit]:
        """Every match in date order (newest first, or oldest first for ``sort="oldest"``;
        relevance also yields newest first, undated articles last), without snippets.

        Keyset paging on (``published_ts``, ``id_key``): each request is the first page of
        what comes after the last hit, so memory stays at one page and no offset limit
        applies, whatever the number of matches. Dated articles first, then undated ones.
        """
        text = text_query(query.text)
        base = self._params(query, text)
        ascending = query.sort == "oldest"
        direction = "asc" if ascending else "desc"
        index = self._connect().index(self.index_uid)
        for dated in (True, False):
            exists = "published_ts EXISTS" if dated else "published_ts NOT EXISTS"
            sort = [f"published_ts:{direction}", f"id_key:{direction}"]
            bound: tuple[int | None, int] | None = None
            at_bound: set[str] = set()
            while True:
                keyset = keyset_filter(*bound, ascending=ascending) if bound else None
                want = self.iter_page_size + len(at_bound)
                params = {
                    **base,
                    "filter": all_of(base.get("filter"), exists, keyset),
                    "sort": sort,
                    "attributesToRetrieve": list(_RETRIEVE),
                    "offset": 0,
                    "limit": min(want, MAX_TOTAL_HITS),
                }
                with self._errors("reading every match"):
                    rows = index.search(text.q, params).get("hits", [])
                page = [row for row in rows if str(row.get("id")) not in at_bound]
                for row in page:
                    yield _hit(row, scored=False)
                if not page or len(rows) < want:
                    break
                last = page[-1]
                key = (_int_or_none(last.get("published_ts")), int(last.get("id_key") or 0))
                same = {
                    str(row.get("id"))
                    for row in page
                    if (_int_or_none(row.get("published_ts")), int(row.get("id_key") or 0)) == key
                }
                if key == bound:
                    at_bound |= same
                else:
                    bound, at_bound = key, same

    def stats(self) -> IndexStats:
        """Documents in the index (bytes as the server reports them, else 0)."""
        client = self._connect()
        with self._errors("reading index stats"):
            documents = int(client.index(self.index_uid).get_stats().number_of_documents)
            size = 0
            with contextlib.suppress(MeilisearchApiError):  # a key without the global stats
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
            self._client = meilisearch.Client(
                self.url, self._api_key, timeout=max(1, round(self._http_timeout_s))
            )
        return self._client

    def _params(self, query: Query, text: TextQuery) -> dict[str, Any]:
        params: dict[str, Any] = {"matchingStrategy": "all", "locales": [LOCALE]}
        expression = filter_expression(query)
        if expression:
            params["filter"] = expression
        sort = sort_for(query, has_text=text.has_text)
        if sort:
            params["sort"] = sort
        return params

    def _exact_total(self, index: Index, text: TextQuery, base: Mapping[str, Any]) -> int:
        """Count past ``maxTotalHits``: every document has ``schema``, and facet counts are
        computed over every match."""
        result = index.search(text.q, {**base, "facets": ["schema"], "hitsPerPage": 0})
        counts = (result.get("facetDistribution") or {}).get("schema") or {}
        return sum(int(count) for count in counts.values()) or int(result.get("totalHits", 0))

    def _check_version(self, client: meilisearch.Client) -> None:
        version = str(client.get_version().get("pkgVersion", ""))
        numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
        if len(numbers) == 2 and numbers < MIN_SERVER_VERSION:
            needed = ".".join(map(str, MIN_SERVER_VERSION))
            raise BackendUnavailable(
                f"Meilisearch {version} at {self.location} is too old; Lokalarkiv needs "
                f"{needed} or newer",
                hint="Upgrade the server (docs/MEILISEARCH.md says how).",
            )

    def _await(self, task_uid: int, what: str, *, missing_ok: bool = False) -> Task:
        """Wait for one task; a failed one raises IndexingError with Meilisearch's error."""
        client = self._connect()
        try:
            task = client.wait_for_task(
                task_uid, timeout_in_ms=int(self.task_timeout_s * 1000), interval_in_ms=50
            )
        except MeilisearchTimeoutError as exc:
            raise IndexingError(
                f"Meilisearch task {task_uid} ({what}) is still running after "
                f"{self.task_timeout_s:g} s; run `arkiv index` again",
                hint="The server goes on with it; `arkiv index` resends what is not confirmed.",
            ) from exc
        if task.status != "succeeded":
            error = task.error or {}
            if missing_ok and error.get("code") == "index_not_found":
                return task
            raise task_error(task, what)
        return task

    def _errors(self, doing: str, *, write: bool = False) -> _Translate:
        return _Translate(self, doing, write)


class _Translate:
    """Context manager: a client exception inside becomes our BackendError."""

    def __init__(self, backend: MeilisearchBackend, doing: str, write: bool) -> None:
        self.backend = backend
        self.doing = doing
        self.write = write

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, MeilisearchError):
            raise translate_error(
                exc,
                url=self.backend.location,
                index_uid=self.backend.index_uid,
                doing=self.doing,
                write=self.write,
            ) from exc


# ---------------------------------------------------------------------- errors


def safe_url(url: str) -> str:
    """``url`` without a user or password in it."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


_REASONS = (
    re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)"),
    re.compile(r"(Name or service not known|nodename nor servname provided|Connection refused)"),
    re.compile(r"(Invalid URL [^\s,]+, no scheme/protocol supplied)"),
)


def _reason(message: str) -> str:
    """The human part of a requests/urllib3 connection error ("Connection refused")."""
    for pattern in _REASONS:
        match = pattern.search(message)
        if match:
            return match.group(1).strip().rstrip(".")
    first = " ".join(message.split())
    return first[:160] or "no answer"


def translate_error(
    exc: MeilisearchError,
    *,
    url: str,
    index_uid: str,
    doing: str,
    write: bool = False,
) -> BackendError:
    """Our exception for one of the client's (see the module docstring for the table).

    Args:
        exc: what the ``meilisearch`` client raised.
        url: the server, for the message (credentials already removed).
        index_uid: the index, for the message.
        doing: what we were doing ("searching", "writing documents").
        write: a write operation (other API errors become IndexingError, else
            BackendUnavailable).
    """
    if isinstance(exc, MeilisearchCommunicationError):
        return BackendUnavailable(
            f"cannot reach Meilisearch at {url}: {_reason(str(exc.message))}", hint=_SERVER_HINT
        )
    if isinstance(exc, MeilisearchTimeoutError):
        return BackendUnavailable(
            f"Meilisearch at {url} did not answer in time while {doing}", hint=_SERVER_HINT
        )
    if isinstance(exc, MeilisearchApiError):
        code = str(exc.code or f"HTTP {exc.status_code}")
        message = _one_line(str(exc.message))
        if exc.code in _AUTH_CODES:
            problem = (
                "needs an API key (none was given)"
                if exc.code == "missing_authorization_header"
                else "refused the API key (invalid, or not allowed to do this)"
            )
            return BackendUnavailable(
                f"Meilisearch at {url} {problem} while {doing}: {code}", hint=_KEY_HINT
            )
        if exc.code == "index_not_found":
            return BackendUnavailable(
                f"there is no index {index_uid!r} on the Meilisearch server at {url}",
                hint="Build it from the archive: `arkiv index --backend meilisearch` "
                "(ARKIV_MEILI_INDEX or meili_index names the index).",
            )
        if code.startswith("invalid_search") or code.startswith("invalid_multi_search"):
            return QueryError(f"Meilisearch refused the search: {code}: {message}")
        cls = IndexingError if write else BackendUnavailable
        return cls(f"Meilisearch at {url} failed while {doing}: {code}: {message}")
    return BackendUnavailable(f"Meilisearch at {url} failed while {doing}: {exc}")


def task_error(task: Task, what: str) -> IndexingError:
    """The IndexingError for a task that did not succeed, with Meilisearch's code and message."""
    error = task.error or {}
    code = error.get("code") or task.status
    message = _one_line(str(error.get("message") or f"the task ended as {task.status}"))
    return IndexingError(f"Meilisearch task {task.uid} ({what}) failed: {code}: {message}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------- hits & snippets


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _hit(row: Mapping[str, Any], *, scored: bool, snippet: str = "") -> Hit:
    published: datetime | None = None
    raw = row.get("published")
    if isinstance(raw, str) and raw:
        try:
            published = datetime.fromisoformat(raw).astimezone(STOCKHOLM)
        except ValueError:
            published = None
    return Hit(
        id=str(row.get("id") or ""),
        url=str(row.get("url") or ""),
        title=str(row.get("title") or ""),
        source=str(row.get("source") or ""),
        source_name=str(row.get("source_name") or ""),
        published=published,
        municipalities=tuple(str(v) for v in row.get("municipalities") or ()),
        regions=tuple(str(v) for v in row.get("regions") or ()),
        kinds=tuple(str(v) for v in row.get("kinds") or ()),
        language=str(row["language"]) if row.get("language") else None,
        snippet=snippet,
        score=float(row.get("_rankingScore") or 0.0) if scored else 0.0,
        paywalled=bool(row.get("paywalled")),
    )
