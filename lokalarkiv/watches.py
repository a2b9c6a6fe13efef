"""Saved searches that alert ("bevakningar"): made, listed and removed here; checked after
every index update; their alerts delivered (Atom feed, e-mail digest, webhook).

The check that finds what is new to each search lives in :mod:`indexer.search.watching`,
so that the crawl's own index update can run it (the crawl may not import this package);
what it finds is queued in the archive in the same transaction as the search's watermark.
Delivery is here: each queued alert goes out once and is marked done only after it went,
so a delivery cut short (the SMTP server down, the process killed) is made by the next
run, and what was delivered is not delivered again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import re
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from indexer.config import Config
from indexer.errors import ArchiveError, QueryError
from indexer.search.watching import (
    WatchCheck,
    check_watches,
    index_watermark,
    matching_ids,
    query_filters,
)
from indexer.store.archive import Archive, WatchInfo
from lokalarkiv.params import Filters, build_query
from lokalarkiv.searching import update_index
from lokalarkiv.storage import open_archive, require_writable, search_index
from lokalarkiv.watch_delivery import send_digest, send_webhook

MAX_NAME = 80
DELIVERY_LOCK = "watch-delivery.lock"
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


@dataclass
class DeliveryReport:
    """What a delivery run did: articles delivered per (search, channel), and one line per
    delivery that failed (left queued for the next run)."""

    delivered: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


@dataclass
class WatchRun:
    """A check after an index update and the deliveries that followed it."""

    check: WatchCheck
    delivery: DeliveryReport

    def warnings(self) -> list[str]:
        """One line per search that could not be checked or delivered."""
        lines = [f"saved search {n!r} not checked: {e}" for n, e in self.check.failed.items()]
        return lines + self.delivery.failed


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(not c.isprintable() for c in name):
        raise QueryError(
            f"a saved search needs a name of 1 to {MAX_NAME} printable characters",
            hint="E.g. arkiv watch add kommunchef 'kommunchef' --kommun Vimmerby.",
        )
    return name


def check_email(email: str | None) -> str | None:
    if not email:
        return None
    if not _EMAIL.fullmatch(email.strip()):
        raise QueryError(f"not an e-mail address: {email!r}")
    return email.strip()


def check_webhook(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QueryError(f"not an http(s) URL: {url!r}", hint="E.g. https://example.org/hook.")
    return url.strip()


def add_watch(
    config: Config,
    name: str,
    text: str,
    filters: Filters | Mapping[str, Any],
    email: str | None = None,
    webhook: str | None = None,
    *,
    refresh_index: bool = True,
) -> WatchInfo:
    """Save a search. What it matches now never alerts; from now on every article new to
    it does. The data folder must be writable. ``refresh_index``: bring the index up to
    date first (the web app, which leaves index writes to the crawl, does not: the search
    then starts from the index's watermark, and the next check covers the rest)."""
    draft = WatchInfo(
        0, check_name(name), text.strip(), query_filters(build_query(text, filters)),
        check_email(email), check_webhook(webhook), secrets.token_urlsafe(24), "", 0,
    )  # fmt: skip
    require_writable(config, "watch add")
    with open_archive(config, write=True) as archive:
        if archive.watch(draft.name) is not None:
            raise ArchiveError(
                f"a saved search named {draft.name!r} exists already",
                hint="Choose another name, or remove it first (arkiv watch rm NAME).",
            )
        if refresh_index:
            update_index(config, archive)
        # the watermark before the matches: an article indexed in between is taken as
        # matched already rather than never checked
        checked = index_watermark(archive, config)
        with search_index(config) as backend:
            matched = matching_ids(backend, build_query(text, filters))
        return archive.add_watch(dataclasses.replace(draft, checked_seq=checked), matched)


def list_watches(config: Config) -> list[WatchInfo]:
    if not config.archive_path.exists():
        return []
    with open_archive(config) as archive:
        return archive.watches()


def remove_watch(config: Config, name: str) -> None:
    require_writable(config, "watch rm")
    with open_archive(config, write=True) as archive:
        if not archive.remove_watch(name):
            raise ArchiveError(
                f"no saved search named {name!r}", hint="`arkiv watch list` lists them."
            )


def watch_json(watch: WatchInfo) -> dict[str, Any]:
    """A saved search as JSON (without its feed token: see :func:`feed_path`)."""
    return {
        "name": watch.name,
        "query": watch.query,
        "filters": watch.filters,
        "email": watch.email,
        "webhook": watch.webhook,
        "created": watch.created,
        "feed": feed_path(watch),
    }


def feed_path(watch: WatchInfo) -> str:
    """The path of the search's Atom feed in the web app (the token is its only key)."""
    return f"/feeds/{watch.token}.atom"


def after_index(config: Config, archive: Archive) -> WatchRun:
    """Check every saved search against the freshly updated index, then deliver."""
    return WatchRun(check_watches(archive, config), deliver(config, archive))


@contextlib.contextmanager
def delivery_lock(config: Config) -> Iterator[bool]:
    """One deliverer at a time per archive (an ``flock`` on DATA/watch-delivery.lock, which
    the kernel drops when its holder dies, however it dies): two would both read the same
    queued alerts and send them twice. Yields False when another process holds it."""
    try:
        handle = (config.data_dir / DELIVERY_LOCK).open("a")
    except OSError as exc:
        raise ArchiveError(f"cannot create {config.data_dir / DELIVERY_LOCK}: {exc}") from exc
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def deliver(config: Config, archive: Archive) -> DeliveryReport:
    """Deliver every queued alert: one e-mail digest and one webhook POST per search and
    channel. A failure is noted on the alerts (delivered next run) and reported, never
    raised. When another process is delivering, this one leaves the queue to it."""
    report = DeliveryReport()
    with delivery_lock(config) as held:
        if not held:
            report.failed.append("another process is delivering the saved searches' alerts")
            return report
        for watch in archive.watches():
            _deliver_watch(config, archive, watch, report)
    return report


def _deliver_watch(
    config: Config, archive: Archive, watch: WatchInfo, report: DeliveryReport
) -> None:
    for channel, send in (("email", send_digest), ("webhook", send_webhook)):
        entries = archive.pending(watch, channel)
        if not entries:
            continue
        ids = [entry.outbox_id for entry in entries]
        try:
            send(config, watch, entries)
        except (OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            archive.mark_failed(ids, error)
            report.failed.append(
                f"saved search {watch.name!r}: {channel} of {len(ids)} articles failed"
                f" ({error}); tried again on the next run"
            )
            continue
        archive.mark_delivered(ids)
        report.delivered[f"{watch.name} ({channel})"] = len(ids)
