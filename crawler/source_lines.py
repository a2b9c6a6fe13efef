"""Where a key of ``sources.toml`` is, by line: for errors that name the line to fix."""

from __future__ import annotations

import re
import tomllib

__all__ = ["LineFinder", "toml_problem"]

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")


def toml_problem(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int | None]:
    """The message of a TOML syntax error without its position, and its line (the last line
    for an error at the end of the document)."""
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)  # Python 3.14+
    found = _TOML_POSITION.search(message)
    if found:
        if line is None and found.group(1):
            line = int(found.group(1))
        message = message[: found.start()]
    short = getattr(exc, "msg", None)  # Python 3.14+
    if isinstance(short, str):
        message = short
    if line is None and "at end of document" in str(exc):
        line = max(1, len(text.splitlines()))
    return message, line


class LineFinder:
    """Finds the line of a table or key in the source text (1-based)."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- ]+?)\s*\]\]?\s*(?:#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str, bool]] = []  # (index, name, is array of tables)
        for index, line in enumerate(self.lines):
            match = self._HEADER.match(line)
            if match:
                self.headers.append((index, match.group(2), match.group(1) == "[["))

    def source(self, number: int, key: str | None = None) -> int | None:
        """The line of ``key`` in the ``number``-th ``[[source]]`` (else of its header)."""
        return self._in_table("source", True, number, key)

    def defaults(self, key: str | None = None) -> int | None:
        """The line of ``key`` in ``[defaults]`` (else of its header)."""
        return self._in_table("defaults", False, 0, key)

    def top_level(self, key: str) -> int | None:
        """The line where a top-level key or table is introduced."""
        for index, name, _array in self.headers:
            if name == key or name.startswith(key + "."):
                return index + 1
        first_header = self.headers[0][0] if self.headers else len(self.lines)
        return self._key_in(0, first_header, key)

    def _in_table(self, name: str, array: bool, occurrence: int, key: str | None) -> int | None:
        block = self._block(name, array, occurrence)
        if block is None:
            return None
        if key is not None:
            found = self._key_in(block[0] + 1, block[1], key)
            if found is not None:
                return found
        return block[0] + 1

    def _block(self, name: str, array: bool, occurrence: int) -> tuple[int, int] | None:
        seen = 0
        for position, (index, header, is_array) in enumerate(self.headers):
            if header == name and is_array == array:
                if seen == occurrence:
                    following = self.headers[position + 1 :]
                    return index, following[0][0] if following else len(self.lines)
                seen += 1
        return None

    def _key_in(self, start: int, end: int, key: str) -> int | None:
        quoted = re.escape(key)
        pattern = re.compile(rf"""^\s*(?:{quoted}|"{quoted}"|'{quoted}')\s*=""")
        for index in range(start, end):
            if pattern.match(self.lines[index]):
                return index + 1
        return None
