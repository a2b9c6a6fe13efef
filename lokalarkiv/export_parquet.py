"""Parquet for `arkiv export`, typed (timestamps with time zone, lists as lists, people as
structs) and built column-wise, one record batch (one row group of ``ROW_GROUP`` rows) at a
time, the most held in memory: from the values of :func:`lokalarkiv.export_formats.
row_converter` (:class:`ParquetWriter`), or from a clean archive's stored values straight
into Arrow (:class:`StoredParquetWriter`, :func:`stored_batch`). pyarrow is imported when
a Parquet file is about to be made (:func:`load_arrow_early`), not before.
"""

from __future__ import annotations

import json
import os
import threading
from array import array
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from itertools import accumulate, pairwise
from typing import IO, Any, cast

from lokalarkiv.export_formats import (
    BOOL_FIELDS,
    LIST_FIELDS,
    STORED_AS,
    TIME_FIELDS,
    Submit,
    people_from_json,
    run_now,
)
from lokalarkiv.export_lines import plain_items

ROW_GROUP = 10_000
JOIN_IN_ARROW = 16 << 20  # bytes of a column joined in Arrow's memory (see _joined)
SINK_BUFFER = 8 << 20  # bytes of Parquet gathered before each write to the stream
# How long Arrow's allocator (mimalloc) keeps memory freed before it hands it back to the
# system. Its own default is 10 ms: each row group's buffers (tens of MB) then went back
# between batches and were page-faulted and zeroed afresh for the next one (the kernel's
# zeroing was 8 % of a profile of a 100k Parquet export; with a second, a third of the page
# faults go). Read once, when pyarrow is first loaded; a value set in the environment wins.
KEEP_FREED_MS = "1000"


def load_arrow_early() -> None:
    """Start importing pyarrow (about 0.2 s) in a thread of its own, for an export that
    will write Parquet: meanwhile the export opens the archive and the index, counts the
    matches and reads its first rows, in SQLite and Tantivy, which let go of the GIL while
    they work. Whoever imports pyarrow next waits for this import to finish."""
    keep_freed_memory()
    threading.Thread(target=_import_arrow, name="arkiv-import-arrow").start()


def keep_freed_memory() -> None:
    """Tell Arrow's allocator to keep freed memory (``KEEP_FREED_MS``) unless the
    environment says otherwise. It changes the environment the first time only: a server
    calls it before it starts its threads (glibc's setenv is not safe while another thread
    reads the environment)."""
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", KEEP_FREED_MS)


def _import_arrow() -> None:
    try:
        import pyarrow.compute
        import pyarrow.json
        import pyarrow.parquet  # noqa: F401
    except ImportError:  # raised again, and told, where the export imports it
        return


class ParquetWriter:
    """Typed Parquet via pyarrow: timestamps with time zone, lists as lists, people as
    structs; built column by column, one record batch (row group) of ``ROW_GROUP`` rows at
    a time."""

    def __init__(self, out: IO[bytes], fields: Sequence[str], submit: Submit = run_now) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self._submit = submit
        self._fields = list(fields)
        self._schema = pa.schema([(name, _arrow_type(pa, name)) for name in self._fields])
        # Buffered here, not written page by page: every write to a Python stream takes
        # the GIL (some 170 a row group), and the thread that makes the rows holds it.
        self._sink = pa.output_stream(out, compression=None, buffer_size=SINK_BUFFER)
        self._writer = pq.ParquetWriter(self._sink, self._schema, compression="zstd")
        self._times = [i for i, name in enumerate(self._fields) if name in TIME_FIELDS]
        self._columns: list[list[Any]] = [[] for _ in self._fields]
        self._held = 0
        self._written = False

    def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        start = 0
        while start < len(rows):
            take = rows[start : start + ROW_GROUP - self._held]
            for column, values in zip(self._columns, zip(*take, strict=True), strict=True):
                column.extend(values)
            self._held += len(take)
            start += len(take)
            if self._held >= ROW_GROUP:
                self._flush()

    def close(self) -> None:
        if self._held or not self._written:  # an empty export still gets its schema
            self._flush()
        self._submit(self._close)

    def _close(self) -> None:
        """End the file, and hand ``out`` the bytes the buffered stream still holds: it
        would do so only when it is freed, after the export has taken the file's hash."""
        self._writer.close()
        self._sink.close()

    def _flush(self) -> None:
        table = self._pa.Table.from_arrays(self._arrays(), schema=self._schema)
        self._submit(partial(self._writer.write_table, table, row_group_size=ROW_GROUP))
        self._written = True
        self._columns = [[] for _ in self._fields]
        self._held = 0

    def _arrays(self) -> list[Any]:
        pa = self._pa
        for i in self._times:
            self._columns[i] = [_time_value(v) for v in self._columns[i]]
        return [
            pa.array(column, type=field.type)
            for column, field in zip(self._columns, self._schema, strict=True)
        ]


