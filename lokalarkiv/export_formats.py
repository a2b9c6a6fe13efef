"""The export's formats: the exportable fields, a stored row turned into the values
``Article.to_dict()`` gives, and the writers of CSV (Excel-friendly) and JSON Lines.

Rows come straight from the archive's stored values (:meth:`indexer.store.archive.Archive.
current_rows`), never through :class:`~indexer.article.Article`: :func:`row_converter` turns
a stored row into the values ``Article.to_dict()`` would give for the chosen fields (the
same values, so the same bytes), and each writer takes them a batch at a time, as lists in
field order. CSV and JSON Lines are encoded a batch at a time. The same bytes made by SQLite
from a clean archive: :mod:`lokalarkiv.export_lines`; Parquet: :mod:`lokalarkiv.export_parquet`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from typing import IO, Any, Protocol

from indexer.article import Person, clean_values

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
FORMATS = ("csv", "jsonl", "parquet")
BINARY_FORMATS = frozenset({"parquet"})
LINE_FORMATS = frozenset({"csv", "jsonl"})  # what LineMaker writes
# The archive column each field is read from (the others have the field's own name).
STORED_AS = {"gone": "gone_at"}

Row = list[Any]
Submit = Callable[..., None]
"""Runs a call (with its arguments) now or later, in order: a writer hands its writes to
one (the export writes the file in a thread of its own)."""


def run_now(call: Callable[..., Any], *args: Any) -> None:
    """The :data:`Submit` that runs every call at once, in this thread."""
    call(*args)


class RowWriter(Protocol):
    def write_rows(self, rows: Sequence[Row]) -> None: ...

    def close(self) -> None: ...


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
            steps.append((i, people_from_json))
        elif name in TIME_FIELDS:
            steps.append((i, iso_time))
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


def people_from_json(text: str | bytes) -> list[dict[str, Any]]:
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
ISO_AS_WRITTEN = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(?!000000)\d{6})?(?:\+\d\d:\d\d|-(?!00:00)\d\d:\d\d)?",
    re.ASCII,
)


def iso_time(value: str | None) -> str | None:
    """A stored time as ``to_dict`` gives it (``datetime.isoformat``'s spelling)."""
    if value is None or ISO_AS_WRITTEN.fullmatch(value):
        return value
    return datetime.fromisoformat(value).isoformat()


def _is_not_none(value: Any) -> bool:
    return value is not None


def clean_row(row: Row) -> Row:
    """``row`` with control characters dropped from every string in it (lists and people
    too; line breaks and tabs kept), as the text is cleaned on its way into the archive: for
    rows of an archive written before that cleaning existed. A clean row is returned as it
    is, after one look: no copy."""
    cleaned = clean_values(row)
    return cleaned if cleaned is row else list(cleaned)


# ---------------------------------------------------------------------- writers


class CsvWriter:
    """RFC 4180 CSV in UTF-8, optionally with a BOM so Excel reads å ä ö right; header first."""

    def __init__(
        self,
        out: IO[bytes],
        fields: Sequence[str],
        delimiter: str = ",",
        bom: bool = False,
        submit: Submit = run_now,
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
            makers.append((i, people_cell))
        elif name in BOOL_FIELDS:
            makers.append((i, _bool_cell))
    return makers


def _joined(value: list[str] | None) -> str:
    return "" if value is None else LIST_SEPARATOR.join(value)


def people_cell(value: list[Any] | None) -> str:
    """People in a CSV cell: as JSON; none: an empty cell."""
    return json.dumps(value, ensure_ascii=False) if value else ""


def _bool_cell(value: bool | None) -> str:
    if value is None:
        return ""
    return "true" if value else "false"


class JsonlWriter:
    """One JSON object per line, real JSON types, UTF-8 (no \\u escapes for å ä ö)."""

    def __init__(self, out: IO[bytes], fields: Sequence[str], submit: Submit = run_now) -> None:
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
