"""Chores on the server: its version, the index and its settings, exact counts, and waiting
for the tasks a write starts."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

import meilisearch
from meilisearch.index import Index
from meilisearch.models.task import Task

from indexer.errors import BackendUnavailable, IndexingError
from indexer.search.backends.meilisearch.errors import task_error
from indexer.search.backends.meilisearch.settings import (
    MAX_TOTAL_HITS,
    index_settings,
    settings_changes,
)

__all__ = [
    "MIN_SERVER_VERSION",
    "apply_settings",
    "await_task",
    "check_version",
    "count_documents",
    "exact_total",
]

MIN_SERVER_VERSION = (1, 10)  # localizedAttributes (1.10), negative keywords (1.8)


def check_version(client: meilisearch.Client, location: str) -> None:
    """Refuse (``BackendUnavailable``) a server older than ``MIN_SERVER_VERSION``."""
    version = str(client.get_version().get("pkgVersion", ""))
    numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
    if len(numbers) == 2 and numbers < MIN_SERVER_VERSION:
        needed = ".".join(map(str, MIN_SERVER_VERSION))
        raise BackendUnavailable(
            f"Meilisearch {version} at {location} is too old; Lokalarkiv needs {needed} or newer",
            hint="Upgrade the server (docs/MEILISEARCH.md says how).",
        )


def await_task(
    client: meilisearch.Client,
    task_uid: int,
    what: str,
    *,
    timeout_s: float,
    missing_ok: bool = False,
) -> Task:
    """Wait for one task; a failed one raises IndexingError with Meilisearch's error.

    Polls ``GET /tasks/{uid}`` itself (rather than the client's ``wait_for_task``, which
    raises the same MeilisearchTimeoutError for an HTTP request that timed out and for
    a task still running): a request without an answer is the server's timeout
    (BackendUnavailable, through :class:`.errors.Translate`), our own deadline the task's.
    """
    deadline = time.monotonic() + timeout_s
    interval = 0.05
    while True:
        task = client.get_task(task_uid)
        if task.status not in ("enqueued", "processing"):
            break
        if time.monotonic() >= deadline:
            raise IndexingError(
                f"Meilisearch task {task_uid} ({what}) is still {task.status} after "
                f"{timeout_s:g} s; run `arkiv index` again",
                hint="The server goes on with it; `arkiv index` resends what is not confirmed.",
            )
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        interval = min(interval * 1.5, 1.0)
    if task.status != "succeeded":
        error = task.error or {}
        if missing_ok and error.get("code") == "index_not_found":
            return task
        raise task_error(task, what)
    return task


def apply_settings(
    client: meilisearch.Client,
    index_uid: str,
    info: Mapping[str, Any] | None,
    *,
    location: str,
    timeout_s: float,
) -> None:
    """Create the index (``info`` None: it is not there) or check its primary key, then
    apply the settings that differ, awaiting each task."""
    if info is None:
        task = client.create_index(index_uid, {"primaryKey": "id"})
        await_task(client, task.task_uid, f"creating the index {index_uid!r}", timeout_s=timeout_s)
    elif info.get("primaryKey") not in (None, "id"):
        raise BackendUnavailable(
            f"the Meilisearch index {index_uid!r} at {location} has primary "
            f"key {info.get('primaryKey')!r}, not 'id': it is not a Lokalarkiv index",
            hint="Choose another index with ARKIV_MEILI_INDEX (or meili_index).",
        )
    index = client.index(index_uid)
    changes = settings_changes(index.get_settings(), index_settings())
    if changes:
        task = index.update_settings(changes)
        what = f"updating settings ({', '.join(sorted(changes))})"
        await_task(client, task.task_uid, what, timeout_s=timeout_s)


def exact_total(index: Index, q: str, base: Mapping[str, Any]) -> int:
    """Count past ``maxTotalHits``: every document has ``schema``, and facet counts are
    computed over every match."""
    result = index.search(q, {**base, "facets": ["schema"], "hitsPerPage": 0})
    counts = (result.get("facetDistribution") or {}).get("schema") or {}
    return sum(int(count) for count in counts.values()) or int(result.get("totalHits", 0))


def count_documents(index: Index, condition: str | None) -> int:
    """Documents matching ``condition`` (all: None), exactly, past ``maxTotalHits`` too."""
    params: dict[str, Any] = {"hitsPerPage": 0, "page": 1}
    if condition:
        params["filter"] = condition
    total = int(index.search("", params).get("totalHits", 0))
    if total >= MAX_TOTAL_HITS:
        return exact_total(index, "", params)
    return total
