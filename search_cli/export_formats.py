"""Writers for `arkiv export`: CSV (Excel-friendly), JSON Lines and Parquet, streamed.

Rows come straight from the archive's stored values (:meth:`indexer.store.archive.Archive.
current_rows`), never through :class:`~indexer.article.Article`: :func:`row_converter` turns
a stored row into the values ``Article.to_dict()`` would give for the chosen fields (the
same values, so the same bytes), and each writer takes them a batch at a time, as lists in
field order. CSV and JSON Lines are encoded a batch at a time; Parquet is built column-wise,
one record batch (one row group of ``ROW_GROUP`` rows) at a time, the most held in memory.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from functools import partial
from typing import IO, Any, Protocol

from indexer.article import Person

FIELDS: tuple[str, ...] = (
    "id", "url", "canonical_url", "source", "source_name", "title", "lead", "body", "authors",
    "published", "updated", "date_source", "language", "language_score", "section",
    "municipalities", "regions", "kinds", "people", "paywalled", "wire", "duplicate_of",
    "version", "first_seen", "last_seen", "fetched_at", "etag", "last_modified", "gone",
    "content_hash", "warc_file", "warc_offset", "warc_length",
)  # fmt: skip
LIST_FIELDS = frozenset({"authors", "municipalities", "regions", "kinds"})
TIME_FIELDS = frozenset({"published", "updated", "first_seen", "last_seen", "fetched_at"})
BOOL_FIELDS = frozenset({"paywalled", "gone"})
LIST_SEPARATOR = " | "  # how CSV joins list fields; people go to CSV as JSON
ROW_GROUP = 10_000
FORMATS = ("csv", "jsonl", "parquet")
BINARY_FORMATS = frozenset({"parquet"})
LINE_FORMATS = frozenset({"csv", "jsonl"})  # what LineMaker writes
# The archive column each field is read from (the others have the field's own name).
STORED_AS = {"gone": "gone_at"}

Row = list[Any]
Submit = Callable[..., None]
"""Runs a call (with its arguments) now or later, in order: a writer hands its writes to
one (the export writes the file in a thread of its own)."""


def _now(call: Callable[..., Any], *args: Any) -> None:
    call(*args)


class RowWriter(Protocol):
    def write_rows(self, rows: Sequence[Row]) -> None: ...

    def close(self) -> None: ...


def open_writer(
    fmt: str, out: IO[bytes], fields: Sequence[str], submit: Submit = _now, **options: Any
) -> RowWriter:
    """A writer of ``fmt`` on the binary stream ``out`` for these ``fields`` that takes
    the values :func:`row_converter` gives; its writes to ``out`` (and Parquet's encoding)
    go through ``submit``."""
    if fmt == "csv":
        return CsvWriter(out, fields, submit=submit, **options)
    if fmt == "jsonl":
        return JsonlWriter(out, fields, submit=submit)
    return ParquetWriter(out, fields, submit=submit)


def csv_header(fields: Sequence[str], delimiter: str = ",", bom: bool = False) -> bytes:
    """The first bytes of a CSV export: the BOM if asked for, and the header line."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(list(fields))
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------------- stored rows


def stored_columns(fields: Sequence[str]) -> list[str]:
    """The archive columns to read for these export fields, in the same order."""
    return [STORED_AS.get(name, name) for name in fields]


def row_converter(fields: Sequence[str]) -> Callable[[Sequence[Any]], Row]:
    """A function from a stored row (the values of :func:`stored_columns`, in order) to the
    export's values of ``fields``: what ``Article.to_dict()`` gives for a record read from
    the archive (lists and people parsed from their JSON, times as ISO 8601 text as
    ``datetime.isoformat`` writes them, 0/1 as booleans, ``gone`` from ``gone_at``).

    ``id`` and ``content_hash`` are the stored ones: the archive stores the id of the
    canonical URL and the hash of the text it holds, which is what ``to_dict`` derives.
    """
    steps: list[tuple[int, Callable[[Any], Any]]] = []
    for i, name in enumerate(fields):
        if name in LIST_FIELDS:
            steps.append((i, json.loads))
        elif name == "people":
            steps.append((i, _people))
        elif name in TIME_FIELDS:
            steps.append((i, _iso))
        elif name == "gone":
            steps.append((i, _is_not_none))
        elif name == "paywalled":
            steps.append((i, bool))

    def convert(stored: Sequence[Any]) -> Row:
        row = list(stored)
        for i, step in steps:
            row[i] = step(row[i])
        return row

    return convert


_PERSON_KEYS = tuple(f.name for f in fields(Person))


def _people(text: str | bytes) -> list[dict[str, Any]]:
    """The people of a stored row as ``to_dict`` gives them: every Person field, in order
    (a row stored by an older Lokalarkiv may lack some, or hold others)."""
    people: list[dict[str, Any]] = json.loads(text)
    for person in people:
        if tuple(person) != _PERSON_KEYS:
            return [asdict(Person.from_dict(p)) for p in people]
    return people


# What datetime.isoformat() writes (the archive stores nothing else), kept as it is; any
# other spelling is read and written again as to_dict would. Left out of the shortcut:
# a zero fraction (".000000"), a negative zero offset and offsets with seconds, which
# isoformat writes otherwise.
_ISO_AS_WRITTEN = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(?!000000)\d{6})?(?:\+\d\d:\d\d|-(?!00:00)\d\d:\d\d)?",
    re.ASCII,
)


