"""What a search asks Meilisearch: the query text ``q``, the filter string and the sort.

Pure Python (no server, no client import), so it is tested without Meilisearch.

Filters are built from the structured :class:`~indexer.search.query.Query`, never from user text:
attribute names are ours, every value is a double-quoted string with ``\\`` and ``"``
escaped (:func:`quote`), so a municipality called ``x" OR source = "y`` or ``AND`` stays one
value. Meilisearch's filter parser reads a quoted value by taking ``\\"`` as a quote that does
not end it, then unescapes ``\\\\`` and ``\\"`` (and would read other ``\\`` sequences, so every
backslash is escaped); see ``tests/unit/test_meili_filters.py``, which decodes our strings
with those rules. Within one filter values are alternatives (``IN [...]``); filters are ANDed.

The text goes through :func:`indexer.search.textsearch.parse_user_query` (the query language of both
backends) and each word is stemmed as the documents' ``*_sv`` fields are, then written in
Meilisearch's own syntax: ``"a phrase"``, ``-word`` and ``-"a phrase"`` to exclude. The word
being typed (the parser's prefix word) is written last with nothing after it, which is how
Meilisearch decides to match it as a prefix; otherwise ``q`` ends in a space, so no word is.

Snippets (:func:`make_snippet`) are made here too, from the stored text of a hit: Meilisearch's
own highlighter only knows the stems the query was sent as, not the words of the text. What it
matched is read from the hit's ``_matchesPosition`` (:func:`matched_stems`): byte offsets in
the ``*_sv`` stem fields, which are rebuilt here from the hit's text exactly as they were
indexed, so the stem at each offset names the words to highlight. The server's typo rules
(a typo on the first letter counts as two), prefixes, synonyms and compound heads are then
its own; :class:`_Matcher` only stands in for a hit without positions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from indexer.search.backends.meilisearch.settings import (
    FILTER_ATTRIBUTES,
    STOCKHOLM,
    analyze,
    compound_parts,
    stem_fields,
    word_key,
)
from indexer.search.query import Query, Snippet
from indexer.search.textsearch import SWEDISH_STOP_WORDS, parse_user_query

__all__ = [
    "TextQuery",
    "all_of",
    "date_filter",
    "filter_expression",
    "id_filter",
    "keyset_filter",
    "make_snippet",
    "matched_stems",
    "quote",
    "sort_for",
    "text_query",
    "values_filter",
    "within_typos",
]


def quote(value: str) -> str:
    """``value`` as one double-quoted Meilisearch filter string (backslash and quote escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def values_filter(attribute: str, values: Sequence[str]) -> str:
    """``attribute IN ["v1", "v2"]``: any of the values (compared case-insensitively)."""
    if not values:
        raise ValueError(f"no values to filter {attribute} on")
    return f"{attribute} IN [{', '.join(quote(v) for v in values)}]"


def _day_start(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC).timestamp())


def date_filter(date_from: date | None, date_to: date | None) -> str | None:
    """Published within the inclusive Stockholm calendar days (undated articles never are)."""
    parts = []
    if date_from is not None:
        parts.append(f"published_ts >= {_day_start(date_from)}")
    if date_to is not None:
        parts.append(f"published_ts < {_day_start(date_to + timedelta(days=1))}")
    return " AND ".join(parts) or None


def all_of(*conditions: str | None) -> str | None:
    """The conditions ANDed, each in parentheses; None when there are none."""
    present = [c for c in conditions if c]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return " AND ".join(f"({c})" for c in present)


def filter_expression(query: Query) -> str | None:
    """The Meilisearch filter for the structured filters of ``query`` (None: no filter)."""
    conditions: list[str | None] = []
    for field_name, attribute in FILTER_ATTRIBUTES.items():
        values: tuple[str, ...] = getattr(query, field_name)
        if values:
            conditions.append(values_filter(attribute, values))
    if query.ids:
        conditions.append(id_filter(query.ids))
    conditions.append(date_filter(query.date_from, query.date_to))
    return all_of(*conditions)


def id_filter(ids: Sequence[str]) -> str:
    """Documents with one of these ids (for deletion)."""
    return values_filter("id", ids)


def sort_for(query: Query, *, has_text: bool) -> list[str] | None:
    """The ``sort`` parameter: dates for newest / oldest, and for an empty relevance query
    (the Tantivy backend lists it newest first, undated last); None for relevance."""
    if query.sort == "oldest":
        return ["published_ts:asc", "id_key:asc"]
    if query.sort == "newest" or not has_text:
        return ["published_ts:desc", "id_key:desc"]
    return None


def keyset_filter(published_ts: int | None, key: int, *, ascending: bool) -> str:
    """Documents at or after (``published_ts``, ``key``) in export order.

    Inclusive of the boundary: the caller skips what it already yielded there. For undated
    documents (``published_ts`` None) only the id key orders them.
    """
    after, at = (">", ">=") if ascending else ("<", "<=")
    if published_ts is None:
        return f"id_key {at} {key}"
    return (
        f"published_ts {after} {published_ts} OR "
        f"(published_ts = {published_ts} AND id_key {at} {key})"
    )


