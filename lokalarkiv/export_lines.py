"""CSV and JSON Lines made by SQLite as it reads the archive (:class:`LineMaker`): the bytes
the writers of :mod:`lokalarkiv.export_formats` would write, for a clean archive, without
making the values they take.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from lokalarkiv.export_formats import (
    BOOL_FIELDS,
    ISO_AS_WRITTEN,
    LIST_FIELDS,
    LIST_SEPARATOR,
    STORED_AS,
    TIME_FIELDS,
    iso_time,
    people_cell,
    people_from_json,
)


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
            parse: Callable[[Any], Any] = json.loads if name in LIST_FIELDS else people_from_json

            def items(stored: bytes) -> bytes:
                if stored == b"[]" or (parse is json.loads and plain_items(stored) is not None):
                    return key + stored  # already what json.dumps writes
                return key + encode(parse(stored)).encode("utf-8")

            return ("py", (f"CAST({x} AS BLOB)", None, items))
        if name == "language_score":

            def score(stored: Any) -> bytes:
                if type(stored) is float and math.isfinite(stored):  # json.dumps: its repr
                    return key + repr(stored).encode()
                return key + encode(stored).encode()

            return ("py", (x, None, score))
        if name in TIME_FIELDS:
            quoted, null = key + b'"', key + b"null"

            def time(stored: bytes | None) -> bytes:
                if stored is None:
                    return null
                if _ISO_AS_WRITTEN_BYTES.fullmatch(stored):
                    return quoted + stored + b'"'
                return key + encode(iso_time(stored.decode("utf-8"))).encode("utf-8")

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


_ISO_AS_WRITTEN_BYTES = re.compile(ISO_AS_WRITTEN.pattern.encode())


def _csv_time(stored: bytes | None) -> bytes:
    if stored is None:
        return b""
    if _ISO_AS_WRITTEN_BYTES.fullmatch(stored):
        return stored
    return str(iso_time(stored.decode("utf-8"))).encode()


def plain_items(stored: bytes) -> bytes | None:
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
    inner = plain_items(stored)
    if inner is not None:
        return inner.replace(b'", "', LIST_SEPARATOR.encode())
    return LIST_SEPARATOR.join(json.loads(stored)).encode("utf-8")


def _csv_people(stored: bytes) -> bytes:
    if stored == b"[]":
        return b""
    return people_cell(people_from_json(stored)).encode("utf-8")


def _csv_number(value: Any) -> bytes:
    if value is None:
        return b""
    return (repr(value) if isinstance(value, float) else str(value)).encode()
