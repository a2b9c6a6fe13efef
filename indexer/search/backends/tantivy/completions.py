"""The frequent stems of a Tantivy index, kept in a small sorted file for search-as-you-type.

The completions of a query's last word are the most frequent stems that start with it (see
:func:`.plan.completions`). Tantivy can only find those by walking every term with that
prefix in every segment, which for a short prefix of a big index is thousands of terms
(~10 ms for "rik" at 1M articles: synthetic compounds of every word). So every write
session of the backend ends by writing this table: each stem of the match field in at least
``MIN_SHARE`` of the documents (and in at least one), with its document count, sorted.
A prefix with frequent stems takes its completions from the table (a bisect and a short
scan); only a prefix with none (a rare name, a long word) walks the term dictionary, where
its terms are few.

What the table changes: where a prefix has frequent stems, its rare ones (in under 0.01 % of
the documents) are not among its completions; typing on finds them. A small archive (under
10,000 articles) keeps every stem, so nothing changes there. The table is as fresh as the last
write (``arkiv index``); a missing or unreadable one means walking, as before.

File: UTF-8 lines ``stem<TAB>documents``, sorted by stem; the tab sorts below any character a
stem can hold, so the lines of one prefix are one run of the sorted list.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import threading
import zlib
from pathlib import Path

import tantivy as tv

from indexer.search.backends.tantivy.damage import RECORD_FILE, Checker

__all__ = ["FILE_NAME", "MAX_STEMS", "MIN_SHARE", "CompletionTable", "StoredTable"]

FILE_NAME = "lokalarkiv-completions.tsv"
MIN_SHARE = 1 / 10_000
"""A stem in fewer documents than this share of the index is left out of the table."""
MAX_STEMS = 200_000
"""At most this many stems (the most frequent); a bound on the file and on loading it."""


class CompletionTable:
    """Frequent stems and their document counts, for prefix lookups."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines  # "stem\tdocuments", sorted

    def __len__(self) -> int:
        return len(self._lines)

    def starting_with(self, prefix: str) -> list[tuple[str, int]]:
        """Every stem in the table that starts with ``prefix``, with its document count."""
        lines = self._lines
        found: list[tuple[str, int]] = []
        for i in range(bisect.bisect_left(lines, prefix), len(lines)):
            if not lines[i].startswith(prefix):
                break
            stem, _, documents = lines[i].partition("\t")
            found.append((stem, int(documents)))
        return found

    @classmethod
    def read(cls, path: Path) -> CompletionTable | None:
        """The table in ``path``; None if there is none or it cannot be read."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return cls(text.splitlines())

    @staticmethod
    def write(searcher: tv.Searcher, field_name: str, path: Path) -> int:
        """Write the table of ``field_name`` for the index ``searcher`` sees (atomically:
        readers see the old table or the new one). Returns the number of stems."""
        minimum = max(1, math.ceil(searcher.num_docs * MIN_SHARE))
        top = searcher.terms_with_prefix(field_name, "", limit=MAX_STEMS)
        if len(top) == MAX_STEMS:  # cut off: keep only counts above the cut, all of them
            minimum = max(minimum, top[-1][1] + 1)
        stems = sorted(f"{stem}\t{documents}\n" for stem, documents in top if documents >= minimum)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("".join(stems), encoding="utf-8")
        tmp.replace(path)
        return len(stems)


class StoredTable:
    """The completion table of one index folder, read again only when it changed.

    One small cache: the table as last read, keyed by the modification times of its file
    and of the record of its CRC (:mod:`.damage`), so a table a later write replaced (or one
    that no longer matches what this backend wrote) is never used.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME
        self._folder = folder
        self._lock = threading.Lock()
        self._key: tuple[int, int] = (-1, -1)
        self._table: CompletionTable | None = None

    def write(self, searcher: tv.Searcher, field_name: str) -> int:
        """Write the table of ``field_name``; returns the CRC-32 of its bytes, for the record
        of what the backend wrote. Raises ``OSError``."""
        CompletionTable.write(searcher, field_name, self.path)
        return zlib.crc32(self.path.read_bytes())

    def current(self) -> CompletionTable | None:
        """The table as last written; None when it is missing, or is not the table the
        backend wrote (damaged: prefixes then walk the term dictionary, and the next write
        makes a new table)."""
        try:
            key = (self.path.stat().st_mtime_ns, -1)
        except OSError:
            return None
        with contextlib.suppress(OSError):
            key = (key[0], (self._folder / RECORD_FILE).stat().st_mtime_ns)
        with self._lock:
            if self._key != key:
                self._key, self._table = key, self._read()
            return self._table

    def _read(self) -> CompletionTable | None:
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        if not Checker(self._folder).completions_match(data):
            return None
        try:
            return CompletionTable(data.decode("utf-8").splitlines())
        except UnicodeDecodeError:
            return None