# ---------------------------------------------------------------------- the text


@dataclass(frozen=True, slots=True)
class TextQuery:
    """The user's text, ready for Meilisearch.

    ``q`` goes to the server; ``keys`` are the stems a snippet highlights; ``prefix`` is the
    stem matched as a prefix (or None); ``has_text`` is false when nothing must match.
    """

    q: str
    keys: tuple[str, ...] = ()
    prefix: str | None = None
    has_text: bool = False


def _phrase(stems: Sequence[str]) -> str:
    return '"' + " ".join(stems) + '"'


def text_query(text: str) -> TextQuery:
    """Parse ``text`` (see :mod:`indexer.search.textsearch`) and write it as Meilisearch's ``q``.

    Every word becomes its stem; a word that analyses into several ("e-post") becomes a
    phrase of them. Stop words become stems too, which the index's stop words (the same
    stems) drop. Order: phrases, exclusions, then words, the prefix word last.
    """
    parsed = parse_user_query(text)
    parts: list[str] = []
    keys: list[str] = []
    for phrase in parsed.phrases:
        stems = analyze(" ".join(phrase))
        if stems:
            parts.append(_phrase(stems))
            keys.extend(stems)
    for term in parsed.excluded_terms:
        stems = analyze(term)
        if stems:
            parts.append("-" + (stems[0] if len(stems) == 1 else _phrase(stems)))
    for phrase in parsed.excluded_phrases:
        stems = analyze(" ".join(phrase))
        if stems:
            parts.append("-" + _phrase(stems))
    prefix: str | None = None
    last = len(parsed.terms) - 1
    for position, term in enumerate(parsed.terms):
        stems = analyze(term)
        if not stems:
            continue
        if len(stems) > 1:
            parts.append(_phrase(stems))
        else:
            parts.append(stems[0])
            if parsed.prefix and position == last and term.lower() not in SWEDISH_STOP_WORDS:
                prefix = stems[0]
        keys.extend(stems)
    q = " ".join(parts)
    if q and prefix is None:
        q += " "  # the last word is complete: no prefix matching
    return TextQuery(
        q=q,
        keys=tuple(dict.fromkeys(keys)),
        prefix=prefix,
        has_text=not parsed.is_empty and bool(keys),
    )


# ---------------------------------------------------------------------- snippets

SNIPPET_CHARS = 240


