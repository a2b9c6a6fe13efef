"""The archive's side of "nothing fetched is lost": pages judged not articles kept with their
reason and WARC record, the latest record of each article, re-extraction's versions, and the
schema migration that brings an older archive along."""

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from indexer.article import Article, Person
from indexer.errors import ArchiveError
from indexer.store.archive import SCHEMA_VERSION, Archive
from indexer.store.warc import WarcRef, WarcStore, read_response
from tests.helpers import make_v1_archive

WHEN = datetime(2025, 8, 9, 6, 0, tzinfo=UTC)
LATER = WHEN + timedelta(hours=2)
REF = WarcRef("lokalarkiv-a.warc.gz", 0, 1200)
OTHER_REF = WarcRef("lokalarkiv-a.warc.gz", 1200, 900)


def make_article(url: str = "https://e.se/a", fetched_at: datetime = WHEN) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        source="e",
        source_name="E-tidningen",
        title="Kommunchefen i Vimmerby slutar",
        lead="Ingress.",
        body="Kommunchefen lämnar efter fem år.",
        published=WHEN,
        language="sv",
        language_score=0.99,
        municipalities=["Vimmerby"],
        regions=["Kalmar län"],
        kinds=["personnel", "municipal"],
        people=[Person("Anna Ek", ["kommunchef"], "Vimmerby kommun", "leaving")],
        fetched_at=fetched_at,
        fingerprint=12345,
    )


def test_a_not_article_page_keeps_its_reason_and_record(archive: Archive) -> None:
    archive.note_page(
        "https://e.se/amne/kalmar/",
        "not_article",
        WHEN,
        reason="list page (8 date stamps)",
        source="e",
        warc=REF,
    )
    state = archive.fetch_state("https://e.se/amne/kalmar/")
    assert state is not None
    assert (state.kind, state.last_fetched) == ("not_article", WHEN)
    [record] = archive.stored_records()
    assert (record.kind, record.url, record.source) == ("page", "https://e.se/amne/kalmar/", "e")
    assert (record.fetched_at, record.warc, record.reason) == (
        WHEN,
        REF,
        "list page (8 date stamps)",
    )
    assert archive.count_stored_records() == 1


def test_a_later_outcome_replaces_the_whole_page_row(archive: Archive) -> None:
    archive.note_page("https://e.se/x", "not_article", WHEN, reason="no title", warc=REF)
    archive.note_page("https://e.se/x", "http_404", LATER)
    assert list(archive.stored_records()) == []
    archive.note_pages([("https://e.se/y", "section", WHEN, '"v1"', None)])
    state = archive.fetch_state("https://e.se/y")
    assert state is not None
    assert (state.kind, state.etag) == ("section", '"v1"')


def test_stored_records_give_each_articles_latest_record(archive: Archive) -> None:
    archive.add_version(make_article(), lambda: REF)
    [record] = archive.stored_records()
    assert (record.kind, record.url, record.fetched_at, record.warc) == (
        "article",
        "https://e.se/a",
        WHEN,
        REF,
    )
    # fetched again, the same text: that response is now the latest record
    assert archive.add_version(make_article(fetched_at=LATER), lambda: OTHER_REF) == "unchanged"
    archive.note_latest_record(make_article().id, OTHER_REF, LATER)
    [record] = archive.stored_records()
    assert (record.fetched_at, record.warc) == (LATER, OTHER_REF)
    # a new version's own record is the latest again
    changed = replace(make_article(fetched_at=LATER + timedelta(hours=1)), body="Rättad text.")
    assert archive.add_version(changed, lambda: REF) == "updated"
    [record] = archive.stored_records()
    assert (record.fetched_at, record.warc) == (LATER + timedelta(hours=1), REF)


def test_an_article_without_a_record_is_listed_without_one(archive: Archive) -> None:
    archive.add_version(make_article())  # as unit tests and very old archives have them
    [record] = archive.stored_records()
    assert record.warc is None


def test_stored_records_by_source_and_in_batches_while_writing(archive: Archive) -> None:
    for n in range(7):
        archive.add_version(make_article(f"https://e.se/{n}"), lambda: REF)
    other = replace(make_article("https://f.se/1"), source="f")
    archive.add_version(other, lambda: REF)
    for n in range(4):
        archive.note_page(
            f"https://e.se/p{n}", "not_article", WHEN, reason="r", source="e", warc=REF
        )
    seen = []
    for record in archive.stored_records(["e"], per_query=3):
        seen.append(record.url)
        if record.kind == "article":  # writing between batches moves nothing
            stale = replace(make_article(record.url), kinds=[])
            assert archive.add_extraction(stale, REF) == "updated"
    assert len(seen) == len(set(seen)) == 11
    assert archive.count_stored_records(["e"]) == 11
    assert archive.count_stored_records() == 12
    assert [r.url for r in archive.stored_records(["f"])] == ["https://f.se/1"]


def test_re_extraction_of_the_same_result_is_unchanged(archive: Archive) -> None:
    archive.add_version(make_article(), lambda: REF)
    assert archive.add_extraction(make_article(), REF) == "unchanged"
    assert archive.totals()["versions"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"kinds": ["municipal"]},
        {"municipalities": ["Vimmerby", "Hultsfred"]},
        {"people": [Person("Anna Ek", ["kommunchef"], "Vimmerby kommun", "retired")]},
        {"wire": "TT"},
        {"authors": ["Anna Lindqvist"]},
        {"published": WHEN - timedelta(days=1)},
        {"language": "da"},
        {"body": "Kommunchefen lämnar efter sex år."},
    ],
)
def test_any_extracted_difference_is_a_new_version(archive: Archive, change: dict) -> None:
    archive.add_version(make_article(), lambda: REF)
    seq = archive.last_seq()
    assert archive.add_extraction(replace(make_article(), **change), REF) == "updated"
    versions = archive.versions(make_article().id)
    assert [v.version for v in versions] == [1, 2]
    for name, value in change.items():
        assert getattr(versions[1], name) == value
    assert (versions[1].warc_file, versions[1].warc_offset) == (REF.file, REF.offset)
    assert versions[1].fetched_at == WHEN  # when the page was fetched, not when re-read
    assert archive.last_seq() == seq + 1  # the index picks it up
    assert archive.add_extraction(replace(make_article(), **change), REF) == "unchanged"


