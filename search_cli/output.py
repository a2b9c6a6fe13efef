"""Rendering for the terminal: aligned tables and short summaries; and what keeps the output
safe.

Safe output: the CLI never writes a control character it did not make. Everything it prints
that came from the archive, the index or the web (titles, names, snippets, facet values,
URLs, run reports, error details) passes through :func:`scrub` or :func:`one_line` (tables
and JSON do so themselves): C0 and C1 controls, DEL, escape sequences and bidi overrides are
dropped exactly as on the way into the archive (:func:`indexer.article.clean_text`), so an
archive written before that cleaning existed prints clean too. The only control characters
left are the ones the CLI makes: newlines, the bold style on a terminal and the progress
line's carriage return on stderr.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, NoReturn, TypeVar

import click

from indexer.article import clean_text, clean_values

T = TypeVar("T")


def one_line(value: object) -> str:
    """``value`` as text for one line of output: no control characters, no line breaks."""
    return clean_text(str(value))


def scrub(value: T) -> T:
    """``value`` made safe to print: every string in it cleaned of control characters, line
    breaks and tabs kept (:func:`indexer.article.clean_values`)."""
    return clean_values(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain aligned text table; numbers right-aligned. Cells are made safe (one_line)."""
    cells = [
        [one_line(h) for h in headers],
        *[["" if c is None else one_line(c) for c in r] for r in rows],
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(_is_number(r[i]) for r in rows) and bool(rows) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        parts = [
            cell.rjust(width) if numeric[i] and index else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_json(data: Any) -> None:
    """One JSON document on stdout, UTF-8 as is (å stays å), for jq and friends.

    Strings are scrubbed first: JSON would escape C0 controls (``\\u001b``) but writes DEL,
    C1 controls and bidi overrides raw, and a script's ``jq -r`` would print any of them."""
    sys.stdout.write(json.dumps(scrub(data), ensure_ascii=False, indent=2, default=str) + "\n")


def counts_line(counts: dict[str, int]) -> str:
    """ "a: 1, b: 2" for the non-zero counts, or "none"."""
    parts = [f"{one_line(k)}: {v}" for k, v in sorted(counts.items()) if v]
    return ", ".join(parts) or "none"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# Errors of writing to a stream that say where the output goes cannot take it.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EPIPE})


def output_failed(exc: OSError) -> NoReturn:
    """End the command after an OSError that escaped it, in one line and exit code 1.

    Writing to standard output failed (a full disk, ``> /dev/full``, a quota): say so on
    stderr. The reader went away (``| head``): quiet, exit 1, as click does. Then standard
    output is pointed at /dev/null, so the interpreter's last flush of what is still buffered
    cannot fail again with a traceback of its own."""
    _silence_stdout()
    if exc.errno == errno.EPIPE:
        sys.exit(1)
    if exc.filename is None and exc.errno in _OUTPUT_ERRNOS:
        message = f"cannot write to standard output: {exc.strerror or exc}"
    elif exc.filename is not None:
        message = f"{one_line(exc.filename)}: {exc.strerror or exc}"
    else:
        message = one_line(exc)
    try:
        sys.stderr.write(f"Error: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr is full too: the exit code has to say it
    sys.exit(1)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(devnull, 1)
    except OSError:
        pass
    finally:
        os.close(devnull)


class ProgressLine:
    """One line on stderr, rewritten in place as work goes on ("indexing: 500/4187 changes"),
    at most every ``interval`` seconds; only on a terminal, so logs and pipes stay quiet."""

    def __init__(self, enabled: bool | None = None, interval: float = 0.2) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.interval = interval
        self._last = 0.0
        self._width = 0  # of the line shown, 0 when none is

    def show(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self._last < self.interval):
            return
        self._last = now
        text = one_line(text)
        click.echo(f"\r{text.ljust(self._width)}", nl=False, err=True)
        self._width = len(text)

    def echo(self, message: str) -> None:
        """A line of its own on stderr (a warning), without garbling the progress line."""
        if self._width:
            click.echo(f"\r{' ' * self._width}\r", nl=False, err=True)
            self._width = 0
            self._last = 0.0  # show the progress again at once
        click.echo(one_line(message), err=True)

    def done(self) -> None:
        """End the progress line, if one was shown."""
        if self._width:
            click.echo("", err=True)
            self._width = 0
