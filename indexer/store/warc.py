"""Raw responses in rotating, gzip'd WARC files (ISO 28500), readable by pywb and friends.

Each process writes to files of its own and never appends to an existing file, so a crash can
only cut short the last record of the last file, a record no archive row points at yet: the
archive commits its row only after the record is written and flushed. While a file is being
written, a ``<file>.open`` marker sits beside it; a marker left by a killed crawl makes the
next crawl cut that file back to its last complete record.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.warcwriter import WARCWriter

from indexer.errors import ArchiveError

GZIP_LEVEL = 6
_BUILDER = WARCWriter(BytesIO(), gzip=False)  # builds records (we compress them ourselves)
# Scrapy hands us the decoded body; the stored headers must describe that body.
_DROP_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
# What a missing file or a damaged record raises on the way to a response (warcio's parse
# errors; AttributeError: a record that is not an HTTP response has no status line).
_UNREADABLE = (OSError, ValueError, StopIteration, AttributeError, zlib.error,
               ArchiveLoadFailed, StatusAndHeadersParserException)  # fmt: skip


@dataclass(frozen=True, slots=True)
class WarcRef:
    """Where one record lives: file name (relative to the WARC folder), offset, length."""

    file: str
    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response read back from a WARC file."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class WarcStore:
    """Writes response records into ``folder``, starting a new file past ``max_bytes``."""

    def __init__(self, folder: Path, max_bytes: int = 1_000_000_000, prefix: str = "lokalarkiv"):
        self.folder = folder
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.repaired = repair_interrupted(folder)  # files a killed crawl left half-written
        self._fh: IO[bytes] | None = None
        self._name = ""
        self._serial = 0

    def write_response(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
    ) -> WarcRef:
        """Append one HTTP response record and flush it; returns where it is."""
        return self.append(response_record(url, status, headers, body, fetched_at))

    def append(self, member: bytes) -> WarcRef:
        """Append a record made by :func:`response_record` and flush it.

        Building and compressing a record is the costly part and needs no file, so a crawl
        does it in its extraction workers and only appends here.
        """
        try:
            fh = self._current()
            offset = fh.tell()
            fh.write(member)
            fh.flush()
            return WarcRef(self._name, offset, fh.tell() - offset)
        except OSError as exc:
            raise ArchiveError(f"cannot write WARC file in {self.folder}: {exc}") from exc

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            _marker(self.folder / self._name).unlink(missing_ok=True)
        self._fh = None

    def _current(self) -> IO[bytes]:
        if self._fh is not None and self._fh.tell() < self.max_bytes:
            return self._fh
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._name = f"{self.prefix}-{stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
        _marker(self.folder / self._name).touch()
        self._fh = (self.folder / self._name).open("xb")
        info = _BUILDER.create_warcinfo_record(
            self._name, {"software": "Lokalarkiv", "format": "WARC File Format 1.1"}
        )
        self._fh.write(_gzip_member(info))
        return self._fh


def repair_interrupted(folder: Path) -> list[tuple[str, int]]:
    """Cut every WARC file a killed writer left open back to its last complete record.

    Call only while holding the archive's crawl lock (no other writer). Returns the files
    repaired and the bytes removed from each.
    """
    repaired = []
    for marker in sorted(folder.glob("*.warc.gz.open")):
        path = marker.with_suffix("")
        if path.exists():
            good = _complete_length(path)
            removed = path.stat().st_size - good
            if removed:
                with path.open("r+b") as fh:
                    fh.truncate(good)
                repaired.append((path.name, removed))
        marker.unlink()
    return repaired


def _complete_length(path: Path) -> int:
    """The length of the prefix of ``path`` made of whole, readable records."""
    good = 0
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        try:
            for record in records:
                record.content_stream().read()
                good = records.get_record_offset() + records.get_record_length()
        except Exception:  # any damage ends the good prefix
            pass
    return good


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".open")


def read_response(folder: Path, ref: WarcRef) -> StoredResponse:
    """Read one response record back, checked: a record whose bytes were damaged (its gzip
    checksum fails) or cut short is an error, never a silently garbled page.

    Raises:
        ArchiveError: the file is missing or the record is damaged.
    """
    path = folder / ref.file
    try:
        with path.open("rb") as fh:
            fh.seek(ref.offset)
            member = fh.read(ref.length)
        # warcio decompresses leniently (a bad checksum is printed to stderr and the text
        # cut short), so the one gzip member is inflated and checked here first.
        inflater = zlib.decompressobj(31)
        plain = inflater.decompress(member)
        if not inflater.eof:
            raise ValueError("the record is cut short")
        record = next(iter(ArchiveIterator(BytesIO(plain))))
        body = record.content_stream().read()
        url = record.rec_headers.get_header("WARC-Target-URI")
        status = int(record.http_headers.get_statuscode())
        headers = list(record.http_headers.headers)
    except _UNREADABLE as exc:
        raise ArchiveError(f"cannot read WARC record {ref.file}@{ref.offset}: {exc}") from exc
    return StoredResponse(url, status, headers, body)


def response_record(
    url: str, status: int, headers: list[tuple[str, str]], body: bytes, fetched_at: datetime
) -> bytes:
    """One HTTP response as a gzip-compressed WARC record, ready to append to a file."""
    kept = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
    kept.append(("Content-Length", str(len(body))))
    http = StatusAndHeaders(f"{status} {_reason(status)}", kept, protocol="HTTP/1.1")
    record = _BUILDER.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),  # known length: warcio needs no temporary buffer
        http_headers=http,
        warc_headers_dict={"WARC-Date": _warc_date(fetched_at)},
    )
    return _gzip_member(record)


def _gzip_member(record: ArcWarcRecord) -> bytes:
    """One record as one gzip member (as the WARC spec recommends), at level 6: warcio's
    own writer uses level 9, which costs a third more time for about 1.5 % less size."""
    plain = BytesIO()
    WARCWriter(plain, gzip=False).write_record(record)
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: gzip container
    return packer.compress(plain.getvalue()) + packer.flush()


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
