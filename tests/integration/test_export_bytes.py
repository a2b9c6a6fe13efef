"""`arkiv export` writes the same bytes as before it read rows straight from SQLite.

The archive is made here, the same every time (fixed dates, no crawl): quotes, commas, line
breaks and tabs in the text, å ä ö and an emoji, lists, people with changes, floats that need
17 digits, articles published at the same instant in different time zones and within one
second, undated ones. The expected SHA-256 of each file was taken from `arkiv export` as it was
before issue #17 (the one that built every row as an Article), run on this archive; the same
bytes must come out of every path the export now takes: SQLite shaping the lines of a clean
archive, the writers' path for an archive made before text was cleaned on the way in, and a
helper process shaping every other batch.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pyarrow
import pytest
from click.testing import CliRunner

from indexer.article import Article, Person
from indexer.config import load_config
from indexer.store.archive import Archive
from lokalarkiv import export_parquet, export_pipeline
from lokalarkiv.exporting import (
    ExportResult,
    ExportSpec,
    export_manifest,
    manifest_bytes,
    write_export,
)
from lokalarkiv.params import Filters
from search_cli.cli import arkiv
from tests.helpers import run_arkiv

pytestmark = pytest.mark.integration

EXPECTED = {
    "csv": "628825b795baa533672b9d7a48b459f099edf22e93a9fde6e4fde11dcae9fcfe",
    "jsonl": "ac8b4e2140e2562ac6427984027688c1c2cf7774d204e507a0eac526ee61393c",
    "parquet": "fc24bcce58d8c5313677891673017de967def343d8d5e97e65a0b8b61164df44",
    "semicolon.csv": "90edef49b490694bdd6a2a145cccd5545c2eeff1eb2f2654c18d10dff48daed1",
    "fields.jsonl": "b5282055313e1fabed20fd21b9533646999e56c402f4f8176361d7fe90f62681",
}
# Parquet's bytes name the library that wrote them: pinned for this version of pyarrow.
PARQUET_PINNED_WITH = "26.0.1"
RUNS = {
    "csv": ["--format", "csv"],
    "jsonl": ["--format", "jsonl"],
    "parquet": ["--format", "parquet"],
    "semicolon.csv": ["--format", "csv", "--delimiter", ";", "--bom", "--no-body"],
    "fields.jsonl": ["--format", "jsonl", "--fields", "title,updated,people,gone,language_score"],
}
# The same exports asked of the application layer (what the web app calls).
SPECS = {
    "csv": ExportSpec("", Filters(), "csv"),
    "jsonl": ExportSpec("", Filters(), "jsonl"),
    "parquet": ExportSpec("", Filters(), "parquet"),
    "semicolon.csv": ExportSpec("", Filters(), "csv", delimiter=";", bom=True, with_body=False),
    "fields.jsonl": ExportSpec(
        "", Filters(), "jsonl", fields=("title", "updated", "people", "gone", "language_score")
    ),
}


def make_archive(data: Path) -> None:
    """The archive these tests export (``data`` is the data folder)."""
    cet = timezone(timedelta(hours=1))
    base = datetime(2025, 3, 1, 10, 0, tzinfo=cet)
    fetched = datetime(2025, 3, 2, 6, 30, 15, 123456, tzinfo=UTC)
    published = [
        base,
        base.astimezone(UTC),  # the same instant, another offset
        base.replace(microsecond=250000),
        base.replace(microsecond=500000),
        base + timedelta(days=3),
        None,
        None,
        datetime(1969, 7, 20, 21, 17, 40, tzinfo=UTC),
        base - timedelta(days=400),
    ]
    with Archive(data / "archive.sqlite3") as archive:
        for n, when in enumerate(published):
            people = []
            if n % 3 == 0:
                people = [
                    Person(
                        name=f"Åsa Lindgren-Ståhl {n}",
                        roles=["kommunchef", 'tf. "chef"'],
                        organisation="Vimmerby kommun",
                        change="new_job",
                        new_role="kommundirektör",
                        new_organisation="Hultsfreds kommun",
                    ),
                    Person(name="Bo Ek", roles=[]),
                ]
            article = Article(
                url=f"https://www.example.se/nyheter/{n}?a=1,2",
                canonical_url=f"https://www.example.se/nyheter/{n}",
                source=["vimmerby", "kalmar"][n % 2],
                source_name=["Vimmerby Tidning", 'Tidningen "Kalmar", Östra'][n % 2],
                title=f"Rubrik {n}: kommunen säger ”nej”, igen" + (' "citat"' if n % 2 else ""),
                lead="Ingress med radbrytning\noch tab\tsamt semikolon; här" if n % 3 else "",
                body=f"Första stycket, {n}.\n\nAndra stycket med åäö ÅÄÖ och 😀.\n" * (n + 1),
                authors=["Anna Andersson", "Bengt, B."] if n % 2 else [],
                published=when,
                updated=(when + timedelta(hours=2)) if when is not None and n % 2 else None,
                date_source="jsonld" if when is not None else "none",
                language="sv" if n != 4 else None,
                language_score=[0.9999957163434554, 1.0, 0.1 + 0.2, 0.0][n % 4],
                section="Nyheter" if n % 2 else None,
                municipalities=["Vimmerby", "Kalmar"] if n % 2 else ["Västervik"],
                regions=["Kalmar län"],
                kinds=["personnel", "municipal"] if n % 3 == 0 else [],
                people=people,
                paywalled=bool(n % 2),
                wire="TT" if n == 2 else None,
                fetched_at=fetched + timedelta(minutes=n),
                etag=f'W/"{n}"' if n % 2 else None,
                last_modified="Sun, 02 Mar 2025 06:30:15 GMT" if n % 2 else None,
                fingerprint=n,
            )
            archive.add_version(article)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export-bytes") / "data"
    folder.mkdir()
    make_archive(folder)
    result = run_arkiv("index", "--data", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


def check(name: str, out: Path) -> None:
    if name == "parquet" and pyarrow.__version__ != PARQUET_PINNED_WITH:
        pytest.skip(f"Parquet bytes pinned with pyarrow {PARQUET_PINNED_WITH}")
    assert sha256(out) == EXPECTED[name], name
    manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text(encoding="utf-8"))
    assert manifest["file"]["sha256"] == EXPECTED[name]
    assert manifest["file"]["bytes"] == out.stat().st_size


@pytest.mark.parametrize("name", list(RUNS))
def test_the_bytes_of_before(data: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / f"out.{name}"
    result = run_arkiv("export", "", "--data", str(data), *RUNS[name], "-o", str(out))
    assert result.returncode == 0, result.stderr
    check(name, out)


@pytest.mark.parametrize("name", list(RUNS))
def test_an_archive_from_before_cleaning_gives_the_same_bytes(
    data: Path, tmp_path: Path, name: str
) -> None:
    """An archive without the clean-text mark takes the writers' path (values scrubbed of
    control characters): the same bytes when there are none."""
    old = tmp_path / "old"
    old.mkdir()
    with sqlite3.connect(data / "archive.sqlite3") as db:
        db.execute("VACUUM INTO ?", (str(old / "archive.sqlite3"),))
    with sqlite3.connect(old / "archive.sqlite3") as db:
        db.execute("DELETE FROM meta WHERE key = 'text_cleaned_on_the_way_in'")
    result = run_arkiv("index", "--data", str(old))
    assert result.returncode == 0, result.stderr
    out = tmp_path / f"out.{name}"
    result = run_arkiv("export", "", "--data", str(old), *RUNS[name], "-o", str(out))
    assert result.returncode == 0, result.stderr
    check(name, out)


@pytest.mark.parametrize("name", ["csv", "jsonl", "semicolon.csv", "fields.jsonl"])
def test_a_helper_process_gives_the_same_bytes(
    data: Path, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every other batch shaped by a helper process, batches of two rows: still in order."""
    monkeypatch.setattr(export_pipeline, "HELPER_ROWS", 0)
    monkeypatch.setattr(export_pipeline, "BATCH", 2)
    out = tmp_path / f"out.{name}"
    result = CliRunner().invoke(
        arkiv, ["export", "", "--data", str(data), *RUNS[name], "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    check(name, out)


def test_text_joined_in_arrow_gives_the_same_parquet(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The body text copied into a buffer of Arrow's pool, as a full batch's is (tens of
    MB), rather than joined by Python: the same bytes."""
    monkeypatch.setattr(export_parquet, "JOIN_IN_ARROW", 0)
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(
        arkiv, ["export", "", "--data", str(data), *RUNS["parquet"], "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    check("parquet", out)


def pipe_export(spec: ExportSpec, data: Path) -> tuple[bytes, ExportResult]:
    """write_export into the write end of an OS pipe (not seekable), read as it is written."""
    read_end, write_end = os.pipe()
    received = bytearray()

    def drain() -> None:
        with os.fdopen(read_end, "rb") as fh:
            while chunk := fh.read(1 << 16):
                received.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        with os.fdopen(write_end, "wb") as fh:
            assert not fh.seekable()
            result = write_export(load_config(None, data_dir=data), spec, fh)
    finally:
        reader.join(timeout=60)
    return bytes(received), result


@pytest.mark.parametrize("name", list(RUNS))
def test_write_export_gives_the_bytes_and_manifest_of_arkiv_export(
    data: Path, tmp_path: Path, name: str
) -> None:
    """The application layer's export, into memory and into a pipe, is byte for byte the
    file `arkiv export` writes for the same query and options, and its manifest is the
    one `arkiv export` writes beside it (but for the times)."""
    out = tmp_path / f"out.{name}"
    result = run_arkiv("export", "", "--data", str(data), *RUNS[name], "-o", str(out))
    assert result.returncode == 0, result.stderr
    cli_bytes = out.read_bytes()
    spec = SPECS[name]
    config = load_config(None, data_dir=data)
    started = datetime.now(UTC)
    buffer = io.BytesIO()
    written = write_export(config, spec, buffer)
    assert buffer.getvalue() == cli_bytes
    assert written.sha256 == hashlib.sha256(cli_bytes).hexdigest()
    piped, from_pipe = pipe_export(spec, data)
    assert piped == cli_bytes
    assert from_pipe.sha256 == written.sha256

    cli_manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text("utf-8"))
    manifest = export_manifest(
        config, spec, written, file_name=out.name, file_bytes=len(cli_bytes), started=started
    )
    assert json.loads(manifest_bytes(manifest)) == manifest  # JSON types only
    for document in (cli_manifest, manifest):
        assert document.pop("started") <= document.pop("finished")
    assert manifest == cli_manifest


def test_write_export_without_a_hash_or_a_helper_gives_the_same_bytes(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The options a server may choose (no SHA-256, no helper process) change no byte; nor
    does a helper and batches of two rows."""
    config = load_config(None, data_dir=data)
    spec = SPECS["csv"]
    plain = io.BytesIO()
    assert write_export(config, spec, plain, sha256=False, helper=False).sha256 is None
    monkeypatch.setattr(export_pipeline, "HELPER_ROWS", 0)
    monkeypatch.setattr(export_pipeline, "BATCH", 2)
    helped = io.BytesIO()
    seen: list[tuple[int, int]] = []
    result = write_export(config, spec, helped, progress=lambda *done: seen.append(done))
    assert helped.getvalue() == plain.getvalue()
    assert result.sha256 == EXPECTED["csv"]
    assert seen[-1] == (result.rows, result.rows) == (9, 9)
