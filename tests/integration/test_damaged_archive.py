"""A damaged archive, through the real `arkiv` in a subprocess: text that is not UTF-8 (what
another program can leave in SQLite) and pages overwritten with noise (a damaged disk) are one
clear line from every command that meets them, never a traceback, and what the archive holds
stays as it was."""

from __future__ import annotations

import random
import sqlite3
import subprocess
from pathlib import Path

import pytest

from indexer.store.archive import Archive
from tests.helpers import article, run_arkiv

pytestmark = pytest.mark.integration

NOT_UTF8 = b"Kommunstyrelsen \xff\xfe beslutade"


def indexed_data(data: Path, articles: int) -> Path:
    """A data folder of ``articles`` articles (kustposten.se/0, /1, ...), indexed."""
    with Archive(data / "archive.sqlite3") as archive:
        for n in range(articles):
            archive.add_version(
                article(f"https://kustposten.se/{n}", "kustposten", f"Kommunen {n}",
                        "Kommunstyrelsen beslutade om skolan. " * 40, hours=n + 1)
            )  # fmt: skip
    indexed = run_arkiv("index", "--data", str(data))
    assert indexed.returncode == 0, indexed.stderr
    return data


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A data folder whose index is in step, and one article whose body then became bytes
    that are not UTF-8 (its change counter untouched: the index is not rebuilt first)."""
    data = indexed_data(tmp_path_factory.mktemp("damaged") / "data", 3)
    aid = article("https://kustposten.se/1", "kustposten", "", "").id
    with sqlite3.connect(data / "archive.sqlite3") as db:
        db.execute(
            "UPDATE versions SET body = CAST(? AS TEXT) WHERE article_id = ?", (NOT_UTF8, aid)
        )
    db.close()
    return data, aid


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """The command failed with one line naming what was wrong, then a hint."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    stderr = result.stderr
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 2, stderr
    assert lines[1].startswith("Hint: "), stderr
    for word in words:
        assert word in lines[0], stderr


def test_show_says_the_archive_cannot_be_read(damaged: tuple[Path, str]) -> None:
    data, aid = damaged
    result = run_arkiv("show", aid, "--data", str(data))
    one_line_error(result, "cannot be read", "UTF-8")
    assert "integrity_check" in result.stderr


def test_a_parquet_export_says_so_and_leaves_no_file(
    damaged: tuple[Path, str], tmp_path: Path
) -> None:
    data, _ = damaged
    out = tmp_path / "kommunen.parquet"
    result = run_arkiv("export", "", "--format", "parquet", "-o", str(out), "--data", str(data))
    one_line_error(result, "Parquet cannot take", "UTF8")
    assert list(tmp_path.iterdir()) == []  # no file, no leftover part of one


def test_a_rebuild_of_the_index_says_so_and_the_archive_keeps_its_bytes(
    damaged: tuple[Path, str],
) -> None:
    data, aid = damaged
    one_line_error(run_arkiv("index", "--rebuild", "--data", str(data)), "cannot be read")
    with sqlite3.connect(data / "archive.sqlite3") as db:
        db.text_factory = bytes
        (body,) = db.execute("SELECT body FROM versions WHERE article_id = ?", (aid,)).fetchone()
        (articles,) = db.execute("SELECT COUNT(*) FROM articles").fetchone()
    db.close()
    assert body == NOT_UTF8
    assert articles == 3


@pytest.fixture(scope="module")
def malformed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose archive has every page after the first (its schema) overwritten
    with noise."""
    data = indexed_data(tmp_path_factory.mktemp("malformed") / "data", 40)
    path = data / "archive.sqlite3"
    assert not path.with_name("archive.sqlite3-wal").exists()  # all in the file itself
    size = path.stat().st_size
    noise = random.Random(17)
    with path.open("r+b") as fh:
        fh.seek(4096)
        fh.write(noise.randbytes(size - 4096))
    return data


@pytest.mark.parametrize(
    "command",
    [["stats"], ["people"], ["search", "kommunen"], ["index", "--rebuild"]],
    ids=lambda c: "-".join(c),
)
def test_a_malformed_archive_is_one_line_with_what_to_do(
    malformed: Path, command: list[str]
) -> None:
    result = run_arkiv(*command, "--data", str(malformed))
    one_line_error(result, "malformed")
    assert "integrity_check" in result.stderr