def _typo_budget(word: str) -> int:
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def _close(a: str, b: str, limit: int) -> bool:
    """Optimal-string-alignment distance (a transposition costs 1) of at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def within_typos(word: str, key: str, budget: int) -> bool:
    """Whether Meilisearch would find ``word`` for the query word ``key`` with ``budget``
    typos: a typo on the first letter counts as two (compute_derivations.rs), so a word that
    starts otherwise needs a budget of two and is then one edit away at most."""
    if not budget or not word or not key:
        return False
    if word[0] != key[0]:
        return budget >= 2 and _close(word, key, 1)
    return _close(word, key, budget)


@dataclass(frozen=True, slots=True)
class Matched:
    """What the server matched in a hit: stems of the text, and compound heads."""

    stems: frozenset[str]
    heads: frozenset[str]


def matched_stems(row: Mapping[str, Any]) -> Matched | None:
    """The stems the server reports it matched in ``row`` (its ``_matchesPosition`` in the
    ``*_sv`` fields, rebuilt from the row's title, lead and body), or None when the hit has
    no positions (then :func:`make_snippet` matches on its own)."""
    positions = row.get("_matchesPosition")
    if not isinstance(positions, Mapping):
        return None
    wanted = {str(name) for name, bounds in positions.items() if bounds}
    fields: Mapping[str, str] = {}
    if wanted & {"title_sv", "lead_sv", "body_sv", "parts_sv"}:
        texts = [str(row.get(name) or "") for name in ("title", "lead", "body")]
        if "parts_sv" in wanted:
            fields = stem_fields(*texts)
        else:  # only what was matched in: the body's stems are most of the work
            fields = {
                name: " ".join(analyze(text))
                for name, text in zip(("title_sv", "lead_sv", "body_sv"), texts, strict=True)
                if name in wanted
            }
    stems: set[str] = set()
    heads: set[str] = set()
    for field_name, bounds in positions.items():
        value = fields.get(str(field_name))
        if value is None or not isinstance(bounds, list):
            continue
        encoded = value.encode("utf-8")
        for bound in bounds:
            start = bound.get("start") if isinstance(bound, Mapping) else None
            if not isinstance(start, int) or not 0 <= start < len(encoded):
                continue
            left = encoded.rfind(b" ", 0, start) + 1
            right = encoded.find(b" ", start)
            token = encoded[left : right if right >= 0 else len(encoded)].decode("utf-8", "ignore")
            if token:
                (heads if field_name == "parts_sv" else stems).add(token)
    return Matched(frozenset(stems), frozenset(heads))


class _Matcher:
    """Which words of a text the query matched: from what the server reported
    (``matched``), else our own reading of the query: same stem, the prefix word, a compound
    ending in a query stem, or a stem within the query word's typo budget."""

    def __init__(self, text: TextQuery, matched: Matched | None = None) -> None:
        self.keys = set(text.keys)
        self.prefix = text.prefix
        self.typos = {key: _typo_budget(key) for key in self.keys}
        self.matched = matched
        self._cache: dict[str, bool] = {}

    def __call__(self, word: str) -> bool:
        word_stem = word_key(word)
        known = self._cache.get(word_stem)
        if known is None:
            known = self._matches(word_stem)
            self._cache[word_stem] = known
        return known

    def _matches(self, word_stem: str) -> bool:
        if self.matched is not None:
            if word_stem in self.matched.stems:
                return True
            return bool(self.matched.heads and compound_parts([word_stem]) & self.matched.heads)
        if word_stem in self.keys:
            return True
        if self.prefix and word_stem.startswith(self.prefix):
            return True
        if compound_parts([word_stem]) & self.keys:
            return True
        return any(within_typos(word_stem, key, budget) for key, budget in self.typos.items())


_WORD = re.compile(r"[^\W_]+")


def make_snippet(
    row: Mapping[str, Any],
    text: TextQuery,
    matched: Matched | None = None,
    max_chars: int = SNIPPET_CHARS,
) -> Snippet:
    """A snippet of the body (else the lead) around the matched words, which it marks.

    ``matched``: what the server matched (:func:`matched_stems`); None matches the query's
    words here, by the server's rules as far as they are known.

    The window of at most ``max_chars`` that holds the most different matched stems wins;
    text outside it is cut at word boundaries and marked with "…". Without any match: the
    start of the lead (or body), plain. Its HTML escapes ``&``, ``<`` and ``>`` only.
    """
    if text.keys:
        matcher = _Matcher(text, matched)
        for field_name in ("body", "lead"):
            value = str(row.get(field_name) or "")
            if value:
                snippet = _highlighted(value, matcher, max_chars)
                if snippet is not None:
                    return snippet
    return _plain(str(row.get("lead") or row.get("body") or ""), max_chars)


def _highlighted(value: str, matcher: _Matcher, max_chars: int) -> Snippet | None:
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(value)]
    matched = [i for i, (_, _, word) in enumerate(tokens) if matcher(word)]
    if not matched:
        return None
    best_start, best_score = matched[0], (-1, 0)
    for first in matched:
        start = tokens[first][0]
        inside = [i for i in matched if i >= first and tokens[i][1] - start <= max_chars]
        score = (len({word_key(tokens[i][2]) for i in inside}), -first)
        if score > best_score:
            best_start, best_score = first, score
    # Open the window a little before the first match, for context.
    start_token = best_start
    while start_token > 0 and tokens[best_start][0] - tokens[start_token - 1][0] < max_chars // 4:
        start_token -= 1
    start = tokens[start_token][0]
    last = start_token
    for i in range(start_token, len(tokens)):
        if tokens[i][1] - start > max_chars:
            break
        last = i
    # Keep the punctuation after the last word ("kom."), up to the next word.
    following = tokens[last + 1][0] if last + 1 < len(tokens) else len(value)
    end = len(value[:following].rstrip())
    if end - start > max_chars:
        end = tokens[last][1]
    highlighted = set(matched)
    parts: list[str] = ["… " if start > 0 else ""]  # unmarked, marked, unmarked, ...
    cursor = start
    for i in range(start_token, last + 1):
        token_start, token_end, _ = tokens[i]
        if i in highlighted:
            parts[-1] += value[cursor:token_start]
            parts += [value[token_start:token_end], ""]
        else:
            parts[-1] += value[cursor:token_end]
        cursor = token_end
    parts[-1] += value[cursor:end]
    if last + 1 < len(tokens):
        parts[-1] += " …"
    return _one_spaced(parts)


def _one_spaced(parts: list[str]) -> Snippet:
    """The snippet of ``parts`` (unmarked, marked, ..., unmarked) with each run of whitespace
    one space and none at either end. Marked words hold no whitespace, so every run lies
    within one unmarked part."""
    spaced = [
        (" " if part[:1].isspace() else "")
        + " ".join(part.split())
        + (" " if part[-1:].isspace() and part.split() else "")
        if i % 2 == 0
        else part
        for i, part in enumerate(parts)
    ]
    spaced[0] = spaced[0].lstrip()
    spaced[-1] = spaced[-1].rstrip()
    return Snippet(tuple(spaced))


def _plain(value: str, max_chars: int) -> Snippet:
    value = " ".join(value.split())
    if len(value) <= max_chars:
        return Snippet.of(value)
    cut = value.rfind(" ", 0, max_chars)
    return Snippet.of(value[: cut if cut > 0 else max_chars] + " …")
