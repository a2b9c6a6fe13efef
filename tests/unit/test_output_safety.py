"""Hostile text (issue 16): control characters are dropped on the way into the archive and
from whatever the CLI prints; the pieces of the CLI that decide what is an option, a source,
a file to replace; the archive opened read-only."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest

from indexer.article import Article, Person, clean_article, clean_text
from indexer.errors import ArchiveError, QueryError
from indexer.search.query import Hit, Query, SearchPage, Snippet
from indexer.store.archive import SCHEMA_VERSION, Archive
from indexer.store.warc import WarcRef
from lokalarkiv.params import resolve_source
from search_cli import search_filters
from search_cli.export_command import check_target
from search_cli.output import one_line, print_json, scrub, table
from search_cli.render import render_article, render_hits, render_versions
from search_cli.search_commands import search
from tests.helpers import make_v1_archive

WHEN = datetime(2025, 8, 9, 6, 0, tzinfo=UTC)
ESC_RED, ESC_RESET = "\x1b[31m", "\x1b[0m"
ESC_TITLE = "\x1b]0;pwned\x07"  # OSC 0: sets the terminal's title
ESC_LINK = "\x1b]8;;https://evil.example/\x1b\\"  # OSC 8 hyperlink, ended by ESC \
HOSTILE = (
    f"Fullmäktige {ESC_RED}röstade{ESC_RESET} om budgeten{ESC_TITLE}{ESC_LINK}"
    "\x07\x08\x00\x7f\x9b31m\u202eevil\u202c\u2066x\u2069"
)
# What may never reach a terminal from the archive: C0 but \t and \n, DEL, C1, bidi controls.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BOLD = re.compile(r"\x1b\[(?:1|0)m")  # the only escape the CLI makes itself


def hostile_article(url: str = "https://e.se/a") -> Article:
    return Article(
        url=url,
        canonical_url=url,
        source="e",
        source_name=f"E-tidningen{ESC_RED}",
        title=HOSTILE,
        lead="Ingress\x1b[2J med\r\nrader.",
        body=f"Första stycket{ESC_TITLE}.\n\tAndra\x00 stycket – 2024\x962025\x85\rTredje.",
        authors=[f"Eva {ESC_RED}Berg{ESC_TITLE}", "Per\nOlsson"],
        section=f"Nyheter{ESC_RESET}",
        published=WHEN,
        language="sv",
        language_score=0.9,
        municipalities=["Vimmerby\x07"],
        kinds=["municipal"],
        people=[
            Person(
                f"Håkan{ESC_RED} Westerback",
                ["säkerhets\x9bsamordnare"],
                organisation=f"Vimmerby{ESC_TITLE} kommun",
                change="new_job",
                new_role="ledningsbefäl\u202e",
                new_organisation="räddningstjänsten\x1b[5m",
            )
        ],
        wire="TT\x1b[1m",
        fetched_at=WHEN,
        etag='W/"\x85abc"',
    )


# ---------------------------------------------------------------- clean_text


def test_whole_escape_sequences_go_not_just_their_esc() -> None:
    assert clean_text(f"{ESC_RED}Röd{ESC_RESET} rubrik") == "Röd rubrik"
    assert clean_text(f"Rubrik{ESC_TITLE}") == "Rubrik"  # the OSC payload is no text
    assert clean_text(f"a{ESC_LINK}länk\x1b]8;;\x1b\\b") == "alänkb"
    assert clean_text("\x1bcReset") == "Reset"  # ESC c: a full terminal reset
    assert clean_text("a\x1b") == "a"  # a lone ESC at the end
    # An OSC string without its end loses only what starts it; the text stays.
    assert clean_text("\x1b]0;" + "x" * 3000) == "0;" + "x" * 3000


def test_controls_are_dropped_and_bidi_overrides_too() -> None:
    assert clean_text("a\x00b\x07c\x08d\x7fe\x1ff") == "abcdef"
    assert clean_text("\u202eevil\u202c \u2066x\u2069 \u202a\u202b\u202d") == "evil x "
    assert FORBIDDEN.search(clean_text(HOSTILE)) is None
    assert FORBIDDEN.search(clean_text(HOSTILE, multiline=True)) is None


def test_c1_is_read_as_the_windows_1252_a_browser_shows() -> None:
    # "2024–2025 …" from windows-1252 bytes decoded as Latin-1.
    assert clean_text("2024\x962025 \x85 \x93citat\x94") == "2024–2025 … “citat”"
    assert clean_text("a\x81b\x8dc\x8fd\x90e\x9df") == "abcdef"  # undefined there: dropped
    assert clean_text("\x9b31mröd") == "›31mröd"  # a one-byte CSI is no CSI any more


def test_line_breaks_in_a_body_and_in_one_line_fields() -> None:
    text = "Ett.\r\nTvå.\rTre.\n\tFyra.\x0bFem.\x0cSex."
    assert clean_text(text, multiline=True) == "Ett.\nTvå.\nTre.\n\tFyra.\nFem.\nSex."
    assert clean_text(text) == "Ett. Två. Tre.  Fyra. Fem. Sex."


def test_clean_text_is_left_alone() -> None:
    text = "Säkerhetssamordnaren lämnar – blir ledningsbefäl i Jönköping\n\n”Citat” … €"
    assert clean_text(text, multiline=True) is text
    assert clean_text("Åsa Öberg") == "Åsa Öberg"


# ---------------------------------------------------------------- into the archive


def test_clean_article_cleans_every_text_field_but_urls_and_validators() -> None:
    article = hostile_article()
    before_id, before_etag = article.id, article.etag
    clean_article(article)
    texts = [
        article.title, article.lead, article.body, article.source_name, article.section,
        article.wire, *article.authors, *article.municipalities,
    ]  # fmt: skip
    for person in article.people:
        texts += [person.name, *person.roles, person.organisation, person.new_role]
        texts.append(person.new_organisation)
    assert all(FORBIDDEN.search(t or "") is None for t in texts), texts
    assert article.title == "Fullmäktige röstade om budgeten›31mevilx"
    assert article.authors == ["Eva Berg", "Per Olsson"]
    assert article.lead == "Ingress med\nrader."
    assert article.body == "Första stycket.\n\tAndra stycket – 2024–2025…\nTredje."
    assert article.people[0].name == "Håkan Westerback"
    assert (article.id, article.etag) == (before_id, before_etag)


def test_the_archive_stores_clean_text_and_a_recrawl_is_no_new_version(tmp_path: Path) -> None:
    with Archive(tmp_path / "archive.sqlite3") as archive:
        assert archive.add_version(hostile_article()) == "new"
        assert archive.add_version(hostile_article()) == "unchanged"
        stored = archive.get(hostile_article().id)
    assert stored is not None
    fields = stored.to_dict()
    assert fields.pop("etag") == 'W/"\x85abc"'  # a validator is sent back as it came
    record = json.dumps(fields, ensure_ascii=False)
    assert FORBIDDEN.search(record.replace("\\n", "").replace("\\t", "")) is None
    assert stored.title == "Fullmäktige röstade om budgeten›31mevilx"
    assert stored.content_hash == clean_article(hostile_article()).content_hash


def test_only_an_archive_made_with_the_cleaning_says_it_holds_clean_text(tmp_path: Path) -> None:
    with Archive(tmp_path / "new.sqlite3") as archive:
        assert archive.holds_only_clean_text()
    make_v1_archive(tmp_path / "old.sqlite3")
    with Archive(tmp_path / "old.sqlite3") as archive:  # migrated, but not cleaned
        assert not archive.holds_only_clean_text()


def test_reextraction_cleans_what_an_older_version_stored(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    with Archive(path) as archive:
        archive.add_version(hostile_article())
    with sqlite3.connect(path) as db:  # as a Lokalarkiv before the cleaning stored it
        db.execute("UPDATE versions SET title = ?", (HOSTILE,))
    db.close()
    with Archive(path) as archive:
        again = hostile_article()
        again.fetched_at = datetime(2025, 8, 10, tzinfo=UTC)
        assert archive.add_extraction(again, again_ref()) == "updated"
        current = archive.get(again.id)
    assert current is not None
    assert FORBIDDEN.search(current.title) is None


def again_ref() -> WarcRef:
    return WarcRef("x.warc.gz", 0, 10)


# ---------------------------------------------------------------- read-only archive


def test_a_read_only_archive_refuses_every_write(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    with Archive(path) as archive:
        archive.add_version(hostile_article())
    before = path.read_bytes()
    with Archive(path, readonly=True) as archive:
        assert archive.totals()["articles"] == 1
        with pytest.raises(ArchiveError, match="read-only"):
            archive.set_meta("x", "1")
        with pytest.raises(ArchiveError, match="read-only"):
            archive.add_version(hostile_article("https://e.se/b"))
        with pytest.raises(ArchiveError, match="read-only"):
            archive.start_run()
    assert path.read_bytes() == before


def test_a_read_only_open_migrates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    make_v1_archive(path)
    with Archive(path, readonly=True) as archive:
        assert archive.get_meta("schema_version") == "1"
        assert archive.source_names() == {}
    with sqlite3.connect(path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(pages)")}
    db.close()
    assert "reason" not in columns  # still schema 1: a writing open migrates it
    assert SCHEMA_VERSION == 3


def test_a_read_only_open_refuses_what_is_no_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive at"):
        Archive(tmp_path / "none.sqlite3", readonly=True)
    assert not (tmp_path / "none.sqlite3").exists()
    (tmp_path / "garbage.sqlite3").write_bytes(b"not a database" * 100)
    with pytest.raises(ArchiveError, match="cannot read archive"):
        Archive(tmp_path / "garbage.sqlite3", readonly=True)
    sqlite3.connect(tmp_path / "empty.sqlite3").close()
    with pytest.raises(ArchiveError, match="not a Lokalarkiv archive"):
        Archive(tmp_path / "empty.sqlite3", readonly=True)
    path = tmp_path / "archive.sqlite3"
    Archive(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.close()
    with pytest.raises(ArchiveError, match="newer than this Lokalarkiv"):
        Archive(path, readonly=True)


# ---------------------------------------------------------------- what the CLI prints


def test_scrub_reaches_every_string_and_keeps_the_id() -> None:
    article = hostile_article()
    cleaned = scrub(article)
    assert cleaned is not article
    assert cleaned.id == article.id
    assert FORBIDDEN.search(json.dumps(cleaned.to_dict(), ensure_ascii=False)) is None
    nested = scrub({f"k{ESC_RED}": [("a\x07", {"b": f"c{ESC_TITLE}"})], "n": 3})
    assert nested == {"k": [("a", {"b": "c"})], "n": 3}
    assert one_line(f"två\nrader{ESC_RED}") == "två rader"


def test_json_output_holds_no_control_character(capsys: pytest.CaptureFixture[str]) -> None:
    print_json({"title": HOSTILE, "body": "a\nb\tc\x85", "list": [HOSTILE], HOSTILE: 1})
    out = capsys.readouterr().out
    assert FORBIDDEN.search(out.replace("\n", "")) is None
    assert "\\u001b" not in out  # dropped, not merely escaped: `jq -r` prints escapes raw
    document = json.loads(out)
    assert document["body"] == "a\nb\tc…"
    assert all(FORBIDDEN.search(key) is None for key in document)


def test_tables_render_cells_safely() -> None:
    text = table(("source", "articles"), [(HOSTILE, 3), ("e\nf", 1)])
    assert FORBIDDEN.search(text) is None
    assert "e f" in text


def test_rendered_hits_article_and_versions_hold_only_our_own_escapes() -> None:
    hit = Hit(
        id="a" * 16,
        url=f"https://e.se/a{ESC_TITLE}",
        title=HOSTILE,
        source="e",
        source_name=f"E{ESC_RED}",
        published=WHEN,
        municipalities=(f"Vimmerby{ESC_RESET}",),
        kinds=("municipal",),
        snippet=Snippet(("… ", "budgeten", f"{ESC_TITLE} och \x9b2J ", "röstade\x07", " …")),
    )
    page = SearchPage(total=1, hits=[hit], facets={"source": {f"e{ESC_TITLE}": 1}})
    stories = {hit.id: (hit.id, [(hit.id, f"E{ESC_RED}"), ("b" * 16, f"F\x1b[2J{ESC_TITLE}")])}
    query = Query(text=f"budget{ESC_TITLE}")
    outputs = [render_hits(query, page, 0.01, stories)]
    article = hostile_article()
    later = hostile_article()
    later.body, later.version, article.version = f"Ny{ESC_TITLE}\ntext\x07", 2, 1
    outputs += [render_article(article), render_versions([article, later], diffs=True)]
    for text in outputs:
        assert FORBIDDEN.search(BOLD.sub("", text).replace("\t", "")) is None, repr(text)
    assert "pwned" not in "".join(outputs)
    assert click.style("röstade", bold=True) in outputs[0]  # matches still bold


# ---------------------------------------------------------------- query words and options


def words_last(*args: str) -> list[str]:
    with click.Context(search, help_option_names=["-h", "--help"]) as ctx:  # as `arkiv` has
        return search_filters.words_last(search.get_params(ctx), list(args))


def test_a_leading_dash_word_is_a_query_word_and_options_stay_options() -> None:
    assert words_last("-kommunen", "storm") == ["--", "-kommunen", "storm"]
    assert words_last("storm", "-Kalmar", "--kommun", "Vimmerby", "--json") == [
        "--kommun", "Vimmerby", "--json", "--", "storm", "-Kalmar",
    ]  # fmt: skip
    # An option's value may start with "-"; --name=value and -h stay options.
    assert words_last("--person", "-x", "--limit=5", "-h", "-hamn") == [
        "--person", "-x", "--limit=5", "-h", "--", "-hamn",
    ]  # fmt: skip
    # A mistyped long option stays an option, for click to name; after -- all are words.
    assert words_last("--kommune", "X", "--", "--json") == ["--kommune", "--", "X", "--json"]
    assert words_last("-", "-5") == ["--", "-", "-5"]


# ---------------------------------------------------------------- unknown sources


def test_an_unknown_source_suggests_the_nearest_like_an_unknown_kommun() -> None:
    known = ["vimmerby-nyheter", "kalmar-posten", "svt-stockholm"]
    assert resolve_source("Vimmerby-Nyheter", known) == "vimmerby-nyheter"
    with pytest.raises(QueryError) as raised:
        resolve_source("vimerby-nyheter", known)
    assert str(raised.value) == "unknown source 'vimerby-nyheter'; did you mean vimmerby-nyheter?"
    assert "arkiv sources" in raised.value.hint
    with pytest.raises(QueryError, match=r"^unknown source 'x'$"):
        resolve_source("x", known)


# ---------------------------------------------------------------- export targets


def test_export_targets_devices_and_fifos_are_written_to_never_replaced(tmp_path: Path) -> None:
    assert check_target(tmp_path / "new.csv", force=False) == (tmp_path / "new.csv", False)
    (tmp_path / "old.csv").write_text("x")
    with pytest.raises(click.UsageError, match="exists; use --force"):
        check_target(tmp_path / "old.csv", force=False)
    assert check_target(tmp_path / "old.csv", force=True) == (tmp_path / "old.csv", False)
    with pytest.raises(click.UsageError, match="is a folder"):
        check_target(tmp_path, force=True)
    assert check_target(Path("/dev/null"), force=False) == (Path("/dev/null"), True)
    assert check_target(Path("/dev/full"), force=True) == (Path("/dev/full"), True)
    os.mkfifo(tmp_path / "fifo")
    assert check_target(tmp_path / "fifo", force=False) == (tmp_path / "fifo", True)
    (tmp_path / "to-device").symlink_to("/dev/null")
    assert check_target(tmp_path / "to-device", force=True) == (tmp_path / "to-device", True)
    (tmp_path / "to-file").symlink_to(tmp_path / "old.csv")  # the file is replaced, not the link
    assert check_target(tmp_path / "to-file", force=True) == (tmp_path / "old.csv", False)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(click.UsageError, match="does not exist"):
        check_target(tmp_path / "dangling", force=True)


def test_export_refuses_a_block_device_or_socket(tmp_path: Path) -> None:
    import socket

    with socket.socket(socket.AF_UNIX) as sock:  # only stat()ed: nothing is written to it
        sock.bind(str(tmp_path / "sock"))
        with pytest.raises(click.UsageError, match="not a regular file"):
            check_target(tmp_path / "sock", force=True)
    blocks = (
        [p for p in Path("/dev").iterdir() if p.is_block_device()] if Path("/dev").is_dir() else []
    )
    if blocks:
        with pytest.raises(click.UsageError, match="is a block device"):
            check_target(blocks[0], force=True)