def _iso(value: str | None) -> str | None:
    if value is None or _ISO_AS_WRITTEN.fullmatch(value):
        return value
    return datetime.fromisoformat(value).isoformat()


def _is_not_none(value: Any) -> bool:
    return value is not None


# ---------------------------------------------------------------------- lines by SQLite


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class LineMaker:
    """CSV or JSON Lines straight from the archive's columns, as bytes: the bytes of
    :class:`CsvWriter` / :class:`JsonlWriter` for the values :func:`row_converter` gives,
    without making those values, for a clean archive (text that may need cleaning takes the
    writers' path).

    The work is split where it is cheapest. SQLite writes, as it reads the row, what is
    fast in SQL, grouped into byte strings ("segments": the cells between two that Python
    finishes, with the separators and, for JSON, the keys): flags, numbers, lead and body
    as JSON strings. Python finishes the rest on bytes: CSV quoting (one look at a row's
    short cells together, a memchr per long one: SQLite's instr is far slower), JSON
    strings of the short cells (quoted as they are unless one needs an escape), lists (as
    stored when spelt as json.dumps spells them), people, times (as stored when spelt as
    isoformat spells them) and a float as Python writes it. Anything else (a list of
    another spelling, a time with a "Z") is parsed and written as the writers would.

    ``columns`` go to :meth:`indexer.store.archive.Archive.current_rows`; :meth:`lines` turns
    its rows, in order, into the output's bytes.
    """

    def __init__(self, fmt: str, fields: Sequence[str], delimiter: str = ",") -> None:
        self._csv = fmt == "csv"
        self._single = self._csv and len(fields) == 1
        self._d = ord(delimiter)
        self._encode = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps does
        # ("sql", expression) or ("py", (column, group, step)), with what goes before it
        cells: list[tuple[str, str, Any]] = []
        for i, name in enumerate(fields):
            if self._csv:
                cells.append((_sql_text(delimiter) if i else "", *self._csv_cell(name)))
            else:
                key = ("{" if i == 0 else ", ") + json.dumps(name) + ": "
                cells.append((key, *self._json_value(name, key.encode())))
        self.columns: list[str] = []
        self._steps: list[tuple[int, Callable[[Any], bytes]]] = []  # on every row
        self._short: list[int] = []  # cells looked at together first (a probe)
        self._long: list[int] = []  # CSV cells looked at one by one
        self._keys: list[bytes] = []  # JSON: the key before each short cell
        pending: list[str] = []  # SQL of the segment being made
        for before, kind, what in cells:
            if kind == "sql":  # into the segment, with its separator or key
                if self._csv:
                    pending.append(f"{before} || {what}" if pending else what)
                else:
                    pending.append(f"{_sql_text(before)} || {what}")
                continue
            if pending:
                self.columns.append(f"CAST({' || '.join(pending)} AS BLOB)")
                pending = []
            column, group, step = what
            i = len(self.columns)
            self.columns.append(column)
            if step is not None:  # (JSON: the step writes the key too)
                self._steps.append((i, step))
            if group == "short":
                self._short.append(i)
                self._keys.append(b"" if self._csv else before.encode())
            elif group == "long":
                self._long.append(i)
        if not self._csv:
            pending.append("'}'")
        if pending:
            self.columns.append(f"CAST({' || '.join(pending)} AS BLOB)")

    def lines(self, ids: Sequence[str], found: dict[str, tuple[Any, ...]]) -> bytes:
        """The output's bytes for the rows of these ids (``found``: rows of
        :attr:`columns`; an id missing from it is left out)."""
        steps, short, long = self._steps, self._short, self._long
        out: list[bytes] = []
        if self._csv:
            quoted, d = self._quoted, self._d
            separator = self._d.to_bytes(1, "big")
            for aid in ids:
                stored = found.get(aid)
                if stored is None:
                    continue
                row = list(stored)
                for i, step in steps:
                    row[i] = step(row[i])
                if short:  # one look at the short cells together; each only if one needs it
                    probe = b"".join([row[i] for i in short])
                    if 34 in probe or d in probe or 10 in probe or 13 in probe:  # " d \n \r
                        for i in short:
                            row[i] = quoted(row[i])
                for i in long:
                    row[i] = quoted(row[i])
                out.append(separator.join(row))
            if self._single:  # a record of one empty field is written "" (the csv module)
                out = [line or b'""' for line in out]
        else:
            keyed = list(zip(short, self._keys, strict=True))
            encode = self._encode
            for aid in ids:
                stored = found.get(aid)
                if stored is None:
                    continue
                row = list(stored)
                for i, step in steps:
                    row[i] = step(row[i])
                # JSON strings as they are, quoted, unless one needs an escape
                probe = b"".join([row[i] or b"" for i in short])
                if len(probe.translate(None, _JSON_ESCAPED)) == len(probe):
                    for i, key in keyed:
                        value = row[i]
                        row[i] = key + (b"null" if value is None else b'"' + value + b'"')
                else:
                    for i, key in keyed:
                        value = row[i]
                        text = "null" if value is None else encode(value.decode("utf-8"))
                        row[i] = key + text.encode("utf-8")
                out.append(b"".join(row))
        if out:
            out.append(b"")
        return (b"\r\n" if self._csv else b"\n").join(out)

    # CSV: a cell is quoted when it holds the delimiter, a quote or a line break (the csv
    # module's QUOTE_MINIMAL with lineterminator "\r\n"), its quotes doubled. Bytes are
    # searched for ints: ``34 in cell`` is a memchr, ``b'"' in cell`` five times slower.

    def _quoted(self, cell: bytes) -> bytes:
        if 34 in cell:
            return b'"' + cell.replace(b'"', b'""') + b'"'
        if self._d in cell or 10 in cell or 13 in cell:
            return b'"' + cell + b'"'
        return cell

    def _csv_cell(self, name: str) -> tuple[str, Any]:
        x = "{" + STORED_AS.get(name, name) + "}"
        text = f"CAST(ifnull({x}, '') AS BLOB)"
        if name in TIME_FIELDS:  # never quoted: digits - : T + .
            return ("py", (f"CAST({x} AS BLOB)", None, _csv_time))
        if name == "language_score":
            return ("py", (x, None, _csv_number))
        if name in LIST_FIELDS:
            return ("py", (f"CAST({x} AS BLOB)", "short", _csv_list))
        if name == "people":
            return ("py", (f"CAST({x} AS BLOB)", "long", _csv_people))
        if name in ("lead", "body"):
            return ("py", (text, "long", None))
        if name == "paywalled":
            return ("sql", f"CASE WHEN {x} THEN 'true' ELSE 'false' END")
        if name == "gone":
            return ("sql", f"CASE WHEN {x} IS NULL THEN 'false' ELSE 'true' END")
        if name in ("version", "warc_offset", "warc_length"):
            return ("sql", f"ifnull({x}, '')")
        return ("py", (text, "short", None))

    def _json_value(self, name: str, key: bytes) -> tuple[str, Any]:
        x = "{" + STORED_AS.get(name, name) + "}"
        encode = self._encode
        if name in LIST_FIELDS or name == "people":
            parse: Callable[[Any], Any] = json.loads if name in LIST_FIELDS else _people

            def items(stored: bytes) -> bytes:
                if stored == b"[]" or (parse is json.loads and _plain_items(stored) is not None):
                    return key + stored  # already what json.dumps writes
                return key + encode(parse(stored)).encode("utf-8")

            return ("py", (f"CAST({x} AS BLOB)", None, items))
        if name == "language_score":
            return ("py", (x, None, lambda stored: key + encode(stored).encode()))
        if name in TIME_FIELDS:
            quoted, null = key + b'"', key + b"null"

            def time(stored: bytes | None) -> bytes:
                if stored is None:
                    return null
                if _ISO_AS_WRITTEN_BYTES.fullmatch(stored):
                    return quoted + stored + b'"'
                return key + encode(_iso(stored.decode("utf-8"))).encode("utf-8")

            return ("py", (f"CAST({x} AS BLOB)", None, time))
        if name in BOOL_FIELDS:
            test = f"{x} IS NOT NULL" if name == "gone" else x
            return ("sql", f"CASE WHEN {test} THEN 'true' ELSE 'false' END")
        if name in ("version", "warc_offset", "warc_length"):
            return ("sql", f"ifnull({x}, 'null')")
        if name in ("lead", "body"):  # long: SQLite's json_quote beats decode + encode
            return ("sql", f"json_quote({x})")
        return ("py", (f"CAST({x} AS BLOB)", "short", None))


