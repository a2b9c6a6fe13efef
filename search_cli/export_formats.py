"""Writers for `arkiv export`: CSV (Excel-friendly), JSON Lines and Parquet, streamed.

Every writer takes rows one at a time (dicts from ``Article.to_dict()`` cut to the chosen
fields) and holds at most one Parquet row group in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import IO, Any, Protocol

FIELDS: tuple[str, ...] = (
    "id", "url", "canonical_url", "source", "source_name", "title", "lead", "body", "authors",
    "published", "updated", "date_source", "language", "language_score", "section",
    "municipalities", "regions", "kinds", "people", "paywalled", "wire", "duplicate_of",
    "version", "first_seen", "last_seen", "fetched_at", "etag", "last_modified", "gone",
    "content_hash", "warc_file", "warc_offset", "warc_length",
)  # fmt: skip
LIST_FIELDS = frozenset({"authors", "municipalities", "regions", "kinds"})
TIME_FIELDS = frozenset({"published", "updated", "first_seen", "last_seen", "fetched_at"})
LIST_SEPARATOR = " | "  # how CSV joins list fields; people go to CSV as JSON
ROW_GROUP = 10_000
FORMATS = ("csv", "jsonl", "parquet")
BINARY_FORMATS = frozenset({"parquet"})


class RowWriter(Protocol):
    def write(self, row: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


def open_writer(fmt: str, out: IO[bytes], fields: Sequence[str], **options: Any) -> RowWriter:
    """A writer of ``fmt`` on the binary stream ``out`` for these ``fields``."""
    if fmt == "csv":
        return CsvWriter(out, fields, **options)
    if fmt == "jsonl":
        return JsonlWriter(out, fields)
    return ParquetWriter(out, fields)


class CsvWriter:
    """RFC 4180 CSV in UTF-8, optionally with a BOM so Excel reads å ä ö right; header first."""

    def __init__(
        self, out: IO[bytes], fields: Sequence[str], delimiter: str = ",", bom: bool = False
    ) -> None:
        self._text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        if bom:
            self._text.write("\ufeff")
        self._csv = csv.writer(self._text, delimiter=delimiter, lineterminator="\r\n")
        self._fields = list(fields)
        self._csv.writerow(self._fields)

    def write(self, row: dict[str, Any]) -> None:
        self._csv.writerow([_csv_cell(name, row.get(name)) for name in self._fields])

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


class JsonlWriter:
    """One JSON object per line, real JSON types, UTF-8 (no \\u escapes for å ä ö)."""

    def __init__(self, out: IO[bytes], fields: Sequence[str]) -> None:
        self._out = out
        self._fields = list(fields)

    def write(self, row: dict[str, Any]) -> None:
        line = json.dumps({k: row.get(k) for k in self._fields}, ensure_ascii=False)
        self._out.write(line.encode("utf-8") + b"\n")

    def close(self) -> None:
        self._out.flush()


class ParquetWriter:
    """Typed Parquet via pyarrow: timestamps with time zone, lists as lists, people as
    structs; written in row groups of ``ROW_GROUP`` rows."""

    def __init__(self, out: IO[bytes], fields: Sequence[str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self._fields = list(fields)
        self._schema = pa.schema([(name, _arrow_type(pa, name)) for name in self._fields])
        self._writer = pq.ParquetWriter(out, self._schema, compression="zstd")
        self._rows: list[dict[str, Any]] = []
        self._written = False

    def write(self, row: dict[str, Any]) -> None:
        self._rows.append({name: _arrow_value(name, row.get(name)) for name in self._fields})
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def close(self) -> None:
        if self._rows or not self._written:  # an empty export still gets its schema
            self._flush()
        self._writer.close()

    def _flush(self) -> None:
        table = self._pa.Table.from_pylist(self._rows, schema=self._schema)
        self._writer.write_table(table, row_group_size=ROW_GROUP)
        self._written = True
        self._rows = []


def _csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in LIST_FIELDS:
        return LIST_SEPARATOR.join(value)
    if name == "people":
        return json.dumps(value, ensure_ascii=False) if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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


def _arrow_value(name: str, value: Any) -> Any:
    if name in TIME_FIELDS and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
