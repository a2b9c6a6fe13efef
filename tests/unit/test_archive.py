"""The SQLite archive: versions kept, nothing overwritten, gone articles marked, runs recorded."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from indexer.article import Article, Person
from indexer.errors import ArchiveError
from indexer.store.archive import Archive
from indexer.store.warc import WarcRef, WarcStore, read_response

WHEN = datetime(2025, 8, 9, 6, 0, tzinfo=UTC)


def make_article(body: str = "Första versionen.", url: str = "https://e.se/a") -> Article:
    return Article(
        url=url,
        canonical_url=url,
        source="e",
        source_name="E-tidningen",
        title="Rubrik om Vimmerby",
        lead="Ingress.",
        body=body,
        authors=["Anna Lindqvist"],
        published=WHEN,
        language="sv",
        language_score=0.99,
        people=[Person("Håkan Westerback", ["säkerhetssamordnare"], change="new_job")],
        fetched_at=WHEN,
    )


def test_new_then_unchanged_then_updated(archive: Archive) -> None:
    assert archive.add_version(make_article()) == "new"
    assert archive.add_version(make_article()) == "unchanged"
    assert archive.add_version(make_article("Andra versionen, rättad.")) == "updated"
    versions = archive.versions(make_article().id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].body == "Första versionen."
    assert versions[1].body == "Andra versionen, rättad."
    current = archive.get(make_article().id)
    assert current is not None
    assert current.version == 2
    assert archive.totals() == {"articles": 1, "versions": 2, "gone": 0}


def test_round_trip_keeps_every_field(archive: Archive) -> None:
    original = make_article()
    archive.add_version(original)
    stored = archive.get(original.id)
    assert stored is not None
    assert stored.people == original.people
    assert stored.published == original.published
    assert (stored.title, stored.authors, stored.language) == (
        original.title,
        original.authors,
        original.language,
    )


def test_raw_writer_called_only_for_new_versions(archive: Archive, tmp_path: Path) -> None:
    store = WarcStore(tmp_path / "warc")
    calls = []

    def write() -> WarcRef:
        calls.append(1)
        return store.write_response("https://e.se/a", 200, [], b"<html>a</html>", WHEN)

    archive.add_version(make_article(), write)
    archive.add_version(make_article(), write)
    store.close()
    assert len(calls) == 1
    stored = archive.get(make_article().id)
    assert stored is not None
    assert stored.warc_file is not None
    ref = WarcRef(stored.warc_file, stored.warc_offset or 0, stored.warc_length or 0)
    assert read_response(tmp_path / "warc", ref).body == b"<html>a</html>"


def test_a_failing_raw_write_leaves_no_row(archive: Archive) -> None:
    def fail() -> WarcRef:
        raise ArchiveError("disk full")

    with pytest.raises(ArchiveError):
        archive.add_version(make_article(), fail)
    assert archive.get(make_article().id) is None
    assert archive.totals()["versions"] == 0


def test_change_feed_and_gone(archive: Archive) -> None:
    archive.add_version(make_article(url="https://e.se/a"))
    archive.add_version(make_article(url="https://e.se/b"))
    watermark = archive.last_seq()
    assert list(archive.changes_since(watermark)) == []
    assert archive.mark_gone("https://e.se/a")
    assert not archive.mark_gone("https://e.se/a")  # already gone
    assert not archive.mark_gone("https://e.se/never-archived")
    changes = list(archive.changes_since(watermark))
    assert [(c.id, c.article) for c in changes] == [(make_article(url="https://e.se/a").id, None)]
    assert archive.totals() == {"articles": 1, "versions": 2, "gone": 1}
    # it comes back: revived, and the feed says so
    assert archive.add_version(make_article(url="https://e.se/a")) == "unchanged"
    assert archive.totals()["gone"] == 0
    assert next(iter(archive.changes_since(archive.last_seq() - 1))).article is not None


def test_counts_and_runs(archive: Archive) -> None:
    archive.add_version(make_article())
    assert archive.counts("source") == [("e", 1)]
    assert archive.counts("language") == [("sv", 1)]
    assert archive.counts("month") == [("2025-08", 1)]
    run = archive.start_run()
    archive.finish_run(run, "ok", {"articles": {"new": 1}})
    [info] = archive.runs()
    assert (info.id, info.status, info.report["articles"]["new"]) == (run, "ok", 1)


def test_unopenable_archive_is_an_archive_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ArchiveError, match="cannot open archive"):
        Archive(blocker / "archive.sqlite3")


def test_not_a_database_is_an_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError):
        Archive(path)


def test_warc_files_rotate(tmp_path: Path) -> None:
    store = WarcStore(tmp_path, max_bytes=2000)
    refs = [
        store.write_response(f"https://e.se/{i}", 200, [], bytes(range(256)) * 20, WHEN)
        for i in range(5)
    ]
    store.close()
    assert len({r.file for r in refs}) > 1
    for i, ref in enumerate(refs):
        assert read_response(tmp_path, ref).url == f"https://e.se/{i}"


def test_only_a_damaged_file_gets_the_damage_hint(tmp_path: Path) -> None:
    """A stored text that is not UTF-8 is damage (as SQLite's "malformed" is:
    tests/integration/test_damaged_archive.py); an archive another process holds locked
    is not, and keeps the plain hint."""
    from indexer.store.connection import DAMAGED_HINT, READ_HINT, sqlite_hint

    path = tmp_path / "a.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x TEXT)")
    holder.execute("INSERT INTO t VALUES (CAST(x'41ff' AS TEXT))")
    with pytest.raises(sqlite3.OperationalError) as not_utf8:
        holder.execute("SELECT x FROM t").fetchall()
    holder.execute("BEGIN EXCLUSIVE")
    reader = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        reader.execute("SELECT * FROM t").fetchall()
    reader.close()
    holder.close()
    assert sqlite_hint(not_utf8.value, READ_HINT) == DAMAGED_HINT
    assert sqlite_hint(locked.value, READ_HINT) == READ_HINT
    assert locked.value.sqlite_errorname == "SQLITE_BUSY"


@pytest.mark.parametrize("per_query", [2, 10_000])
def test_current_rows_reads_every_id_asked_in_any_order_and_leaves_out_the_unknown(
    archive: Archive, monkeypatch: pytest.MonkeyPatch, per_query: int
) -> None:
    """Ids are looked up a statement's worth at a time (sorted, whatever the order asked):
    every one found once, with its current version, and an unknown id left out."""
    from indexer.store import articles

    monkeypatch.setattr(articles, "_IDS_PER_QUERY", per_query)
    urls = [f"https://e.se/{n}" for n in range(5)]
    for url in urls:
        archive.add_version(make_article(url=url))
    archive.add_version(make_article("Andra versionen.", url=urls[3]))
    ids = [make_article(url=url).id for url in reversed(urls)] + ["0" * 16]
    rows = archive.current_rows(ids, ["title", "version"])
    assert set(rows) == set(ids[:-1])
    assert rows[make_article(url=urls[3]).id] == ("Rubrik om Vimmerby", 2)
    assert all(row[1] == 1 for aid, row in rows.items() if aid != make_article(url=urls[3]).id)
