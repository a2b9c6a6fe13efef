"""Rendering for the terminal: aligned tables and short summaries."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from typing import Any

import click


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain aligned text table; numbers right-aligned."""
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in r] for r in rows]]
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
    """One JSON document on stdout, UTF-8 as is (å stays å), for jq and friends."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def counts_line(counts: dict[str, int]) -> str:
    """ "a: 1, b: 2" for the non-zero counts, or "none"."""
    parts = [f"{k}: {v}" for k, v in sorted(counts.items()) if v]
    return ", ".join(parts) or "none"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
        click.echo(f"\r{text.ljust(self._width)}", nl=False, err=True)
        self._width = len(text)

    def echo(self, message: str) -> None:
        """A line of its own on stderr (a warning), without garbling the progress line."""
        if self._width:
            click.echo(f"\r{' ' * self._width}\r", nl=False, err=True)
            self._width = 0
            self._last = 0.0  # show the progress again at once
        click.echo(message, err=True)

    def done(self) -> None:
        """End the progress line, if one was shown."""
        if self._width:
            click.echo("", err=True)
            self._width = 0
