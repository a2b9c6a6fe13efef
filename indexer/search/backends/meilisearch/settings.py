"""What a Lokalarkiv Meilisearch index holds: its settings, its documents, its Swedish analysis.

Pure Python (no server, no client import), so it is tested without Meilisearch.

Swedish inflections. Meilisearch does not stem Swedish, so every searchable field is a copy
that we analyse ourselves, and the query is analysed the same way (:func:`analyze`): words are
runs of letters and digits (as Tantivy's simple tokenizer), lowercased, NFC, then reduced by
the Snowball Swedish stemmer (the algorithm the Tantivy backend uses, through the pure-Python
``snowballstemmer`` package). kommun / kommunen / kommunens / kommuner all become ``kommun``
in both the document and the query, so they find each other. The fields are::

    title_sv  lead_sv  people_sv  body_sv   the stems of title, lead, people's names, body
    parts_sv                                compound heads ("säkerhetssamordnaren" -> samordn)

and only they are searchable, in ranking order title, lead, people, body, then compound heads
(Meilisearch's attribute rule). The original text is stored and displayed, never searched.
The stems are not folded (å ä ö stay letters of their own): folding would merge "år"
(year) with the stop word "är". All ``*_sv`` fields are declared Swedish
(``localizedAttributes``) so Meilisearch never guesses their language per document.

Settings are the project's and are applied idempotently: :func:`settings_changes` names only
what differs on the server, so an up-to-date index is never re-indexed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import snowballstemmer  # type: ignore[import-untyped, unused-ignore]

from indexer.article import Article
from indexer.search.query import MAX_LIMIT, MAX_OFFSET
from indexer.search.textsearch import (
    SWEDISH_STOP_WORDS,
    compound_heads,
    find_compound_heads,
)

__all__ = [
    "DISPLAYED",
    "FACET_ATTRIBUTES",
    "FILTER_ATTRIBUTES",
    "LOCALE",
    "MAX_TOTAL_HITS",
    "MAX_VALUES_PER_FACET",
    "SCHEMA_VERSION",
    "SEARCHABLE",
    "SEARCH_CUTOFF_MS",
    "analyze",
    "compound_parts",
    "document",
    "id_key",
    "index_settings",
    "settings_changes",
    "stem",
    "stem_fields",
    "word_key",
    "words",
]

SCHEMA_VERSION = 1
"""Stored in every document (``schema``); bump on any change to the document fields."""

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LOCALE = "swe"
MAX_WORD_CHARS = 40  # longer "words" are dropped, as the Tantivy analyzer does

SEARCHABLE: tuple[str, ...] = ("title_sv", "lead_sv", "people_sv", "body_sv", "parts_sv")
"""Searchable attributes, in ranking order."""

DISPLAYED: tuple[str, ...] = (
    "id",
    "id_key",
    "published_ts",
    "url",
    "title",
    "lead",
    "body",
    "source",
    "source_name",
    "published",
    "municipalities",
    "regions",
    "kinds",
    "language",
    "paywalled",
)
"""What a search returns (the stems and bookkeeping fields are never sent back)."""

DISPLAYED_ATTRIBUTES: tuple[str, ...] = (*DISPLAYED, *SEARCHABLE)
"""The index's ``displayedAttributes``: the stem fields too, so that the server reports where it
matched in them (``_matchesPosition`` covers displayed fields only); searches never ask for
them back (``attributesToRetrieve`` is :data:`DISPLAYED`)."""

FACET_ATTRIBUTES: dict[str, str] = {
    "source": "source",
    "municipality": "municipalities",
    "region": "regions",
    "kind": "kinds",
    "language": "language",
    "role": "roles",
    "person": "people",
    "year": "year",
}
"""Query facet name -> document attribute."""

FILTER_ATTRIBUTES: dict[str, str] = {
    "sources": "source",
    "municipalities": "municipalities",
    "regions": "regions",
    "kinds": "kinds",
    "languages": "language",
    "roles": "roles",
    "people": "people",
}
"""Query filter field -> document attribute (values compared case-insensitively by `=`)."""

FILTERABLE: tuple[str, ...] = (
    *FILTER_ATTRIBUTES.values(),
    "year",
    "published_ts",
    "id",  # deletion by id
    "id_key",  # keyset paging of exports
    "schema",  # finds documents written by another schema version; counts past maxTotalHits
)
SORTABLE: tuple[str, ...] = ("published_ts", "id_key", "recency")  # recency: the rule's

RANKING_RULES: tuple[str, ...] = (
    # `sort` first: asked for a date order, the order is the date's (as in the Tantivy
    # backend); every hit already holds every word (matchingStrategy "all").
    "sort",
    "words",
    "typo",
    "proximity",
    "attribute",
    "exactness",
    # The recency tie-break: among equally relevant hits, the newest first.
    "recency:desc",
)

MAX_TOTAL_HITS = MAX_OFFSET + MAX_LIMIT
"""Every page a Query may ask for is reachable (exports page by keyset, not by offset)."""
MAX_VALUES_PER_FACET = 10_000
"""Values the server counts per facet, most frequent first: every municipality (290), region
(21), kind, language, year and source many times over; people and roles on a large archive
can have more. A search shows the top few hundred (``MeilisearchBackend.facet_size``, as the
Tantivy backend), so the values shown are exact far past that. The cost is only that of the
facets a search asks for (the default ones have a few hundred values at most)."""

SEARCH_CUTOFF_MS = 10_000
"""How long the server may rank one search before it stops and appends the remaining hits
unsorted (Meilisearch's default is 1500 ms). Date-sorted pages and the keyset-paged export
rely on the order, so it is long, and still well inside the 30 s HTTP timeout; a page that
is cut anyway is asked for again, then refused (``MeilisearchBackend``)."""

TYPO_TOLERANCE: dict[str, Any] = {
    # The Tantivy backend's rule (which is Meilisearch's default, set here explicitly):
    # words under 5 letters exact, 5-8 one typo, 9+ two; a transposition counts as one.
    "enabled": True,
    "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
    "disableOnWords": [],
    "disableOnAttributes": [],
}

# Synonym groups newsrooms expect; within a group every entry finds the others. Written as
# readable Swedish; analysed to stems (the form the query reaches the server in).
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("kommunchef", "kommundirektör"),
    ("räddningstjänst", "brandkår", "brandförsvar"),
    ("räddningschef", "brandchef"),
    ("socialchef", "socialdirektör"),
    ("skolchef", "utbildningschef"),
    ("vd", "verkställande direktör"),
    ("kommunalråd", "kommunstyrelsens ordförande"),
    ("ks", "kommunstyrelse"),
    ("kf", "kommunfullmäktige"),
    ("polisen", "polismyndigheten"),
)


# ---------------------------------------------------------------------- analysis


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball Swedish stem of one lowercase word."""
    return str(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lowercase words of ``text``: runs of letters and digits (NFC), at most 40 chars each."""
    text = unicodedata.normalize("NFC", text).lower()
    found: list[str] = []
    current: list[str] = []
    for char in text:
        if char.isalnum():
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return [word for word in found if len(word) <= MAX_WORD_CHARS]


def word_key(word: str) -> str:
    """The stem of one word as written (any case): what it is indexed and searched as."""
    return stem(unicodedata.normalize("NFC", word).lower())


def analyze(text: str) -> list[str]:
    """The stems of ``text``, in order: what a ``*_sv`` field holds and a query word becomes."""
    return [stem(word) for word in words(text)]


@lru_cache(maxsize=1)
def _head_stems() -> dict[str, int]:
    return compound_heads(lambda head: analyze(head)[:1])


def compound_parts(stems: Iterable[str]) -> set[str]:
    """Head stems of the compounds among ``stems`` ("säkerhetssamordn" -> {"samordn"})."""
    return find_compound_heads(stems, _head_stems())


@lru_cache(maxsize=1)
def stop_words() -> tuple[str, ...]:
    """The Swedish stop words as they appear in the ``*_sv`` fields (stems), sorted."""
    return tuple(sorted({s for word in SWEDISH_STOP_WORDS for s in analyze(word)}))


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    """Meilisearch synonyms from :data:`SYNONYM_GROUPS`, in stem form, every way round."""
    table: dict[str, set[str]] = {}
    for group in SYNONYM_GROUPS:
        forms = list(dict.fromkeys(" ".join(analyze(entry)) for entry in group))
        for form in forms:
            others = {other for other in forms if other != form}
            if form and others:
                table.setdefault(form, set()).update(others)
    return {key: sorted(values) for key, values in sorted(table.items())}


# ---------------------------------------------------------------------- settings


@lru_cache(maxsize=1)
def _settings() -> dict[str, Any]:
    return {
        "searchableAttributes": list(SEARCHABLE),
        "displayedAttributes": list(DISPLAYED_ATTRIBUTES),
        "filterableAttributes": sorted(FILTERABLE),
        "sortableAttributes": sorted(SORTABLE),
        "rankingRules": list(RANKING_RULES),
        "stopWords": list(stop_words()),
        "synonyms": synonyms(),
        "typoTolerance": TYPO_TOLERANCE,
        "faceting": {
            "maxValuesPerFacet": MAX_VALUES_PER_FACET,
            "sortFacetValuesBy": {"*": "count"},
        },
        "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
        "localizedAttributes": [{"attributePatterns": ["*_sv"], "locales": [LOCALE]}],
        "searchCutoffMs": SEARCH_CUTOFF_MS,
    }


def index_settings() -> dict[str, Any]:
    """The settings a Lokalarkiv index must have (a fresh copy; safe to modify)."""
    settings: dict[str, Any] = _deep_copy(_settings())
    return settings


_UNORDERED = frozenset({"displayedAttributes", "sortableAttributes", "stopWords"})
_ORDERED = frozenset({"searchableAttributes", "rankingRules"})


def settings_changes(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``wanted`` that differs from the server's ``current`` settings.

    Order matters only where Meilisearch gives it a meaning (searchable attributes, ranking
    rules); sets are compared as sets, synonyms as sets of alternatives, and nested settings
    (typo tolerance, faceting, pagination) only on the keys we set, so fields a newer server
    adds (``disableOnNumbers``, ...) never cause an update.
    """
    changes: dict[str, Any] = {}
    for key, value in wanted.items():
        if not _same(key, current.get(key), value):
            changes[key] = _deep_copy(value)
    return changes


def _same(key: str, current: Any, wanted: Any) -> bool:
    if key in _ORDERED:
        return isinstance(current, list) and [str(v) for v in current] == list(wanted)
    if key in _UNORDERED:
        return _as_set(current) == _as_set(wanted)
    if key == "filterableAttributes":
        return _filterable(current) == _filterable(wanted)
    if key == "synonyms":
        if not isinstance(current, Mapping):
            return not wanted
        return {k: _as_set(v) for k, v in current.items()} == {
            k: _as_set(v) for k, v in wanted.items()
        }
    if key == "localizedAttributes":
        return _localized(current) == _localized(wanted)
    return _subset_equal(current, wanted)


def _subset_equal(current: Any, wanted: Any) -> bool:
    """``wanted`` holds in ``current``: dicts compared on wanted's keys; lists of strings in
    a nested setting compared as sets (the server returns them sorted)."""
    if isinstance(wanted, Mapping):
        if not isinstance(current, Mapping):
            return False
        return all(_subset_equal(current.get(k), v) for k, v in wanted.items())
    if isinstance(wanted, list) and all(isinstance(v, str) for v in wanted):
        return isinstance(current, list) and _as_set(current) == _as_set(wanted)
    return bool(current == wanted)


def _as_set(value: Any) -> frozenset[str]:
    if not isinstance(value, list | tuple | set | frozenset):
        return frozenset()
    return frozenset(
        str(v) if not isinstance(v, Mapping) else repr(sorted(v.items())) for v in value
    )


def _filterable(value: Any) -> frozenset[str]:
    """Filterable attributes as plain names. A server that answers in the granular form
    (v1.14+) writes a plain name as a pattern with every feature on; anything narrower is
    kept as it is, so it differs from a plain name and is sent again."""
    names: set[str] = set()
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, str):
            names.add(entry)
        elif isinstance(entry, Mapping) and _all_features(entry.get("features")):
            names.update(str(p) for p in entry.get("attributePatterns") or [])
        else:
            names.add(repr(entry))
    return frozenset(names)


def _all_features(features: Any) -> bool:
    if features is None:
        return True
    if not isinstance(features, Mapping):
        return False
    flags = [features.get("facetSearch", True)]
    filters = features.get("filter", {})
    if isinstance(filters, Mapping):
        flags += [filters.get("equality", True), filters.get("comparison", True)]
    return all(flag is True for flag in flags)


def _localized(value: Any) -> frozenset[tuple[frozenset[str], frozenset[str]]]:
    rules: set[tuple[frozenset[str], frozenset[str]]] = set()
    for rule in value or []:
        if isinstance(rule, Mapping):
            rules.add((_as_set(rule.get("attributePatterns")), _as_set(rule.get("locales"))))
    return frozenset(rules)


def _deep_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_deep_copy(v) for v in value]
    return value


