"""Keyset paging with ties: every match once, in key order, a page at a time.

Both backends page through every match (``iter_matches``, exports) by asking for the first
``size`` matches at or after the last key seen, which keeps memory at one page and needs no
deep offsets. Keys are nearly unique, not quite: the bound is inclusive, and the rows already
yielded at the bound are remembered (by an identity of the backend's choosing) and skipped,
with as many more rows asked for. :class:`Keyset` holds that state; a backend asks it for
``bound`` and ``want`` before each request and passes each answer to :meth:`Keyset.take`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

__all__ = ["Keyset"]

Row = TypeVar("Row")
Key = TypeVar("Key")
Ident = TypeVar("Ident", bound=Hashable)


class Keyset(Generic[Row, Key, Ident]):
    """The position of one keyset walk.

    ``key(row)`` is a row's sort key, ``ident(row)`` what tells two rows of one key apart.
    Before the first page ``bound`` is None (ask without a bound); ``done`` turns true when an
    answer was short or brought nothing new.
    """

    def __init__(self, size: int, key: Callable[[Row], Key], ident: Callable[[Row], Ident]) -> None:
        self.size = size
        self._key = key
        self._ident = ident
        self.bound: Key | None = None
        self.at_bound: set[Ident] = set()
        self.done = False

    @property
    def want(self) -> int:
        """Rows to ask for next: a page plus the ones at the bound that will be skipped."""
        return self.size + len(self.at_bound)

    def take(self, rows: Sequence[Row]) -> list[Row]:
        """The rows of one answer (to a request for :attr:`want` rows from :attr:`bound` on)
        not yielded before; moves the bound to the last of them."""
        want = self.want
        page = [row for row in rows if self._ident(row) not in self.at_bound]
        if not page or len(rows) < want:
            self.done = True
            return page
        last = self._key(page[-1])
        same = {self._ident(row) for row in page if self._key(row) == last}
        if last == self.bound:  # a whole page of one key: remember them all
            self.at_bound |= same
        else:
            self.bound, self.at_bound = last, same
        return page