class StoredParquetWriter(ParquetWriter):
    """The same Parquet from the archive's stored values, for a clean archive: record
    batches made by :func:`stored_batch` go in, and leave as row groups of ``ROW_GROUP``
    rows, as those of :class:`ParquetWriter`, each checked in full before it is written."""

    def __init__(self, out: IO[bytes], fields: Sequence[str], submit: Submit = run_now) -> None:
        super().__init__(out, fields, submit)
        self._pending: list[Any] = []  # record batches not yet written
        self._pending_rows = 0

    def write_batch(self, batch: Any) -> None:
        """Rows as a record batch of :func:`stored_batch`; a batch of exactly
        ``ROW_GROUP`` rows arriving with none pending is written as it is."""
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        while self._pending_rows >= ROW_GROUP:
            self._write_pending(ROW_GROUP)

    def close(self) -> None:
        if self._pending_rows or not self._written:  # an empty export still gets its schema
            self._write_pending(self._pending_rows)
        self._submit(self._close)

    def _write_pending(self, rows: int) -> None:
        pa = self._pa
        if len(self._pending) == 1 and self._pending[0].num_rows == rows:
            table = pa.Table.from_batches(self._pending, schema=self._schema)
            self._pending, self._pending_rows = [], 0
        else:  # batches of other sizes (ids the archive lacks): one row group's rows
            whole = pa.Table.from_batches(self._pending, schema=self._schema).combine_chunks()
            table = whole.slice(0, rows).combine_chunks()
            rest = whole.slice(rows).combine_chunks()
            self._pending = rest.to_batches() if rest.num_rows else []
            self._pending_rows = rest.num_rows
        table.validate(full=True)  # its text as UTF-8, before the writer takes it
        self._submit(partial(self._writer.write_table, table, row_group_size=ROW_GROUP))
        self._written = True


def parquet_schema(fields: Sequence[str]) -> Any:
    import pyarrow as pa

    return pa.schema([(name, _arrow_type(pa, name)) for name in fields])


def parquet_columns(fields: Sequence[str]) -> list[str]:
    """What :func:`stored_batch` wants of the archive, for
    :meth:`indexer.store.archive.Archive.current_rows`: text as its UTF-8 bytes."""
    columns = []
    for name in fields:
        x = "{" + STORED_AS.get(name, name) + "}"
        if name == "gone":
            columns.append(f"{x} IS NOT NULL")
        elif name in ("language_score", "paywalled", "version", "warc_offset", "warc_length"):
            columns.append(x)
        else:
            columns.append(f"CAST({x} AS BLOB)")
    return columns