# ---------------------------------------------------------------------- documents


def id_key(article_id: str) -> int:
    """A number from the id's first 13 hex digits (52 bits: exact in a JSON double), the
    tie-break of date sorts and the second half of the export keyset."""
    try:
        return int(article_id[:13], 16)
    except ValueError:
        return int.from_bytes(article_id.encode("utf-8")[:6].ljust(6, b"\0"), "big")


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None:  # records are aware; a naive one is taken as Stockholm time
        value = value.replace(tzinfo=STOCKHOLM)
    return value.astimezone(UTC)


def _clean(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def stem_fields(title: str, lead: str, body: str) -> dict[str, str]:
    """``title_sv``, ``lead_sv``, ``body_sv`` and ``parts_sv`` of a document with this text:
    what is indexed, and what a hit's ``_matchesPosition`` offsets point into."""
    stems_title = analyze(title)
    stems_lead = analyze(lead)
    stems_body = analyze(body)
    return {
        "title_sv": " ".join(stems_title),
        "lead_sv": " ".join(stems_lead),
        "body_sv": " ".join(stems_body),
        "parts_sv": " ".join(sorted(compound_parts([*stems_title, *stems_lead, *stems_body]))),
    }


def document(article: Article) -> dict[str, Any]:
    """The Meilisearch document of one article (see the module docstring for the fields).

    ``published_ts`` (Unix seconds) and ``year`` (Stockholm) are absent for undated articles,
    so date filters and date sorts leave them out / put them last, as the Tantivy backend
    does; ``recency`` (the ranking tie-break) is in every document: published, else first
    seen, else fetched, else 0.
    """
    people = _clean(person.name for person in article.people)
    doc: dict[str, Any] = {
        "id": article.id,
        "url": article.canonical_url or article.url,
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "source": article.source,
        "source_name": article.source_name,
        "municipalities": _clean(article.municipalities),
        "regions": _clean(article.regions),
        "kinds": _clean(article.kinds),
        "language": article.language or None,
        "roles": _clean(article.roles),
        "people": people,
        "paywalled": bool(article.paywalled),
        **stem_fields(article.title, article.lead, article.body),
        "people_sv": [" ".join(analyze(name)) for name in people],
        "id_key": id_key(article.id),
        "schema": SCHEMA_VERSION,
    }
    if article.published is not None:
        published = _to_utc(article.published)
        doc["published"] = published.astimezone(STOCKHOLM).isoformat()
        doc["published_ts"] = int(published.timestamp())
        doc["year"] = str(published.astimezone(STOCKHOLM).year)
    when = article.published or article.first_seen or article.fetched_at
    doc["recency"] = int(_to_utc(when).timestamp()) if when is not None else 0
    return doc
