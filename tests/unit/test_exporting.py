"""The export's parameters as the application layer takes them (lokalarkiv.exporting): what
the CLI and the web app both build, and the one-line errors of a bad one."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest

from indexer.errors import QueryError
from lokalarkiv import export_pipeline
from lokalarkiv.export_formats import clean_row
from lokalarkiv.exporting import (
    DELIMITERS,
    FIELDS,
    FORMATS,
    MEDIA_TYPES,
    ExportSpec,
    chosen_fields,
    manifest_bytes,
)
from lokalarkiv.params import Filters
from search_cli.output import scrub


def test_every_format_has_a_media_type_and_every_field_is_named_once() -> None:
    assert FORMATS == ("csv", "jsonl", "parquet")
    assert set(MEDIA_TYPES) == set(FORMATS)
    assert MEDIA_TYPES["csv"].startswith("text/csv")
    assert len(set(FIELDS)) == len(FIELDS)
    assert FIELDS[:3] == ("id", "url", "canonical_url")
    assert set(DELIMITERS) == {",", ";", "tab"}


def test_fields_in_the_order_given_each_once_and_the_body_only_when_asked() -> None:
    assert chosen_fields(None) == FIELDS
    assert "body" not in chosen_fields(None, with_body=False)
    assert chosen_fields(("title", "id", "title", "body"), with_body=False) == ("title", "id")
    assert chosen_fields(()) == ()
    spec = ExportSpec("storm", Filters(), "jsonl", fields=("id", "body"), with_body=False)
    assert spec.field_list == ("id",)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "xml"}, "unknown format 'xml'; formats are: csv, jsonl, parquet"),
        ({"fields": ("id", "titel")}, "unknown field 'titel'; fields are: id, url,"),
        ({"delimiter": "|"}, "unknown delimiter '|'; delimiters are: ',', ';', 'tab'"),
    ],
)
def test_a_bad_parameter_is_one_line(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"text": "", "filters": Filters(), "format": "csv"}
    with pytest.raises(QueryError) as raised:
        ExportSpec(**{**arguments, **changes})
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)
    assert "arkiv export --help" in raised.value.hint


def test_the_manifest_file_is_indented_utf8_json_with_a_final_newline() -> None:
    filters = Filters(date_from=date(2025, 1, 2)).as_dict()
    manifest = {"query": "kommunfullmäktige", "filters": filters}
    written = manifest_bytes(manifest)
    assert written.endswith(b"}\n")
    assert "kommunfullmäktige".encode() in written
    assert json.loads(written) == {
        "query": "kommunfullmäktige",
        "filters": {"date_from": "2025-01-02"},
    }
    assert b'\n  "query"' in written


@pytest.mark.parametrize(
    "row",
    [
        ["abc", None, 1.5, True, ["a", "b"], [{"name": "Åsa", "roles": ["chef"]}]],
        ["Rubrik\x1b[31m röd\x07", "rad\nrad\ttab", ["län\x00"], [{"name\x9b": ["x\u202e"]}]],
        [("a\x7f", "b"), {"k\x1b": "v"}, 3],
    ],
)
def test_an_old_archives_rows_are_cleaned_as_the_terminal_cleans_them(row: list[object]) -> None:
    assert clean_row(list(row)) == scrub(list(row))
    if clean_row(row) == row:
        assert clean_row(row) is row  # clean: not copied


def test_a_written_file_goes_to_writeback_as_it_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export's file is handed to the kernel's writeback every WRITEBACK_BYTES, each
    range from the start of the one before (so that range's pages may be dropped); the bytes
    and their hash are those written. A pipe is never advised."""
    monkeypatch.setattr(export_pipeline, "WRITEBACK_BYTES", 1000)
    advised: list[tuple[int, int, int]] = []
    real = os.posix_fadvise

    def spy(fd: int, offset: int, length: int, advice: int) -> None:
        advised.append((offset, length, advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", spy)
    chunks = [bytes([65 + i]) * 700 for i in range(10)]
    path = tmp_path / "export.csv"
    with path.open("wb") as fh:
        sink = export_pipeline.HashingFile(fh)
        for chunk in chunks:
            sink.write(chunk)
    data = b"".join(chunks)
    assert path.read_bytes() == data
    assert sink.tell() == len(data)
    assert sink.hexdigest() == hashlib.sha256(data).hexdigest()
    assert [(start, start + length) for start, length, _ in advised] == [
        (0, 1400), (0, 2800), (1400, 4200), (2800, 5600), (4200, 7000)
    ]  # fmt: skip
    assert {advice for *_, advice in advised} == {os.POSIX_FADV_DONTNEED}

    advised.clear()
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader, os.fdopen(write_end, "wb") as writer:
        piped = export_pipeline.HashingFile(writer)
        piped.write(b"x" * 3000)
        writer.flush()
        assert reader.read(3000) == b"x" * 3000
    assert advised == []


def test_the_cycle_collector_is_paused_while_any_export_runs() -> None:
    assert gc.isenabled()
    with export_pipeline.collector_paused():
        assert not gc.isenabled()
        with export_pipeline.collector_paused():  # a second export, in the web app
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first still runs
    assert gc.isenabled()
    with pytest.raises(RuntimeError), export_pipeline.collector_paused():
        raise RuntimeError("the export failed")
    assert gc.isenabled()
    gc.disable()  # off before: left off
    try:
        with export_pipeline.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("stored", [False, True])
def test_a_parquet_file_is_whole_and_hashed_when_its_writer_is_closed(stored: bool) -> None:
    """close() hands the stream every byte, the footer too, while the writer is still
    alive (not later, when the buffered stream inside it is freed): the bytes read back,
    and the hash taken as they were written is theirs."""
    import io

    import pyarrow.parquet as pq

    from lokalarkiv.export_parquet import ParquetWriter, StoredParquetWriter

    out = io.BytesIO()
    sink = export_pipeline.HashingFile(out)
    if stored:
        writer: ParquetWriter = StoredParquetWriter(sink, ["id"])
    else:
        writer = ParquetWriter(sink, ["id"])
        writer.write_rows([("a1",), ("b2",)])
    writer.close()
    assert sink.hexdigest() == hashlib.sha256(out.getvalue()).hexdigest()
    table = pq.read_table(io.BytesIO(out.getvalue()))
    assert table.column("id").to_pylist() == ([] if stored else ["a1", "b2"])
    del writer


@pytest.mark.parametrize("given", [None, "0"])
def test_arrow_is_told_to_keep_freed_memory_unless_the_user_said_otherwise(
    monkeypatch: pytest.MonkeyPatch, given: str | None
) -> None:
    """Before pyarrow loads (in a thread started here), mimalloc's purge delay is set for
    the export, so row groups reuse memory instead of faulting it in afresh; a delay set in
    the environment is kept."""
    import threading

    from lokalarkiv.export_parquet import KEEP_FREED_MS, load_arrow_early

    if given is None:
        monkeypatch.delenv("MIMALLOC_PURGE_DELAY", raising=False)
    else:
        monkeypatch.setenv("MIMALLOC_PURGE_DELAY", given)
    load_arrow_early()
    for thread in threading.enumerate():
        if thread.name == "arkiv-import-arrow":
            thread.join(timeout=60)
    assert os.environ["MIMALLOC_PURGE_DELAY"] == (given or KEEP_FREED_MS)
    assert "pyarrow.parquet" in sys.modules


@pytest.mark.parametrize(
    "stored",
    [
        b"[]",
        b'[{"name": "A", "roles": ["rektor"], "organisation": "Hjo kommun", "change": "appointed",'
        b' "new_role": null, "new_organisation": null}]',
        b'[{"roles": [], "name": "A"}]',  # an older row: fields missing, in another order
        b'[{"name": "A", "roles": ["vd"], "age": 50}]',  # a key no Person has
        b'[{"name": "A"}]',  # no roles: an empty list, not a null one
        b'[{"name": "A", "roles": null}]',
    ],
)
def test_people_parsed_by_arrow_are_the_people_parsed_in_python(stored: bytes) -> None:
    """A clean archive's people go into Parquet parsed by Arrow where that gives what Python's
    reading of them (``people_from_json``, as every other path writes them) gives."""
    import pyarrow as pa

    from lokalarkiv.export_formats import people_from_json
    from lokalarkiv.export_parquet import parquet_schema, stored_batch

    schema = parquet_schema(["people"])
    column = [b"[]", stored, stored]
    batch = stored_batch(["people"], schema, [(value,) for value in column])
    python = [[] if value == b"[]" else people_from_json(value) for value in column]
    assert batch.column(0).equals(pa.array(python, type=schema.field("people").type))
