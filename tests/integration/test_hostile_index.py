"""A damaged Tantivy index is found, reported in one line and rebuilt from the archive.

Each test copies the fixture crawl's data folder (archive + index), damages one file of the
index, and runs the real `arkiv` CLI in a subprocess, as a user would meet it: the search must
still answer (exit 0, the seed story found), with one line on stderr that says the index was
damaged and rebuilt, and no Rust panic report or traceback, with RUST_BACKTRACE=1 set.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Crawl, run_arkiv

pytestmark = pytest.mark.integration

SEED = "sakerhetssamordnaren-lamnar"
QUERY = "Westerbak"  # the seed story, by a misspelt name (typo matching: the .fast/.term files)
PARTS = ("fast", "pos", "term", "idx", "store", "fieldnorm")
ENV = {"RUST_BACKTRACE": "1"}  # a panic would print its whole backtrace
ANSWER_WITHIN = 60.0  # seconds for a search that rebuilds the index (~2 s here)


def copy_data(crawl: Crawl, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(crawl.data, data)  # times kept: the index's record of checked files holds
    return data


def index_files(data: Path, part: str) -> list[Path]:
    files = sorted((data / "index" / "tantivy").glob(f"*.{part}"), key=lambda f: f.stat().st_size)
    assert files, f"no .{part} file in the index"
    return files


def overwrite(path: Path, offset: int, data: bytes, *, keep_time: bool = False) -> None:
    """Overwrite bytes in place; ``keep_time`` puts the modification time back, as
    decaying media or a careless copy would leave it."""
    before = path.stat()
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(data)
    if keep_time:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def search(data: Path, text: str = QUERY) -> tuple[Any, list[str], float]:
    started = time.monotonic()
    result = run_arkiv("search", "--data", str(data), "--json", text, env=ENV, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr.splitlines(), elapsed


def finds_seed(document: Any) -> bool:
    return any(SEED in hit["url"] for hit in document["hits"])


def assert_one_line_rebuilt(lines: list[str], *words: str) -> None:
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("notice: rebuilt the search index from the archive"), line
    assert "is damaged" in line, line
    for word in words:
        assert word in line, line


@pytest.mark.parametrize("part", PARTS)
def test_overwritten_bytes_are_found_and_the_index_rebuilt(
    first_crawl: Crawl, tmp_path: Path, part: str
) -> None:
    data = copy_data(first_crawl, tmp_path)
    target = index_files(data, part)[-1]  # the largest of its kind
    overwrite(target, target.stat().st_size // 2, random.Random(part).randbytes(64))

    document, lines, elapsed = search(data)
    assert finds_seed(document), document
    assert_one_line_rebuilt(lines, target.name, "checksum")
    assert elapsed < ANSWER_WITHIN
    # rebuilt for good: the next search says nothing
    again, lines, _ = search(data)
    assert lines == []
    assert [hit["id"] for hit in again["hits"]] == [hit["id"] for hit in document["hits"]]


def test_a_panic_on_open_is_one_line_and_a_rebuild(first_crawl: Crawl, tmp_path: Path) -> None:
    """Damage the checks on open cannot see (the file's time put back, so its record holds):
    the engine panics opening the index ("assertion failed: ..."), which is caught."""
    data = copy_data(first_crawl, tmp_path)
    target = index_files(data, "term")[-1]
    size = target.stat().st_size
    with target.open("rb") as fh:
        fh.seek(size - 8)
        footer_length = struct.unpack("<I", fh.read(4))[0]
    overwrite(target, 0, b"\xff" * (size - 8 - footer_length), keep_time=True)

    document, lines, elapsed = search(data)
    assert finds_seed(document), document
    assert_one_line_rebuilt(lines, "failed (")
    assert elapsed < ANSWER_WITHIN


def test_damage_that_shows_on_some_queries_only(first_crawl: Crawl, tmp_path: Path) -> None:
    """64 random bytes in the term dictionary, the time put back (so the checks on open
    trust the file): most such damage goes unnoticed by the queries asked, some makes one of
    them panic or fail. Whatever happens, the search answers; a failure is one line and a
    rebuild. Tried at seeded random places until a query has failed (it takes a few tries:
    about one place in two does)."""
    queries = ("säkerhetssamordnare", '"ledningscentral i Jönköping"', "kommun")
    rebuilt = 0
    for seed in range(30):
        data = tmp_path / f"try{seed}"
        shutil.copytree(first_crawl.data, data)
        rnd = random.Random(seed)
        for target in index_files(data, "term"):
            where = rnd.randrange(0, target.stat().st_size - 64 - 128)  # not in the footer
            overwrite(target, where, rnd.randbytes(64), keep_time=True)
        for text in queries:
            document, lines, elapsed = search(data, text)
            assert elapsed < ANSWER_WITHIN
            if lines:
                assert_one_line_rebuilt(lines, "it failed (")  # searching it, mostly
                assert document["total"] >= 1
                rebuilt += 1
        shutil.rmtree(data)
        if rebuilt:
            break
    assert rebuilt, "no query failed at 30 places: the test no longer damages the index"


def test_index_command_rebuilds_a_damaged_index(first_crawl: Crawl, tmp_path: Path) -> None:
    data = copy_data(first_crawl, tmp_path)
    target = index_files(data, "term")[-1]
    overwrite(target, target.stat().st_size // 2, bytes(64))
    result = run_arkiv("index", "--data", str(data), env=ENV)
    assert result.returncode == 0, result.stderr
    assert_one_line_rebuilt(result.stderr.splitlines(), target.name)
    assert f"holds {len(first_crawl.articles)} articles" in result.stdout


def test_a_damaged_completion_table_is_not_used(first_crawl: Crawl, tmp_path: Path) -> None:
    """The table of frequent stems (ours, for search-as-you-type) with a count overwritten:
    it no longer matches its recorded checksum, so prefixes walk the term dictionary instead.
    No rebuild: the next write makes a new table."""
    data = copy_data(first_crawl, tmp_path)
    table = data / "index" / "tantivy" / "lokalarkiv-completions.tsv"
    text = table.read_bytes()
    line = text.index("\nsäkerhetssamordn".encode()) + 1
    count = text.index(b"\t", line) + 1
    overwrite(table, count, b"x")

    document, lines, _ = search(data, "säkerhetssamord")  # the last word as a prefix
    assert finds_seed(document), document
    assert lines == []