# What a JSON string must escape: control characters, the quote and the backslash.
_JSON_ESCAPED = bytes(range(0x20)) + b'"\\'


_ISO_AS_WRITTEN_BYTES = re.compile(_ISO_AS_WRITTEN.pattern.encode())


def _csv_time(stored: bytes | None) -> bytes:
    if stored is None:
        return b""
    if _ISO_AS_WRITTEN_BYTES.fullmatch(stored):
        return stored
    return str(_iso(stored.decode("utf-8"))).encode()


def _plain_items(stored: bytes) -> bytes | None:
    """The items of a JSON list of strings, still joined by '", "', when it is spelt as
    ``json.dumps(items, ensure_ascii=False)`` spells it and no item needs an escape (no
    backslash anywhere, so every quote is an item's own); else None."""
    if stored[:2] == b'["' and stored[-2:] == b'"]' and 92 not in stored:  # backslash
        inner = stored[2:-2]
        if 34 not in inner.replace(b'", "', b""):
            return inner
    return None


def _csv_list(stored: bytes) -> bytes:
    if stored == b"[]":
        return b""
    inner = _plain_items(stored)
    if inner is not None:
        return inner.replace(b'", "', LIST_SEPARATOR.encode())
    return LIST_SEPARATOR.join(json.loads(stored)).encode("utf-8")