def test_re_extraction_leaves_the_articles_bookkeeping_alone(archive: Archive) -> None:
    archive.add_version(make_article(), lambda: REF)
    archive.touch("https://e.se/a", LATER)  # a 304 later on
    archive.mark_gone("https://e.se/a", LATER)
    assert archive.add_extraction(replace(make_article(), kinds=[]), REF) == "updated"
    state = archive.fetch_state("https://e.se/a")
    assert state is not None
    assert (state.kind, state.last_fetched) == ("http_410", LATER)  # still gone, seen later
    assert archive.totals()["gone"] == 1


def test_an_older_record_never_overrides_a_newer_version(archive: Archive) -> None:
    archive.add_version(make_article(fetched_at=LATER), lambda: OTHER_REF)
    older = replace(make_article(fetched_at=WHEN), body="Den första texten.")
    assert archive.add_extraction(older, REF) == "unchanged"
    assert archive.totals()["versions"] == 1


def test_a_page_now_judged_an_article_becomes_one(archive: Archive) -> None:
    archive.note_page(
        "https://e.se/a", "not_article", WHEN, reason="no title", source="e", warc=REF
    )
    found = make_article()
    assert archive.add_extraction(found, REF, page_url="https://e.se/a", dry_run=True) == "new"
    assert archive.get(found.id) is None  # a dry run writes nothing
    assert archive.add_extraction(found, REF, page_url="https://e.se/a") == "new"
    stored = archive.get(found.id)
    assert stored is not None
    assert (stored.version, stored.first_seen, stored.warc_file) == (1, WHEN, REF.file)
    assert stored.kinds == ["personnel", "municipal"]
    state = archive.fetch_state("https://e.se/a")
    assert state is not None
    assert state.kind == "article"
    assert [r.kind for r in archive.stored_records()] == ["article"]


def test_a_page_whose_article_has_another_url_becomes_its_alias(archive: Archive) -> None:
    archive.note_page("https://e.se/a?id=7", "not_article", WHEN, reason="r", warc=REF)
    assert archive.add_extraction(make_article(), REF, page_url="https://e.se/a?id=7") == "new"
    state = archive.fetch_state("https://e.se/a?id=7")
    assert state is not None
    assert state.kind == "alias"
    assert [r.url for r in archive.stored_records()] == ["https://e.se/a"]


def test_a_new_article_replaces_its_urls_page_row(archive: Archive) -> None:
    archive.note_page("https://e.se/a", "not_article", WHEN, reason="too little text", warc=REF)
    archive.add_version(make_article(fetched_at=LATER), lambda: OTHER_REF)
    assert [r.kind for r in archive.stored_records()] == ["article"]


def test_a_still_not_article_page_gets_its_new_reason(archive: Archive) -> None:
    archive.note_page("https://e.se/x", "not_article", WHEN, reason="no title", warc=REF)
    archive.note_page_reason("https://e.se/x", "list page (5 date stamps)")
    [record] = archive.stored_records()
    assert (record.reason, record.fetched_at) == ("list page (5 date stamps)", WHEN)


def test_a_schema_1_archive_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    make_v1_archive(path)
    with Archive(path) as archive:
        assert archive.get_meta("schema_version") == str(SCHEMA_VERSION) == "3"
        state = archive.fetch_state("https://e.se/kontakt")
        assert state is not None
        assert state.kind == "not_article"  # kept; it has no record to re-extract
        assert list(archive.stored_records()) == []
        archive.add_version(make_article(), lambda: REF)
        archive.note_page("https://e.se/om", "not_article", WHEN, reason="r", source="e", warc=REF)
        assert [r.kind for r in archive.stored_records()] == ["article", "page"]
    with Archive(path) as again:  # opening it again changes nothing
        assert again.count_stored_records() == 2


def test_a_newer_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    Archive(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.close()
    with pytest.raises(ArchiveError, match="newer than this Lokalarkiv"):
        Archive(path)


def test_a_damaged_or_missing_record_is_an_error_not_a_garbled_page(tmp_path: Path) -> None:
    store = WarcStore(tmp_path)
    body = "<html><body>Kommunchefen slutar. Å ä ö.</body></html>".encode() * 50
    refs = [store.write_response(f"https://e.se/{n}", 200, [], body, WHEN) for n in range(3)]
    store.close()
    path = tmp_path / refs[1].file
    data = bytearray(path.read_bytes())
    middle = refs[1].offset + refs[1].length // 2
    data[middle : middle + 8] = b"\x00" * 8
    path.write_bytes(bytes(data))
    assert read_response(tmp_path, refs[0]).body == body
    with pytest.raises(ArchiveError, match=f"cannot read WARC record {refs[1].file}@"):
        read_response(tmp_path, refs[1])
    assert read_response(tmp_path, refs[2]).body == body  # the next record is intact
    cut = WarcRef(refs[2].file, refs[2].offset, refs[2].length - 10)
    with pytest.raises(ArchiveError, match="cut short"):
        read_response(tmp_path, cut)
    path.unlink()
    with pytest.raises(ArchiveError, match="No such file"):
        read_response(tmp_path, refs[0])
