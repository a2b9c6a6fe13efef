"""Backend-neutral search values: what is asked (:class:`Query`) and what comes back.

Every backend takes a :class:`Query` and answers with :class:`SearchPage` / :class:`Hit` /
:class:`IndexStats`; nothing here knows about Tantivy or Meilisearch. Values are frozen and
validated on construction, so a backend can trust them: a bad value raises
:class:`~indexer.errors.QueryError` here, before any search runs.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, get_args

from indexer.errors import QueryError

Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[str, ...] = get_args(Sort)

FACETS: tuple[str, ...] = (
    "source",
    "municipality",
    "region",
    "kind",
    "language",
    "role",
    "person",
    "year",
)
"""Facet names a :class:`Query` may ask for."""

DEFAULT_FACETS: tuple[str, ...] = ("source", "municipality", "kind", "year")

MAX_LIMIT = 1000
"""Largest page a search returns; every match is what ``iter_matches`` is for."""
MAX_OFFSET = 100_000
"""Deepest page a search reaches; beyond it, use ``iter_matches``."""

_FILTERS = (
    "sources", "municipalities", "regions", "kinds", "languages", "roles", "people", "ids",
)  # fmt: skip


def _as_tuple(name: str, value: object) -> tuple[str, ...]:
    """Accept a tuple, list or single string of filter values; refuse anything else."""
    if value is None:
        return ()
    if isinstance(value, str):
        values: tuple[object, ...] = (value,)
    elif isinstance(value, Iterable):
        values = tuple(value)
    else:
        raise QueryError(f"{name} must be a list of strings, not {value!r}")
    cleaned: list[str] = []
    for item in values:
        if not isinstance(item, str) or not item.strip():
            raise QueryError(f"{name}: {item!r} is not a usable filter value")
        cleaned.append(item.strip())
    return tuple(dict.fromkeys(cleaned))


@dataclass(frozen=True, slots=True)
class Query:
    """One search: text, filters, facets, sort and page.

    Filters: ``date_from`` / ``date_to`` are inclusive calendar days (Europe/Stockholm) on the
    article's ``published`` time. Within one filter the values are alternatives (OR: any of the
    sources); different filters must all hold (AND). Filter values compare case-insensitively.
    Empty ``text`` with filters means every matching article (newest first under
    ``sort="relevance"``). ``ids`` keeps only those article ids (a saved search's check
    asks which of the articles new since its last check it matches).

    ``exact_total=False`` lets a backend answer a large total with its estimate where the
    exact count would cost more than the page (Meilisearch's ``estimatedTotalHits``): a
    person reading page one does not need the exact number of 770,000 matches. The page
    then says so (:attr:`SearchPage.total_exact`). Counts, trends, saved searches and
    exports keep the default, exact.
    """

    text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sources: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    facets: tuple[str, ...] = DEFAULT_FACETS
    sort: Sort = "relevance"
    limit: int = 20
    offset: int = 0
    exact_total: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise QueryError(f"the search text must be a string, not {self.text!r}")
        for name in _FILTERS:
            object.__setattr__(self, name, _as_tuple(name, getattr(self, name)))
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if isinstance(value, datetime):
                object.__setattr__(self, name, value.date())
            elif value is not None and not isinstance(value, date):
                raise QueryError(f"{name} must be a date, not {value!r}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError(
                f"date_from {self.date_from} is after date_to {self.date_to}",
                hint="Swap --from and --to.",
            )
        facets = _as_tuple("facets", self.facets)
        unknown = [f for f in facets if f not in FACETS]
        if unknown:
            raise QueryError(
                f"unknown facet {', '.join(map(repr, unknown))}",
                hint=f"Facets are: {', '.join(FACETS)}.",
            )
        object.__setattr__(self, "facets", facets)
        if self.sort not in SORTS:
            raise QueryError(
                f"unknown sort {self.sort!r}", hint=f"Sort by one of: {', '.join(SORTS)}."
            )
        for name, top in (("limit", MAX_LIMIT), ("offset", MAX_OFFSET)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise QueryError(f"{name} must be a whole number, not {value!r}")
            if value < 0:
                raise QueryError(f"{name} must not be negative (got {value})")
            if value > top:
                raise QueryError(
                    f"{name} {value} is above the maximum {top}",
                    hint="Use `arkiv export` to get every match.",
                )

    @property
    def has_filters(self) -> bool:
        return bool(self.date_from or self.date_to) or any(getattr(self, n) for n in _FILTERS)


@dataclass(frozen=True, slots=True)
class Snippet:
    """A fragment of an article's text with the words the search matched marked in it.

    Made with :meth:`of` from plain text and the (start, end) character offsets of the marked
    words; read as :attr:`text` and :attr:`spans`, or as HTML (:meth:`html`). It is held as
    ``parts``, the text cut at the marks (unmarked, marked, unmarked, ...), so that anything
    that rewrites each string of a result (the CLI's removal of control characters) keeps the
    marks on the same words. Empty (false) when there is nothing to show.

    ``escape_quotes``: :meth:`html` escapes ``"`` and ``'`` as well as ``&``, ``<`` and ``>``.
    Tantivy's highlighter always did and the other snippets never, and the HTML (what
    `arkiv search --json` prints) stays as it was.
    """

    parts: tuple[str, ...] = ()
    escape_quotes: bool = False

    @classmethod
    def of(
        cls, text: str, spans: Iterable[tuple[int, int]] = (), *, escape_quotes: bool = False
    ) -> Snippet:
        """``text`` with the characters ``start:end`` of each span marked (spans in order, not
        overlapping, not empty)."""
        parts: list[str] = []
        cursor = 0
        for start, end in spans:
            if not cursor <= start < end <= len(text):
                raise ValueError(f"bad snippet span {(start, end)!r} for {len(text)} chars")
            parts += [text[cursor:start], text[start:end]]
            cursor = end
        if text:
            parts.append(text[cursor:])
        return cls(tuple(parts), escape_quotes)

    def __bool__(self) -> bool:
        return any(self.parts)

    @property
    def text(self) -> str:
        """The fragment as plain text."""
        return "".join(self.parts)

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """(start, end) character offsets of the marked words in :attr:`text`."""
        spans: list[tuple[int, int]] = []
        cursor = 0
        for i, part in enumerate(self.parts):
            if i % 2 and part:
                spans.append((cursor, cursor + len(part)))
            cursor += len(part)
        return tuple(spans)

    def marked(self) -> list[str]:
        """The marked words, in order."""
        return [part for part in self.parts[1::2] if part]

    def html(self) -> str:
        """The fragment as HTML: the text escaped, each marked word in ``<b>…</b>``."""
        quote = self.escape_quotes
        return "".join(
            f"<b>{html.escape(part, quote=quote)}</b>" if i % 2 else html.escape(part, quote=quote)
            for i, part in enumerate(self.parts)
        )


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching article as a result list shows it.

    ``title`` and the other fields are plain text; ``snippet`` is a fragment of the text with
    the matched words marked (:class:`Snippet`; empty when there is nothing to show, and
    always empty from ``iter_matches``). ``published`` is timezone-aware (Europe/Stockholm).
    ``score`` is the relevance score (0.0 when sorted by date).
    """

    id: str
    url: str
    title: str
    source: str
    source_name: str = ""
    published: datetime | None = None
    municipalities: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    language: str | None = None
    snippet: Snippet = Snippet()
    score: float = 0.0
    paywalled: bool = False


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results: ``total`` matches in all, ``hits`` from ``offset`` on, and for
    each requested facet its value counts over all matches (most frequent first, then by
    value). ``total_exact`` is False where ``total`` is the backend's estimate (only when the
    query allowed one: :attr:`Query.exact_total`)."""

    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    total_exact: bool = True


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What an index holds: documents, bytes on disk (0 where unknown), schema version."""

    documents: int
    size_bytes: int
    schema_version: int
    backend: str = ""
    location: str = ""
    segments: int = 0


def order_facet(counts: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Facet counts as a dict ordered by count (descending), then value."""
    return dict(sorted(counts, key=lambda kv: (-kv[1], kv[0])))