def stored_batch(fields: Sequence[str], schema: Any, rows: Sequence[Sequence[Any]]) -> Any:
    """A record batch of stored rows (of :func:`parquet_columns`), with the arrays that
    :class:`ParquetWriter` makes of the values :func:`row_converter` gives: text goes into
    Arrow as its bytes (:func:`_arrow_text`, :func:`_arrow_body`: not copied through a
    str, and checked as UTF-8 by :class:`StoredParquetWriter` a row group at a time),
    lists as stored are split by Arrow where json.dumps spelt them, times spelt as
    isoformat writes them with an offset are parsed by Arrow; anything else goes the way
    of :func:`row_converter`."""
    import pyarrow as pa

    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * len(fields)
    arrays = []
    for name, column, field in zip(fields, columns, schema, strict=True):
        if name in LIST_FIELDS:
            arrays.append(_arrow_lists(pa, column, field.type))
        elif name == "people":
            arrays.append(_arrow_people(pa, column, field.type))
        elif name in TIME_FIELDS:
            arrays.append(_arrow_times(pa, column, field.type))
        elif name in BOOL_FIELDS:
            arrays.append(pa.array(column, type=pa.int64()).cast(pa.bool_()))
        elif name == "body":
            arrays.append(_arrow_body(pa, column))
        elif field.type == pa.string():
            arrays.append(_arrow_text(pa, column, check=False))
        else:
            arrays.append(pa.array(column, type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _arrow_text(pa: Any, stored: Sequence[bytes | None], check: bool = True) -> Any:
    """A string array of stored UTF-8 text: Arrow's conversion of the bytes, seen as text
    without a copy; checked as UTF-8 (``check=False``: not yet, see :func:`stored_batch`)."""
    text = pa.array(stored, type=pa.binary()).view(pa.string())
    if check:
        text.validate(full=True)  # offsets in order, and UTF-8
    return text


def _arrow_body(pa: Any, stored: Sequence[bytes | None]) -> Any:
    """The string array of a batch's body text (tens of MB), not yet checked as UTF-8 (see
    :func:`stored_batch`). Without nulls, its data is the values joined into one buffer of
    exactly their size, and offsets counted here: Arrow's conversion of a list of bytes
    (:func:`_arrow_text`, faster for short text) grows its buffer by doubling, and so writes
    (and the kernel zeroes) some three times the body text's bytes afresh for every batch."""
    values = cast(Sequence[bytes], stored)  # unless a None is met on the way
    try:  # one pass over the values: None has no length, and 32-bit offsets overflow
        offsets = array("i", accumulate(map(len, values), initial=0))
    except (TypeError, OverflowError):
        return _arrow_text(pa, stored, check=False)
    return pa.Array.from_buffers(
        pa.string(), len(stored), [None, pa.py_buffer(offsets), _joined(pa, values, offsets)]
    )


def _joined(pa: Any, stored: Sequence[bytes], offsets: array[int]) -> Any:
    """The values joined, as an Arrow buffer. A column as large as a batch's body text
    (some 40 MB) is copied value by value into a buffer of Arrow's memory pool, which
    keeps the memory it frees for the next batch. ``b"".join`` would get fresh memory from
    the system for it (glibc maps an allocation that large on its own, see
    :func:`~lokalarkiv.export_pipeline.fewer_page_faults`), and every page would be faulted
    in and zeroed again for each batch: four times as slow, a tenth of the reading thread's
    time at 1M rows."""
    size = offsets[-1]
    if size < JOIN_IN_ARROW:
        return pa.py_buffer(b"".join(stored))
    buffer = pa.allocate_buffer(size)
    view = memoryview(buffer).cast("B")
    for value, (start, end) in zip(stored, pairwise(offsets), strict=True):
        view[start:end] = value
    return buffer


def _items(stored: bytes) -> list[bytes]:
    """A stored JSON list of strings as its items' UTF-8 bytes."""
    if stored == b"[]":
        return []
    inner = plain_items(stored)
    if inner is not None:
        return inner.split(b'", "')
    return [item.encode("utf-8") for item in json.loads(stored)]


def _stored_people(stored: bytes) -> list[dict[str, Any]]:
    return [] if stored == b"[]" else people_from_json(stored)


def _arrow_people(pa: Any, stored: Sequence[bytes], arrow_type: Any) -> Any:
    """The people column: the stored JSON parsed by Arrow, in C++ (a third of the time of
    parsing it in Python), where it gives what :func:`people_from_json` gives: every key a
    Person field and every person's roles a list. Anything else (a key it does not know, a
    missing list, a value of another type) goes the way of :func:`_stored_people`."""
    people = _parsed_people(pa, stored, arrow_type)
    if people is None:
        return pa.array([_stored_people(v) for v in stored], type=arrow_type)
    return people


def _parsed_people(pa: Any, stored: Sequence[bytes], arrow_type: Any) -> Any:
    """The people as Arrow parses them, or None where that may differ from Python's."""
    import pyarrow.json as pa_json

    lines = b"".join([b'{"p":' + value + b"}\n" for value in stored])
    try:
        people = (
            pa_json.read_json(
                pa.py_buffer(lines),
                read_options=pa_json.ReadOptions(use_threads=False, block_size=max(len(lines), 1)),
                parse_options=pa_json.ParseOptions(
                    explicit_schema=pa.schema([("p", arrow_type)]),
                    unexpected_field_behavior="error",
                ),
            )
            .column("p")
            .combine_chunks()
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if len(people) != len(stored) or people.null_count:
        return None
    persons = people.flatten()
    if persons.null_count or persons.field("name").null_count or persons.field("roles").null_count:
        return None
    return people


def _arrow_lists(pa: Any, stored: Sequence[bytes], arrow_type: Any) -> Any:
    """A list column from stored JSON lists of strings: split by Arrow where every one is
    "[]" or spelt as json.dumps spells it with no escape (see
    :func:`~lokalarkiv.export_lines.plain_items`: its quotes are those of its items, two
    each), else item by item in Python."""
    import pyarrow.compute as pc

    text = _arrow_text(pa, stored)
    empty = pc.equal(text, "[]")
    plain = pc.and_(
        pc.and_(pc.starts_with(text, '["'), pc.ends_with(text, '"]')),
        pc.and_(
            pc.invert(pc.match_substring(text, "\\")),
            pc.equal(
                pc.count_substring(text, '"'),
                pc.multiply(pc.add(pc.count_substring(text, '", "'), 1), 2),
            ),
        ),
    )
    if pc.all(pc.or_(empty, plain)).as_py() is not False:
        items = pc.split_pattern(pc.utf8_slice_codeunits(text, 2, -2), '", "')
        return pc.if_else(empty, pa.scalar([], type=arrow_type), items).cast(arrow_type)
    return pa.array([_items(v) for v in stored], type=pa.list_(pa.binary())).cast(arrow_type)


_ISO_WITH_OFFSET = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?[+-]\d\d:\d\d$"


def _arrow_times(pa: Any, stored: Sequence[bytes | None], arrow_type: Any) -> Any:
    """Timestamps from stored ISO 8601 times: by Arrow's parser when every one is spelt
    with a UTC offset as isoformat spells it (what datetime.fromisoformat makes of them
    too), else one by one as the writers do."""
    import pyarrow.compute as pc

    text = _arrow_text(pa, stored)
    if pc.all(pc.match_substring_regex(text, _ISO_WITH_OFFSET)).as_py() is not False:
        return text.cast(pa.timestamp("us", tz="UTC")).cast(arrow_type)
    values = [None if v is None else datetime.fromisoformat(v.decode("utf-8")) for v in stored]
    return pa.array(values, type=arrow_type)


def _arrow_type(pa: Any, name: str) -> Any:
    if name in TIME_FIELDS:
        return pa.timestamp("us", tz="Europe/Stockholm")
    if name in LIST_FIELDS:
        return pa.list_(pa.string())
    if name == "people":
        return pa.list_(
            pa.struct(
                [
                    ("name", pa.string()),
                    ("roles", pa.list_(pa.string())),
                    ("organisation", pa.string()),
                    ("change", pa.string()),
                    ("new_role", pa.string()),
                    ("new_organisation", pa.string()),
                ]
            )
        )
    if name in ("paywalled", "gone"):
        return pa.bool_()
    if name == "language_score":
        return pa.float64()
    if name in ("version", "warc_offset", "warc_length"):
        return pa.int64()
    return pa.string()


def _time_value(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value
