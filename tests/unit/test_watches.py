"""Saved searches over a small archive and a real Tantivy index: what counts as new, once;
the feed's escaping; the [smtp] table; a failing delivery kept queued."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from indexer.article import Article
from indexer.config import Config, load_config
from indexer.search.sync import sync
from indexer.search.watching import check_watches
from indexer.store.archive import AlertEntry, Archive
from lokalarkiv.watch_delivery import smtp_settings
from lokalarkiv.watch_feed import render_feed
from lokalarkiv.watches import add_watch, deliver, delivery_lock, list_watches, remove_watch
from tests.helpers import make_v1_archive

WHEN = datetime(2025, 8, 9, 6, 0, tzinfo=UTC)


def article(slug: str, title: str, published: datetime = WHEN, body: str = "Text.") -> Article:
    url = f"https://e.se/{slug}"
    return Article(
        url=url, canonical_url=url, source="e", source_name="E-tidningen", title=title,
        lead=f"Ingress om {title}.", body=body, published=published, language="sv",
        language_score=0.99, fetched_at=WHEN,
    )  # fmt: skip


def update(config: Config, archive: Archive) -> dict[str, int]:
    sync(archive, config)
    return check_watches(archive, config).new


@pytest.fixture
def config(archive: Archive, tmp_path: Path) -> Config:
    assert archive.path == tmp_path / "archive.sqlite3"
    return Config(data_dir=tmp_path)


def alerted(archive: Archive, name: str) -> set[str]:
    watch = archive.watch(name)
    assert watch is not None
    return {entry.title for entry in archive.alerts(watch)}


def test_new_to_a_search_means_first_seen_or_newly_matching_and_only_once(
    archive: Archive, config: Config
) -> None:
    archive.add_version(article("a", "Storm i Vimmerby"))
    archive.add_version(article("c", "Kommunfullmäktige"))
    sync(archive, config)
    add_watch(config, "storm", "storm", {}, email="red@example.se")
    assert alerted(archive, "storm") == set()  # what matched already does not alert

    archive.add_version(article("b", "Ny storm i Hultsfred"))
    archive.add_version(article("d", "Storm 1969", published=datetime(1969, 1, 1, tzinfo=UTC)))
    assert update(config, archive) == {"storm": 2}  # a story found late alerts too
    assert update(config, archive) == {}  # nothing changed: nothing checked

    archive.add_version(article("a", "Storm i Vimmerby", body="Uppdaterad text."))
    assert update(config, archive) == {"storm": 0}  # updated, matched before: no alert
    archive.add_version(article("c", "Kommunfullmäktige om stormen"))
    assert update(config, archive) == {"storm": 1}  # updated and newly matching
    assert alerted(archive, "storm") == {
        "Ny storm i Hultsfred", "Storm 1969", "Kommunfullmäktige om stormen",
    }  # fmt: skip
    watch = archive.watch("storm")
    assert watch is not None
    assert len(archive.pending(watch, "email")) == 3
    assert archive.pending(watch, "webhook") == []


def test_an_index_rebuild_keeps_the_searches_and_alerts_nothing_again(
    archive: Archive, config: Config
) -> None:
    archive.add_version(article("a", "Storm i Vimmerby"))
    sync(archive, config)
    add_watch(config, "storm", "storm", {})
    archive.add_version(article("b", "Ny storm"))
    assert update(config, archive) == {"storm": 1}
    sync(archive, config, rebuild=True)
    assert check_watches(archive, config).new == {}
    assert [w.name for w in list_watches(config)] == ["storm"]
    remove_watch(config, "storm")
    assert list_watches(config) == []


def test_a_failed_webhook_stays_queued_and_is_reported(archive: Archive, config: Config) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    archive.add_version(article("a", "Storm"))
    sync(archive, config)
    add_watch(config, "storm", "storm", {}, webhook=f"http://127.0.0.1:{port}/hook")
    archive.add_version(article("b", "Ny storm"))
    update(config, archive)
    report = deliver(config, archive)
    assert report.delivered == {}
    assert len(report.failed) == 1
    assert "webhook of 1 articles failed" in report.failed[0]
    watch = archive.watch("storm")
    assert watch is not None
    assert len(archive.pending(watch, "webhook")) == 1


def test_one_deliverer_at_a_time(archive: Archive, config: Config) -> None:
    archive.add_version(article("a", "Storm"))
    sync(archive, config)
    add_watch(config, "storm", "storm", {}, webhook="http://127.0.0.1:9/hook")
    archive.add_version(article("b", "Ny storm"))
    update(config, archive)
    with delivery_lock(config) as held:  # as another process delivering would hold it
        assert held
        report = deliver(config, archive)
    assert report.failed == ["another process is delivering the saved searches' alerts"]
    watch = archive.watch("storm")
    assert watch is not None
    pending = archive.pending(watch, "webhook")
    assert len(pending) == 1  # untouched: left to the other deliverer


def test_the_feed_escapes_what_sites_wrote(archive: Archive, config: Config) -> None:
    archive.add_version(article("a", "x"))
    sync(archive, config)
    watch = add_watch(config, "w", "", {})
    hostile = 'Rubrik <script>alert(1)</script> & "citat" \x07]]>'
    entry = AlertEntry(
        0, "0123456789abcdef", "2025-08-09T06:00:00+00:00", 'https://e.se/a?x="<>"', "e",
        "E & <b>", hostile, hostile, "2025-08-09T08:00:00+02:00",
    )  # fmt: skip
    body = render_feed(watch, [entry], "http://arkiv.example")
    assert b"<script>" not in body
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries[0].title == hostile.replace("\x07", "")
    assert feed.entries[0].link == "http://arkiv.example/article/0123456789abcdef"
    assert feed.entries[0].author == "E & <b>"


def test_the_smtp_table_is_read_and_its_password_never_printed(tmp_path: Path) -> None:
    file = tmp_path / "arkiv.toml"
    file.write_text('[smtp]\nhost = "smtp.e.se"\nuser = "u"\npassword = "hemligt"\n')
    config = load_config(file, env={})
    assert "hemligt" not in repr(config)
    settings = smtp_settings(config.smtp)
    assert (settings["port"], settings["starttls"], settings["from"]) == (587, True, "u")
    with pytest.raises(ValueError, match="unknown key in \\[smtp\\]: 'hots'"):
        smtp_settings({"hots": "x"})
    with pytest.raises(ValueError, match="no SMTP server"):
        smtp_settings({})


def test_saved_searches_go_into_a_backup_and_an_old_archive_gets_their_tables(
    archive: Archive, config: Config, tmp_path: Path
) -> None:
    archive.add_version(article("a", "Storm"))
    sync(archive, config)
    add_watch(config, "storm", "storm", {}, email="red@example.se")
    archive.backup_to(tmp_path / "backup.sqlite3")
    with Archive(tmp_path / "backup.sqlite3", readonly=True) as copy:
        assert [(w.name, w.email) for w in copy.watches()] == [("storm", "red@example.se")]
    old = tmp_path / "old" / "archive.sqlite3"
    old.parent.mkdir()
    make_v1_archive(old)
    with Archive(old, readonly=True) as reading:
        assert reading.watches() == []  # schema 1, read-only: no tables, no error
    with Archive(old) as writing:
        assert writing.get_meta("schema_version") == "3"
        assert writing.watches() == []
