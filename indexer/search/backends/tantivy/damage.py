"""How a damaged Tantivy index is found: checksums on open, the engine's panics caught.

Tantivy ends every segment file (``.idx .pos .term .store .fast .fieldnorm .del``) with a
footer: a JSON payload holding the CRC-32 of the file's bytes, its length (u32 LE) and the
magic number 1337 (u32 LE). Tantivy itself does not look at it when it opens an index; bytes
overwritten inside a file surface later, at some queries only, as a Rust panic (``mid > len``,
``index out of bounds``; pyo3 raises it as ``pyo3_runtime.PanicException``, a
``BaseException``) or as wrong results. So :func:`check` verifies the footers on open.

Reading every byte of a large index on every open would cost seconds (4.7 GB at 1M articles;
CRC-32 runs at ~4 GB/s from memory), so each file is verified once: ``RECORD_FILE`` keeps the
size and modification time of every file found intact or written by this backend, and only a
file whose size or time differ from its entry is read again. Segment files are written once
and never changed in place, so any change of one is damage (or a copy that did not keep the
times: read once more, then trusted). What the record cannot see (bytes changed with the time
put back, decay under an unchanged time) is left to the engine's panic, caught by
:func:`held_engine_output`'s callers and handled as damage too.

A write session leaves ``WRITING_FILE`` (its pid) until it has finished. Found on open with its
process gone, the session was killed or aborted (a panic in the engine's thread pool aborts
the whole process: Rayon cannot unwind it) and every file is read again, once. So damage that
only a write meets (applying deletes reads every segment's term dictionary) is found by the
next run, and rebuilt, instead of aborting every run after it.

The completion table (``completions``) is ours: the record keeps its CRC, and a table
that does not match is not used (prefixes then walk the term dictionary, as for no table).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import struct
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

RECORD_FILE = "lokalarkiv-checked.json"
WRITING_FILE = "lokalarkiv-writing.json"
FOOTER_MAGIC = 1337
CHUNK = 1 << 20
SEGMENT_PARTS = ("idx", "pos", "term", "store", "fast", "fieldnorm")
"""The files every segment of a Lokalarkiv index has (a ``.del`` file too, once it has
deletions): a missing one is damage."""

_SEGMENT_FILE = re.compile(r"^([0-9a-f]{32})\.")

Stamp = tuple[int, int]  # (size, mtime_ns)


def is_panic(exc: BaseException) -> bool:
    """Whether ``exc`` is a Rust panic raised through pyo3 (``pyo3_runtime.PanicException``:
    each pyo3 module has its own class of that name, importable from none of them)."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def panic_text(exc: BaseException) -> str:
    """The panic's message on one line, shortened."""
    text = " ".join(str(exc).split()) or "no message"
    return text if len(text) <= 120 else text[:117] + "..."