def _csv_people(stored: bytes) -> bytes:
    if stored == b"[]":
        return b""
    return _people_cell(_people(stored)).encode("utf-8")


def _csv_number(value: Any) -> bytes:
    if value is None:
        return b""
    return (repr(value) if isinstance(value, float) else str(value)).encode()


# ---------------------------------------------------------------------- writers


class CsvWriter:
    """RFC 4180 CSV in UTF-8, optionally with a BOM so Excel reads å ä ö right; header first."""

    def __init__(
        self,
        out: IO[bytes],
        fields: Sequence[str],
        delimiter: str = ",",
        bom: bool = False,
        submit: Submit = _now,
    ) -> None:
        self._out = out
        self._submit = submit
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, delimiter=delimiter, lineterminator="\r\n")
        self._fields = list(fields)
        self._cells = _cell_makers(self._fields)
        submit(out.write, csv_header(fields, delimiter, bom))

    def write_rows(self, rows: Sequence[Row]) -> None:
        cells = self._cells
        if cells:
            for row in rows:
                for i, cell in cells:
                    row[i] = cell(row[i])
        self._csv.writerows(rows)
        self._flush()

    def close(self) -> None:
        self._submit(self._out.flush)

    def _flush(self) -> None:
        self._submit(self._out.write, self._buffer.getvalue().encode("utf-8"))
        self._buffer.seek(0)
        self._buffer.truncate()


def _cell_makers(fields: Sequence[str]) -> list[tuple[int, Callable[[Any], Any]]]:
    """What turns each value that the csv module would not write as it should into its
    cell: a list joined, people as JSON, booleans as true/false. Strings, numbers and None
    (an empty cell) the csv module writes as ``str()`` does."""
    makers: list[tuple[int, Callable[[Any], Any]]] = []
    for i, name in enumerate(fields):
        if name in LIST_FIELDS:
            makers.append((i, _joined))
        elif name == "people":
            makers.append((i, _people_cell))
        elif name in BOOL_FIELDS:
            makers.append((i, _bool_cell))
    return makers


