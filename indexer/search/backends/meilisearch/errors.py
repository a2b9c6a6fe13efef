"""The Meilisearch client's exceptions as ours, translated at this edge.

Errors, translated at this edge (never the API key, which no message contains):

* server down, wrong URL            -> BackendUnavailable "cannot reach Meilisearch at URL: ..."
* a URL that is no URL              -> ConfigError naming MEILI_URL, at construction
* ``invalid_api_key`` / missing key -> BackendUnavailable naming the problem
* ``index_not_found``               -> BackendUnavailable "run `arkiv index`"
* a search the server refuses       -> QueryError with Meilisearch's code and message
* a page the server left unsorted   -> QueryError naming ``searchCutoffMs``
* a task that failed                -> IndexingError with the task's error code and message
* no HTTP answer in time            -> BackendUnavailable "did not answer within N s"
* a task still running at timeout   -> IndexingError "... still running after N s; run
  `arkiv index` again" (the archive's watermark did not move, so the next sync resends)
"""

from __future__ import annotations

import re

import requests
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchError,
    MeilisearchTimeoutError,
)
from meilisearch.models.task import Task

from indexer.config import url_without_credentials
from indexer.errors import BackendError, BackendUnavailable, IndexingError, QueryError

__all__ = [
    "AUTH_CODES",
    "SERVER_HINT",
    "WRITE_KEY_HINT",
    "Translate",
    "safe_url",
    "server_message",
    "task_error",
    "translate_error",
]

AUTH_CODES = frozenset({"invalid_api_key", "missing_authorization_header"})
SERVER_HINT = (
    "Check that the server is running and MEILI_URL (or meili_url in arkiv.toml) points at "
    "it; the archive is unchanged and `arkiv index` catches up from where it stopped."
)
_KEY_HINT = (
    "Set MEILI_MASTER_KEY (or an API key with the needed actions) in the environment; a "
    "search-only key can search and export but not run `arkiv index`."
)
WRITE_KEY_HINT = (
    "Index with the master key or an admin key (docs/MEILISEARCH.md lists the actions); "
    "a search-only key is for `arkiv search` and `arkiv export`."
)
_CLIENT_HINT = re.compile(
    r"\.?\s*Hint: It might not be working because you're not up to date.*$",
    re.S,
)


class Translate:
    """Context manager: a client exception inside becomes our BackendError."""

    def __init__(
        self, *, url: str, index_uid: str, doing: str, write: bool, timeout_s: float
    ) -> None:
        self.url = url
        self.index_uid = index_uid
        self.doing = doing
        self.write = write
        self.timeout_s = timeout_s

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, _tb: object) -> None:
        if isinstance(exc, MeilisearchError):
            raise translate_error(
                exc,
                url=self.url,
                index_uid=self.index_uid,
                doing=self.doing,
                write=self.write,
                timeout_s=self.timeout_s,
            ) from exc
        if isinstance(exc, requests.exceptions.RequestException):  # MissingSchema, InvalidURL
            raise BackendUnavailable(
                f"cannot reach Meilisearch at {self.url}: {_reason(str(exc))}",
                hint=SERVER_HINT,
            ) from exc


def safe_url(url: str) -> str:
    """``url`` without a user or password in it."""
    return url_without_credentials(url)


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
    timeout_s: float | None = None,
) -> BackendError:
    """Our exception for one of the client's (see the module docstring for the table).

    Args:
        exc: what the ``meilisearch`` client raised.
        url: the server, for the message (credentials already removed).
        index_uid: the index, for the message.
        doing: what we were doing ("searching", "writing documents").
        write: a write operation (other API errors become IndexingError, else
            BackendUnavailable).
        timeout_s: the HTTP timeout, for the message of a request that got no answer.
    """
    if isinstance(exc, MeilisearchCommunicationError):
        return BackendUnavailable(
            f"cannot reach Meilisearch at {url}: {_reason(str(exc.message))}", hint=SERVER_HINT
        )
    if isinstance(exc, MeilisearchTimeoutError):
        within = f"within {timeout_s:g} s " if timeout_s else "in time "
        return BackendUnavailable(
            f"Meilisearch at {url} did not answer {within}while {doing}",
            hint="The server is overloaded or the network slow; try again. "
            + ("A write already sent goes on on the server; " if write else "")
            + "the archive is unchanged.",
        )
    if isinstance(exc, MeilisearchApiError):
        return _api_error(exc, url=url, index_uid=index_uid, doing=doing, write=write)
    return BackendUnavailable(f"Meilisearch at {url} failed while {doing}: {exc}")


def task_error(task: Task, what: str) -> IndexingError:
    """The IndexingError for a task that did not succeed, with Meilisearch's code and message."""
    error = task.error or {}
    code = error.get("code") or task.status
    message = server_message(str(error.get("message") or f"the task ended as {task.status}"))
    return IndexingError(f"Meilisearch task {task.uid} ({what}) failed: {code}: {message}")


def server_message(text: str) -> str:
    """The server's message on one line, without the hint the client appends to some of its
    errors ("you're not up to date with the Meilisearch version ...", which is not so)."""
    return " ".join(_CLIENT_HINT.sub("", text).split()) or "no message"


def _api_error(
    exc: MeilisearchApiError, *, url: str, index_uid: str, doing: str, write: bool
) -> BackendError:
    """Our exception for an error the server answered with (its code and message)."""
    code = str(exc.code or f"HTTP {exc.status_code}")
    message = server_message(str(exc.message))
    if exc.code in AUTH_CODES:
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
    hint = None
    if exc.code == "payload_too_large":
        hint = (
            "The server's payload limit (--http-payload-size-limit, 100 MB by default) is "
            "below one batch: raise it, or lower the backend's batch_bytes."
        )
    return cls(f"Meilisearch at {url} failed while {doing}: {code}: {message}", hint=hint)