class Checker:
    """The integrity of one index folder, as found when it was opened (see module doc)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.at_open: dict[str, Stamp] = {}  # every file in the folder when checked
        self.trusted: dict[str, Stamp] = {}  # segment files known intact
        self.completions_crc: int | None = None

    def check(self) -> str | None:
        """What is damaged in the index's segment files, or None when they are intact.

        Every file of every segment that ``meta.json`` lists must exist and, unless the
        record vouches for it, pass its footer's checksum. A segment merged away meanwhile
        (a writer in another process) is looked for once more in the new ``meta.json``.
        The record is brought up to date when the folder can be written.
        """
        record = self._read_record()
        interrupted = self._interrupted_write()
        if interrupted:
            record = {}  # a write died here: every file is read again
        files: set[str] = set()
        for attempt in range(2):
            self.at_open = _stamps(self.folder)
            listed = self._segment_files()
            if listed is None:
                return None  # no readable meta.json: opening the index reports it
            files = listed
            missing = sorted(name for name in files if name not in self.at_open)
            if not missing:
                break
            if attempt:
                return f"{missing[0]} is missing"
        changed = False
        for name in files:
            stamp = self.at_open[name]
            if record.get(name) == stamp:
                self.trusted[name] = stamp
                continue
            problem = verify(self.folder / name)
            if problem:
                return problem
            self.trusted[name] = stamp
            changed = True
        if changed or set(record) - set(self.trusted):
            self._write_record()
        if interrupted:
            with contextlib.suppress(OSError):
                (self.folder / WRITING_FILE).unlink()
        return None

    def begin_write(self) -> None:
        """Mark the folder as being written by this process, until :meth:`written`."""
        data = {"pid": os.getpid(), "host": socket.gethostname()}
        with contextlib.suppress(OSError):
            (self.folder / WRITING_FILE).write_text(json.dumps(data) + "\n", encoding="utf-8")

    def verify_all(self) -> str | None:
        """Read every file of every segment again, whatever the record says: what is
        damaged, or None (for an error whose cause is not known: costs a read of the
        index)."""
        files = self._segment_files()
        for name in sorted(files or ()):
            problem = verify(self.folder / name)
            if problem:
                return problem
        return None

    def written(self, completions_crc: int | None) -> None:
        """After this process wrote the index: the files it made are trusted too (with the
        completion table's CRC). Files that were there at open keep their entry only if
        unchanged since; a new file is one this backend's writer made (Tantivy allows one
        writer at a time)."""
        now = _stamps(self.folder)
        files = self._segment_files() or set()
        trusted = {}
        for name in files:
            stamp = now.get(name)
            if stamp is None:
                continue
            if name not in self.at_open or self.trusted.get(name) == stamp:
                trusted[name] = stamp
        self.trusted = trusted
        self.at_open = now
        self.completions_crc = completions_crc
        self._write_record()
        with contextlib.suppress(OSError):
            (self.folder / WRITING_FILE).unlink()

    def completions_match(self, data: bytes) -> bool:
        """Whether the completion table's bytes are the ones this backend wrote, as the
        record says now (an index written before the record kept a CRC: yes)."""
        self._read_record()
        return self.completions_crc is None or zlib.crc32(data) == self.completions_crc

    # ------------------------------------------------------------------ internals

    def _segment_files(self) -> set[str] | None:
        try:
            meta = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))
            segments = meta["segments"]
            files: set[str] = set()
            for segment in segments:
                stem = str(segment["segment_id"]).replace("-", "")
                files.update(f"{stem}.{part}" for part in SEGMENT_PARTS)
                deletes = segment.get("deletes")
                if deletes:
                    files.add(f"{stem}.{int(deletes['opstamp'])}.del")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return files

    def _interrupted_write(self) -> bool:
        """Whether a write session left its mark here and its process is gone. A process
        that exists (or one on another host, which cannot be asked) is taken to be writing
        still; a mark that cannot be read counts as interrupted."""
        try:
            data = json.loads((self.folder / WRITING_FILE).read_text(encoding="utf-8"))
            pid, host = int(data["pid"]), str(data["host"])
        except FileNotFoundError:
            return False
        except (OSError, ValueError, KeyError, TypeError):
            return True
        if host != socket.gethostname() or pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:  # exists, owned by someone else
            return False
        return False

    def _read_record(self) -> dict[str, Stamp]:
        try:
            data = json.loads((self.folder / RECORD_FILE).read_text(encoding="utf-8"))
            files = {str(k): (int(v[0]), int(v[1])) for k, v in data["files"].items()}
            crc = data.get("completions_crc")
            self.completions_crc = int(crc) if crc is not None else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            self.completions_crc = None
            return {}
        return files

    def _write_record(self) -> None:
        """Best effort: a folder that cannot be written (a read-only copy) is checked again
        on the next open, which is slower but as safe."""
        data: dict[str, Any] = {
            "files": {name: list(stamp) for name, stamp in sorted(self.trusted.items())}
        }
        if self.completions_crc is not None:
            data["completions_crc"] = self.completions_crc
        tmp = self.folder / f"{RECORD_FILE}.{os.getpid()}.tmp"
        try:
            tmp.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
            tmp.replace(self.folder / RECORD_FILE)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


def verify(path: Path) -> str | None:
    """Whether one Tantivy file is intact: its footer is there and its CRC-32 matches."""
    name = path.name
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size < 8:
                return f"{name} is cut short ({size} bytes)"
            fh.seek(size - 8)
            length, magic = struct.unpack("<II", fh.read(8))
            if magic != FOOTER_MAGIC or length > min(size - 8, 4096):
                return f"{name} has no valid footer"
            body = size - 8 - length
            fh.seek(body)
            footer = json.loads(fh.read(length))
            expected = int(footer["crc"])
            fh.seek(0)
            crc = 0
            left = body
            while left:
                chunk = fh.read(min(CHUNK, left))
                if not chunk:
                    return f"{name} is cut short"
                crc = zlib.crc32(chunk, crc)
                left -= len(chunk)
    except (ValueError, KeyError, TypeError) as exc:
        return f"{name} has a damaged footer ({exc})"
    except OSError as exc:
        return f"{name} cannot be read ({exc.strerror or exc})"
    if crc != expected:
        return f"{name} fails its checksum"
    return None


def _stamps(folder: Path) -> dict[str, Stamp]:
    stamps: dict[str, Stamp] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return stamps
    for entry in entries:
        if not _SEGMENT_FILE.match(entry.name):
            continue
        with contextlib.suppress(OSError):  # merged away meanwhile
            info = entry.stat()
            stamps[entry.name] = (info.st_size, info.st_mtime_ns)
    return stamps


# ---------------------------------------------------------------------- the panic's output

_held_lock = threading.Lock()
_held_depth = 0
_held_saved: int | None = None
_held_file: IO[bytes] | None = None
_held_panicked = False


@contextlib.contextmanager
def held_engine_output() -> Iterator[None]:
    """Hold what is written to stderr (file descriptor 2) while the block runs.

    Rust's panic handler writes the panic (with ``RUST_BACKTRACE`` set, a backtrace of
    40-odd lines) straight to file descriptor 2 before pyo3 raises it in Python, where the
    caller turns it into one line. So the descriptor points at a temporary file meanwhile;
    afterwards what was held is written out as it came, unless a panic went through a
    block (then it is the panic's report, and dropped). Blocks in several threads share one
    holding: it ends when the last one does. Python's own ``sys.stderr`` is flushed on the
    way in and out, so nothing of it is reordered. Keep the blocks short: nothing written
    to stderr meanwhile, by any thread, shows until they end.
    """
    global _held_panicked
    if not _hold():  # no descriptor 2 to hold (closed): run as is
        yield
        return
    try:
        yield
    except BaseException as exc:
        if is_panic(exc):
            _held_panicked = True
        raise
    finally:
        with _held_lock:
            _unhold()


def _hold() -> bool:
    global _held_depth, _held_saved, _held_file, _held_panicked
    with _held_lock:
        if _held_depth == 0:
            try:
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    sys.stderr.flush()
                held = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _release)
            except OSError:
                return False
            try:
                saved = os.dup(2)
                os.dup2(held.fileno(), 2)
            except OSError:
                held.close()
                return False
            _held_saved, _held_file, _held_panicked = saved, held, False
        _held_depth += 1
        return True


def _unhold() -> None:
    global _held_depth
    _held_depth -= 1
    if _held_depth == 0:
        _release()


def _release() -> None:
    global _held_saved, _held_file
    saved, held = _held_saved, _held_file
    _held_saved = _held_file = None
    if saved is None or held is None:
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    os.dup2(saved, 2)
    os.close(saved)
    try:
        if not _held_panicked:
            held.seek(0)
            while chunk := held.read(CHUNK):
                while chunk:
                    chunk = chunk[os.write(2, chunk) :]
    except OSError:
        pass  # stderr itself is gone: nothing to show it on
    finally:
        held.close()