def _joined(value: list[str] | None) -> str:
    return "" if value is None else LIST_SEPARATOR.join(value)


def _people_cell(value: list[Any] | None) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


def _bool_cell(value: bool | None) -> str:
    if value is None:
        return ""
    return "true" if value else "false"


class JsonlWriter:
    """One JSON object per line, real JSON types, UTF-8 (no \\u escapes for å ä ö)."""

    def __init__(self, out: IO[bytes], fields: Sequence[str], submit: Submit = _now) -> None:
        self._out = out
        self._submit = submit
        self._fields = list(fields)
        self._encode = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps does

    def write_rows(self, rows: Sequence[Row]) -> None:
        encode, names = self._encode, self._fields
        lines = [encode(dict(zip(names, row, strict=True))) for row in rows]
        lines.append("")
        self._submit(self._out.write, "\n".join(lines).encode("utf-8"))

    def close(self) -> None:
        self._submit(self._out.flush)


class ParquetWriter:
    """Typed Parquet via pyarrow: timestamps with time zone, lists as lists, people as
    structs; built column by column, one record batch (row group) of ``ROW_GROUP`` rows at
    a time."""

    def __init__(self, out: IO[bytes], fields: Sequence[str], submit: Submit = _now) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self._submit = submit
        self._fields = list(fields)
        self._schema = pa.schema([(name, _arrow_type(pa, name)) for name in self._fields])
        self._writer = pq.ParquetWriter(out, self._schema, compression="zstd")
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
        self._submit(self._writer.close)

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
    batches made by :func:`stored_batch` (here or in a helper process) go in, and leave as
    row groups of ``ROW_GROUP`` rows, as those of :class:`ParquetWriter`."""

    def __init__(self, out: IO[bytes], fields: Sequence[str], submit: Submit = _now) -> None:
        super().__init__(out, fields, submit)
        self.columns = parquet_columns(fields)
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
        self._submit(self._writer.close)

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
    Arrow as its bytes (binary, then cast to string: checked, not copied through a str),
    lists as stored are split by Arrow where json.dumps spelt them, times spelt as
    isoformat writes them with an offset are parsed by Arrow; anything else goes the way
    of :func:`row_converter`."""
    import pyarrow as pa

    columns: list[list[Any]] = [list(values) for values in zip(*rows, strict=True)]
    if not rows:
        columns = [[] for _ in fields]
    arrays = []
    for name, column, field in zip(fields, columns, schema, strict=True):
        if name in LIST_FIELDS:
            arrays.append(_arrow_lists(pa, column, field.type))
        elif name == "people":
            arrays.append(pa.array([_stored_people(v) for v in column], type=field.type))
        elif name in TIME_FIELDS:
            arrays.append(_arrow_times(pa, column, field.type))
        elif name in BOOL_FIELDS:
            arrays.append(pa.array(column, type=pa.int64()).cast(pa.bool_()))
        elif field.type == pa.string():
            arrays.append(pa.array(column, type=pa.binary()).cast(pa.string()))
        else:
            arrays.append(pa.array(column, type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _items(stored: bytes) -> list[bytes]:
    """A stored JSON list of strings as its items' UTF-8 bytes."""
    if stored == b"[]":
        return []
    inner = _plain_items(stored)
    if inner is not None:
        return inner.split(b'", "')
    return [item.encode("utf-8") for item in json.loads(stored)]


def _stored_people(stored: bytes) -> list[dict[str, Any]]:
    return [] if stored == b"[]" else _people(stored)


def _arrow_lists(pa: Any, stored: list[bytes], arrow_type: Any) -> Any:
    """A list column from stored JSON lists of strings: split by Arrow where every one is
    "[]" or spelt as json.dumps spells it with no escape (see :func:`_plain_items`: its
    quotes are those of its items, two each), else item by item in Python."""
    import pyarrow.compute as pc

    text = pa.array(stored, type=pa.binary()).cast(pa.string())
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


def _arrow_times(pa: Any, stored: list[bytes | None], arrow_type: Any) -> Any:
    """Timestamps from stored ISO 8601 times: by Arrow's parser when every one is spelt
    with a UTC offset as isoformat spells it (what datetime.fromisoformat makes of them
    too), else one by one as the writers do."""
    import pyarrow.compute as pc

    text = pa.array(stored, type=pa.binary()).cast(pa.string())
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
