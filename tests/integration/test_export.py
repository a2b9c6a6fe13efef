"""`arkiv export` from the fixture archive, read back with the standard readers."""

from __future__ import annotations

import csv
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from lokalarkiv.exporting import FIELDS
from tests.helpers import ROOT, Crawl, run_arkiv

pytestmark = pytest.mark.integration


def export(crawl: Crawl, *args: str) -> tuple[int, str, str]:
    result = run_arkiv("export", "--data", str(crawl.data), *args)
    return result.returncode, result.stdout, result.stderr


def test_csv_every_match_every_field(first_crawl: Crawl, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    code, _, err = export(first_crawl, "", "--format", "csv", "-o", str(out))
    assert code == 0, err
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(first_crawl.articles)
    assert list(rows[0]) == list(FIELDS)
    by_id = {a.id: a for a in first_crawl.articles.values()}
    for row in rows:
        article = by_id[row["id"]]
        assert row["title"] == article.title  # å ä ö, quotes and dashes survive
        assert row["body"] == article.body  # newlines inside a quoted field survive
        assert row["authors"] == " | ".join(article.authors)
    published = [r["published"] for r in rows]
    assert published == sorted(published, reverse=True)  # newest first
    assert any("\n" in r["body"] for r in rows)
    assert any("”" in r["title"] or '"' in r["title"] for r in rows) or any(
        '"' in r["body"] for r in rows
    )


def test_csv_for_excel_with_semicolons_and_bom(first_crawl: Crawl, tmp_path: Path) -> None:
    out = tmp_path / "excel.csv"
    code, _, err = export(
        first_crawl, "", "--format", "csv", "--delimiter", ";", "--bom", "-o", str(out),
        "--fields", "id,title,lead,municipalities",
    )  # fmt: skip
    assert code == 0, err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["id", "title", "lead", "municipalities"]
    assert len(rows) == len(first_crawl.articles) + 1


def test_jsonl_types(first_crawl: Crawl, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    code, _, err = export(first_crawl, "storm", "--format", "jsonl", "--no-body", "-o", str(out))
    assert code == 0, err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    search = json.loads(
        run_arkiv(
            "search", "--data", str(first_crawl.data), "storm", "--json", "--limit", "100"
        ).stdout
    )
    assert len(records) == search["total"]
    assert {r["id"] for r in records} == {h["id"] for h in search["hits"]}
    for record in records:
        assert "body" not in record
        assert isinstance(record["authors"], list)
        assert isinstance(record["paywalled"], bool)
        assert isinstance(record["language_score"], float)
        assert isinstance(record["people"], list)


def test_parquet_schema_and_rows(first_crawl: Crawl, tmp_path: Path) -> None:
    out = tmp_path / "all.parquet"
    code, _, err = export(first_crawl, "", "--format", "parquet", "-o", str(out))
    assert code == 0, err
    table = pq.read_table(out)
    assert table.num_rows == len(first_crawl.articles)
    assert str(table.schema.field("published").type) == "timestamp[us, tz=Europe/Stockholm]"
    assert str(table.schema.field("authors").type) == "list<element: string>"
    titles = set(table.column("title").to_pylist())
    assert titles == {a.title for a in first_crawl.articles.values()}


def test_manifest_and_byte_identical_rerun(first_crawl: Crawl, tmp_path: Path) -> None:
    for fmt in ("csv", "jsonl", "parquet"):
        out = tmp_path / f"kommun.{fmt}"
        code, _, err = export(
            first_crawl, "kommun", "--source", "kustbladet", "--format", fmt, "-o", str(out)
        )
        assert code == 0, err
        manifest_file = tmp_path / f"kommun.{fmt}.manifest.json"
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        assert manifest["query"] == "kommun"
        assert manifest["filters"] == {"sources": ["kustbladet"]}
        assert manifest["format"] == fmt
        assert manifest["backend"] == "tantivy"
        assert manifest["rows"] > 0
        assert manifest["archive"]["totals"]["articles"] == len(first_crawl.articles)
        assert len(manifest["file"]["sha256"]) == 64
        first_bytes = out.read_bytes()
        again = tmp_path / f"again.{fmt}"
        code, _, err = export(first_crawl, "--from-manifest", str(manifest_file), "-o", str(again))
        assert code == 0, err
        assert again.read_bytes() == first_bytes


def test_empty_result_is_a_valid_empty_file(first_crawl: Crawl, tmp_path: Path) -> None:
    for fmt in ("csv", "jsonl", "parquet"):
        out = tmp_path / f"none.{fmt}"
        code, _, err = export(first_crawl, "zzzyxxqqq", "--format", fmt, "-o", str(out))
        assert code == 0, err
        assert "no article matched" in err
        if fmt == "csv":
            assert out.read_text(encoding="utf-8").splitlines() == [",".join(FIELDS)]
        elif fmt == "jsonl":
            assert out.read_bytes() == b""
        else:
            table = pq.read_table(out)
            assert table.num_rows == 0
            assert table.schema.names == list(FIELDS)


def test_stdout(first_crawl: Crawl) -> None:
    code, out, err = export(
        first_crawl, "storm", "--format", "jsonl", "-o", "-", "--fields", "id,title"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines  # not passed by an empty output
    assert all(set(json.loads(line)) == {"id", "title"} for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--fields", "id,titel", "-o", "OUT"], "unknown field 'titel'"),
        (["--format", "parquet", "-o", "-"], "cannot be written to standard output"),
        (["--format", "csv", "-o", "/nonexistent/folder/x.csv"], "does not exist"),
        (["--format", "csv"], "give -o FILE"),
        (["-o", "OUT"], "give --format"),
    ],
)
def test_bad_input_is_one_clear_line(
    first_crawl: Crawl, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [str(tmp_path / "out.csv") if a == "OUT" else a for a in args]
    code, _, err = export(first_crawl, "", *args)
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_existing_file_needs_force(first_crawl: Crawl, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    out.write_text("keep me")
    code, _, err = export(first_crawl, "", "--format", "csv", "-o", str(out))
    assert code != 0
    assert "--force" in err
    assert out.read_text() == "keep me"
    code, _, err = export(first_crawl, "", "--format", "csv", "-o", str(out), "--force")
    assert code == 0, err


def test_unwritable_folder(first_crawl: Crawl, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    # root may write anywhere on disk, but not into /proc
    target = Path("/proc/lokalarkiv-export.csv") if os.geteuid() == 0 else folder / "x.csv"
    code, _, err = export(first_crawl, "", "--format", "csv", "-o", str(target))
    folder.chmod(0o700)
    assert code != 0
    assert "not writable" in err or "cannot write" in err
    assert "Traceback" not in err


def test_failed_write_leaves_no_file(first_crawl: Crawl, tmp_path: Path) -> None:
    """A write that fails half-way (here: the OS file-size limit, as a full disk would)
    leaves neither a half file under the name nor a temporary file."""
    target = tmp_path / "big.csv"

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail with EFBIG instead of dying
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    result = subprocess.run(
        [sys.executable, "-m", "search_cli", "export", "--data", str(first_crawl.data), "",
         "--format", "csv", "-o", str(target)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=limit_file_size,
    )  # fmt: skip
    assert result.returncode != 0
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
