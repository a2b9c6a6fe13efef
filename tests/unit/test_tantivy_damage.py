"""The checks that find a damaged Tantivy index, on a small real index in a temporary folder."""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import tantivy as tv

from indexer.article import Article
from indexer.errors import BackendUnavailable
from indexer.search.backends.tantivy import TantivyBackend
from indexer.search.backends.tantivy.damage import (
    RECORD_FILE,
    WRITING_FILE,
    Checker,
    held_engine_output,
    is_panic,
    verify,
)
from indexer.search.query import Query


def article(n: int) -> Article:
    return Article(
        url=f"https://example.se/{n}",
        canonical_url=f"https://example.se/{n}",
        source="example",
        source_name="Exempelbladet",
        title=f"Kommunen beslutar om skola {n}",
        lead="Kommunfullmäktige sa ja.",
        body="Säkerhetssamordnaren lämnar kommunen efter sju år. " * 20,
        published=datetime(2025, 1, 1 + n % 28, tzinfo=UTC),
    )


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    with TantivyBackend(folder, writer_threads=1) as backend:
        backend.configure()
        backend.upsert((article(n) for n in range(30)), new=True)
    return folder


def segment_file(folder: Path, part: str) -> Path:
    return next(folder.glob(f"*.{part}"))


def body_length(path: Path) -> int:
    data = path.read_bytes()
    return len(data) - 8 - struct.unpack("<I", data[-8:-4])[0]


def test_every_segment_file_verifies_and_is_recorded(index_dir: Path) -> None:
    files = [f for f in index_dir.iterdir() if len(f.name.split(".")[0]) == 32]
    assert {f.suffix for f in files} >= {".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm"}
    assert all(verify(f) is None for f in files)
    assert (index_dir / RECORD_FILE).exists()  # written by the backend after its write
    checker = Checker(index_dir)
    assert checker.check() is None
    assert set(checker.trusted) == {f.name for f in files}


def test_overwritten_bytes_fail_the_checksum(index_dir: Path) -> None:
    target = segment_file(index_dir, "term")
    with target.open("r+b") as fh:
        fh.seek(body_length(target) // 2)
        fh.write(b"\x00" * 64 if fh.read(1) != b"\x00" else b"\xff" * 64)
    assert verify(target) == f"{target.name} fails its checksum"
    assert Checker(index_dir).check() == f"{target.name} fails its checksum"
    with pytest.raises(BackendUnavailable, match=r"is damaged: .* fails its checksum"):
        TantivyBackend(index_dir).search(Query(text="kommun"))


def test_cut_and_missing_files_are_damage(index_dir: Path) -> None:
    target = segment_file(index_dir, "fast")
    target.write_bytes(target.read_bytes()[:-3])
    assert verify(target) == f"{target.name} has no valid footer"
    target.unlink()
    assert Checker(index_dir).check() == f"{target.name} is missing"


def test_recorded_files_are_not_read_again(index_dir: Path) -> None:
    """A file whose size and time match the record is trusted (that is what keeps the open
    cheap); the engine's panic is then what finds the damage, as one BackendUnavailable."""
    target = segment_file(index_dir, "term")
    before = target.stat()
    with target.open("r+b") as fh:
        fh.write(b"\xff" * body_length(target))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert Checker(index_dir).check() is None
    with pytest.raises(BackendUnavailable, match="is damaged: opening it failed") as caught:
        TantivyBackend(index_dir).search(Query(text="kommun"))
    assert caught.value.__cause__ is not None
    assert is_panic(caught.value.__cause__)


def test_held_output_is_written_after_the_block(capfd: pytest.CaptureFixture[str]) -> None:
    with held_engine_output():
        os.write(2, b"from the engine\n")
        assert capfd.readouterr().err == ""
    assert capfd.readouterr().err == "from the engine\n"


def test_a_panics_report_is_dropped(
    index_dir: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUST_BACKTRACE", "1")
    target = segment_file(index_dir, "term")
    with target.open("r+b") as fh:
        fh.write(b"\xff" * body_length(target))
    with pytest.raises(BaseException) as caught, held_engine_output():
        tv.Index.open(str(index_dir))
    assert is_panic(caught.value)
    assert capfd.readouterr().err == ""  # Rust's "thread ... panicked at" is gone
    with pytest.raises(BaseException) as caught:
        tv.Index.open(str(index_dir))
    assert is_panic(caught.value)
    assert "panicked" in capfd.readouterr().err  # what it would have printed


def test_a_damaged_completion_table_is_left_unused(index_dir: Path) -> None:
    backend = TantivyBackend(index_dir)
    assert backend.search(Query(text="säkerhetssamord")).total == 30
    table = index_dir / "lokalarkiv-completions.tsv"
    table.write_text(table.read_text(encoding="utf-8").replace("\t", "\tx"), encoding="utf-8")
    fresh = TantivyBackend(index_dir)
    assert fresh.search(Query(text="säkerhetssamord")).total == 30


def dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def test_a_write_that_died_has_every_file_read_again(index_dir: Path) -> None:
    """A write session leaves its mark until it has finished; one whose process died
    (killed, or aborted by a panic in the engine's thread pool) makes the next open read
    every file, whatever the record says, so damage only a write met is found."""
    assert not (index_dir / WRITING_FILE).exists()  # the fixture's write finished
    target = segment_file(index_dir, "term")
    before = target.stat()
    with target.open("r+b") as fh:
        fh.seek(body_length(target) // 3)
        fh.write(b"\x00" * 64 if fh.read(1) != b"\x00" else b"\xff" * 64)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert Checker(index_dir).check() is None  # trusted by the record
    mark = {"pid": dead_pid(), "host": socket.gethostname()}
    (index_dir / WRITING_FILE).write_text(json.dumps(mark), encoding="utf-8")
    assert Checker(index_dir).check() == f"{target.name} fails its checksum"


def test_a_live_writer_or_an_intact_index_costs_one_full_read_at_most(index_dir: Path) -> None:
    mark = index_dir / WRITING_FILE
    mark.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
    checker = Checker(index_dir)
    assert checker.check() is None
    assert mark.exists()  # this process is writing: left alone
    mark.write_text(json.dumps({"pid": dead_pid(), "host": socket.gethostname()}))
    assert Checker(index_dir).check() is None
    assert not mark.exists()  # read again, found intact: the next open trusts the record


UNREADABLE = "An IO error occurred: 'Unsupported dictionary type, found 906302141'"


class _UnreadableTerms:
    """Stands in for a Searcher over a term dictionary with damaged bytes: Tantivy reports
    what it cannot read as a ValueError (the message is what a crawled index gave)."""

    num_docs = 1000

    def doc_freq(self, field_name: str, text: str) -> int:
        raise ValueError(UNREADABLE)

    def terms_with_prefix(self, field_name: str, prefix: str, limit: int) -> list[str]:
        raise ValueError(UNREADABLE)


def test_terms_unreadable_while_planning_are_damage_not_a_bad_query() -> None:
    """The plan reads document frequencies (the typo rule) and prefixes (completions): a
    failure there is the index's bytes, left as Tantivy's error for the backend's guard to
    take for damage (a rebuild), not a QueryError telling the user to fix the filters."""
    from indexer.search.backends.tantivy.plan import Plan
    from indexer.search.backends.tantivy.schema import schema

    for text in ("säkerhetssamordnare", "kommu"):  # a typo-tolerant word; a prefix
        with pytest.raises(ValueError, match="Unsupported dictionary type"):
            Plan.build(schema(), Query(text=text), _UnreadableTerms())  # type: ignore[arg-type]
