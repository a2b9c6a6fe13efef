"""A :class:`~indexer.search.query.Query` compiled to one Tantivy query (:class:`Plan`).

Each user word is a MUST of its exact stem in ``text`` (BM25; compounds share it) and, where
they can add documents, its typo and prefix variants as small constant scores (0.02 > 0.01,
below the BM25 of any word not in nearly every article). Typo tolerance runs on the ``fold``
field (Meilisearch's rule: words of 5-8 letters match with 1 edit, 9+ with 2, shorter ones
only exactly; transpositions count 1), so "sakerhetssamordnare" finds "säkerhetssamordnare"
and "Westerbak" finds "Westerbäck". A word that occurs in 1 % of the index or more (and in
100+ documents) is taken as typed right and gets no typo derivations, only its folded form
(see :func:`typo_cutoff`). Search-as-you-type (the last word, 3+ letters) matches its
completions in ``text``: the most frequent stems that start with it, less the word's own
forms, at most ``PREFIX_EXPANSIONS`` (Meilisearch caps prefix derivations too; see
:func:`completions`), found in the table of frequent stems (:mod:`.completions`).

Only the variants that can add documents are in the query (a union of big posting lists
costs several times one list, and tantivy-py scores every match). Quoted phrases are phrase
queries on ``text`` (a one-word phrase is exact: no typos); -word and -"phrase" are MUST_NOT.
Function words (och, i, på, ...) are optional when other words remain. Filters are
constant-score (0) clauses built from the values (term sets, a date range), never from a
query string.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import tantivy as tv

from indexer.errors import QueryError
from indexer.search.backends.tantivy.completions import CompletionTable
from indexer.search.backends.tantivy.pairs import pair_tokens
from indexer.search.backends.tantivy.schema import (
    KEYWORDS,
    MATCH_FIELD,
    PAIR_FIELD,
    STOCKHOLM,
    folded,
    keyword,
    pair_stems,
    stems,
    typo_distance,
)
from indexer.search.query import Query
from indexer.search.textsearch import SWEDISH_STOP_WORDS, ParsedQuery, parse_user_query

__all__ = [
    "FUZZY_SCORE",
    "PREFIX_SCORE",
    "Plan",
    "Word",
    "completions",
    "phrase",
    "should",
    "typo_cutoff",
]

# Constant scores of the non-exact ways a word matches, below the BM25 of any word that is not
# in nearly every article (a word in 90 % of them scores ~0.05), so exact matches (and
# compounds, see .schema) come first, then completions, then typos.
PREFIX_SCORE = 0.02
FUZZY_SCORE = 0.01
TYPO_MAX_SHARE = 0.01
TYPO_MIN_DOCS = 100
MIN_PREFIX_CHARS = 3
PREFIX_EXPANSIONS = 50
PREFIX_CANDIDATES = 200


@dataclass(slots=True)
class Word:
    """One positive user word, analysed."""

    stem: str
    folded: str
    typed: str  # lowercase, as typed
    distance: int
    prefix: bool
    fold_only: bool = False  # also match the folded word exactly (no typos): see typo_cutoff
    completions: tuple[str, ...] = ()  # stems the last word completes to (search-as-you-type)


@dataclass(slots=True)
class Plan:
    """A Query compiled to one Tantivy query, plus what snippets need."""

    query: tv.Query
    scored: bool
    sort: str
    stems: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        schema: tv.Schema,
        query: Query,
        searcher: tv.Searcher,
        table: CompletionTable | None = None,
    ) -> Plan:
        """Compile ``query``; ``searcher`` gives the document frequencies the typo rule
        looks at (see :func:`typo_cutoff`), ``table`` the frequent stems completions are
        taken from (see :func:`completions`)."""
        try:
            return _Builder(schema, searcher, table).build(query)
        except _Unreadable as unreadable:  # not the query: the caller's guard around the
            raise unreadable.error from None  # engine takes it for damage (and a rebuild)
        except ValueError as exc:
            raise QueryError(f"the search could not be built: {exc}") from exc


class _Unreadable(Exception):
    """Tantivy's error reading the index's terms while a plan was built (its bytes are
    damaged), kept apart from its errors about the query itself."""

    def __init__(self, error: ValueError) -> None:
        super().__init__(str(error))
        self.error = error


class _Builder:
    """The clauses of one plan, gathered word by word."""

    def __init__(
        self, schema: tv.Schema, searcher: tv.Searcher, table: CompletionTable | None
    ) -> None:
        self.schema = schema
        self.searcher = searcher
        self.table = table
        self.cutoff = typo_cutoff(searcher)
        self.must: list[tv.Query] = []
        self.optional: list[tv.Query] = []  # function words, when other words remain
        self.must_not: list[tv.Query] = []
        self.stems: list[str] = []
        self.words: list[Word] = []

    def build(self, query: Query) -> Plan:
        parsed = parse_user_query(query.text)
        self._terms(parsed)
        for words_in in parsed.phrases:
            phrase_stems = stems(" ".join(words_in))
            if phrase_stems:
                self.stems.extend(phrase_stems)
                self.must.append(phrase(self.schema, phrase_stems))
        for words_out in (*((t,) for t in parsed.excluded_terms), *parsed.excluded_phrases):
            out_stems = stems(" ".join(words_out))
            if out_stems:
                self.must_not.append(phrase(self.schema, out_stems))
        has_text = bool(self.must)
        return Plan(
            query=self._compiled(query),
            scored=has_text and query.sort == "relevance",
            sort=query.sort,
            stems=list(dict.fromkeys(self.stems)),
            words=self.words,
        )

    def _terms(self, parsed: ParsedQuery) -> None:
        """The clauses of the unquoted words (each distinct one once)."""
        seen: set[str] = set()
        last = len(parsed.terms) - 1
        content_words = [
            t for t in parsed.terms if t.lower() not in SWEDISH_STOP_WORDS
        ] or parsed.phrases
        for position, term in enumerate(parsed.terms):
            term_stems = stems(term)
            key = " ".join(term_stems)
            if not term_stems or key in seen:
                continue
            seen.add(key)
            self.stems.extend(term_stems)
            if len(term_stems) > 1:  # "e-post", "S:t": the pieces as a phrase
                clause = phrase(self.schema, term_stems)
            else:
                word = self._word(term, term_stems[0], parsed.prefix and position == last)
                self.words.append(word)
                clause = _word_clause(self.schema, word)
            if content_words and term.lower() in SWEDISH_STOP_WORDS:
                self.optional.append(clause)
            else:
                self.must.append(clause)

    def _word(self, term: str, stem: str, last_typed: bool) -> Word:
        """``term`` analysed: its typo distance, folded form and completions."""
        folded_forms = folded(term)
        one = len(folded_forms) == 1
        word = Word(
            stem=stem,
            folded=folded_forms[0] if one else "",
            typed=term.lower(),
            distance=typo_distance(term) if one else 0,
            prefix=last_typed and one and len(folded_forms[0]) >= MIN_PREFIX_CHARS,
        )
        try:  # reads of the term dictionary: what fails here is the index's bytes
            folded_docs = self.searcher.doc_freq("fold", word.folded) if word.distance else 0
            if folded_docs >= self.cutoff:
                word.distance = 0  # a common word is taken as typed right
                word.fold_only = _adds_documents(self.searcher, word, folded_docs)
            if word.prefix:
                word.completions = tuple(completions(self.searcher, word, self.table))
        except ValueError as exc:
            raise _Unreadable(exc) from exc
        return word

    def _compiled(self, query: Query) -> tv.Query:
        """The one Tantivy query: words, function words, exclusions, filters."""
        must = self.must or [tv.Query.all_query()]
        clauses: list[tuple[tv.Occur, tv.Query]] = [(tv.Occur.Must, q) for q in must]
        clauses += [(tv.Occur.Should, q) for q in self.optional]
        clauses += [(tv.Occur.MustNot, q) for q in self.must_not]
        clauses += [
            (tv.Occur.Must, tv.Query.const_score_query(q, 0.0))
            for q in _filters(self.schema, query)
        ]
        return clauses[0][1] if len(clauses) == 1 else tv.Query.boolean_query(clauses)


def should(queries: Sequence[tv.Query]) -> tv.Query:
    """Any of ``queries`` (the one itself when there is one)."""
    if len(queries) == 1:
        return queries[0]
    return tv.Query.boolean_query([(tv.Occur.Should, q) for q in queries])


def _word_clause(schema: tv.Schema, word: Word) -> tv.Query:
    """What a word must match: its exact stem (which compounds share) and the typo and
    prefix variants.

    One term over ``MATCH_FIELD`` plus only the variants that can add something: scoring a
    union of several big posting lists costs several times one list, and every match of every
    query is scored (tantivy-py cannot prune), so a common word with no variants is a single
    term scorer.
    """
    options = [phrase(schema, [word.stem])]
    if word.distance:
        fuzzy = tv.Query.fuzzy_term_query(schema, "fold", word.folded, word.distance, True)
        options.append(tv.Query.const_score_query(fuzzy, FUZZY_SCORE))
    elif word.fold_only:
        exact_folded = tv.Query.term_query(schema, "fold", word.folded)
        options.append(tv.Query.const_score_query(exact_folded, FUZZY_SCORE))
    if word.completions:
        prefix = tv.Query.term_set_query(schema, MATCH_FIELD, list(word.completions))
        options.append(tv.Query.const_score_query(prefix, PREFIX_SCORE))
    return should(options)


def completions(searcher: tv.Searcher, word: Word, table: CompletionTable | None) -> list[str]:
    """The words the last query word may be the start of (search-as-you-type), as stems.

    The most frequent stems in ``MATCH_FIELD`` that start with the word as typed (lowercase,
    diacritics kept: "lån" does not complete to "länsstyrelse"), less the word's own stem,
    which the exact clause finds already, at most ``PREFIX_EXPANSIONS``, most frequent first,
    as Meilisearch caps prefix derivations. A word's inflections stem back to its own stem, so
    what is left is the completions proper: "kommunch" -> "kommunchef", "styrelse" ->
    "styrelseledamot". They come from the ``table`` of frequent stems when it has any for the
    prefix, else from the term dictionary (see :mod:`.completions`).
    """

    def others(found: Iterable[tuple[str, int]]) -> list[str]:
        return [term for term, _count in found if term != word.stem]

    found: list[str] = []
    if table is not None:
        by_count = sorted(table.starting_with(word.typed), key=lambda tc: (-tc[1], tc[0]))
        found = others(by_count)
    if not found:
        found = others(searcher.terms_with_prefix(MATCH_FIELD, word.typed, limit=PREFIX_CANDIDATES))
    return found[:PREFIX_EXPANSIONS]


def typo_cutoff(searcher: tv.Searcher) -> int:
    """Documents a word may occur in and still get typo derivations.

    A word (as typed, folded) that occurs in at least 1 % of the index (Lucene's spell
    checker uses the same ``maxQueryFrequency``), and in at least ``TYPO_MIN_DOCS`` documents,
    is taken as typed right: its one- and two-edit neighbours are mostly its own inflections,
    which the stem already finds, and expanding them costs a bitset over all their postings
    (a fifth of the engine time at 300k articles). Rare and unknown words ("Westerbak",
    "sakerhetssamordnare") keep the full Meilisearch rule; so does every word of a small
    archive.
    """
    return max(TYPO_MIN_DOCS, int(searcher.num_docs * TYPO_MAX_SHARE))


def _adds_documents(searcher: tv.Searcher, word: Word, folded_docs: int) -> bool:
    """Whether the folded word, in ``folded_docs`` documents, may match documents its stem
    does not: it occurs in more documents than the stem (typed without å/ä/ö). The folded
    word then still matches exactly, as the fuzzy query did at distance 0."""
    return folded_docs > searcher.doc_freq(MATCH_FIELD, word.stem)


def phrase(schema: tv.Schema, stems_: Sequence[str]) -> tv.Query:
    """Exact words (no typos) in sequence, over ``MATCH_FIELD``.

    Through the ``PAIR_FIELD`` tokens of neighbouring frequent stems (:mod:`.pairs`): two
    such words are one pair term (exact, scored by BM25 on the pair); otherwise the phrase
    query on ``MATCH_FIELD``, which alone gives the score, with every pair term the phrase
    has as a condition (it narrows the documents whose positions are read, without
    positions of its own). A phrase with no pair has a word that is not frequent, and that
    word bounds the positions read.
    """
    if len(stems_) == 1:
        return tv.Query.term_query(schema, MATCH_FIELD, stems_[0])
    tokens = dict.fromkeys(pair_tokens(stems_, pair_stems()))
    pairs = [tv.Query.term_query(schema, PAIR_FIELD, t) for t in tokens]
    if len(stems_) == 2 and pairs:
        return pairs[0]
    in_order = tv.Query.phrase_query(schema, MATCH_FIELD, list(stems_))
    if not pairs:
        return in_order
    return tv.Query.boolean_query(
        [(tv.Occur.Must, in_order)]
        + [(tv.Occur.Must, tv.Query.const_score_query(q, 0.0)) for q in pairs]
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def _filters(schema: tv.Schema, query: Query) -> list[tv.Query]:
    """The structured filters of ``query`` as term sets and a date range."""
    filters: list[tv.Query] = []
    for _facet_field_name, filter_field, attribute in KEYWORDS.values():
        values: tuple[str, ...] = getattr(query, attribute)
        if values:
            terms = list(dict.fromkeys(keyword(v) for v in values))
            filters.append(tv.Query.term_set_query(schema, filter_field, terms))
    if query.ids:
        filters.append(tv.Query.term_set_query(schema, "id", list(dict.fromkeys(query.ids))))
    if query.date_from or query.date_to:
        lower = _day_start(query.date_from) if query.date_from else None
        upper = _day_start(query.date_to + timedelta(days=1)) if query.date_to else None
        filters.append(
            tv.Query.range_query(
                schema,
                "published",
                tv.FieldType.Date,
                lower_bound=lower,
                upper_bound=upper,
                include_lower=True,
                include_upper=upper is None,  # the end is the next day's start, exclusive
            )
        )
    return filters
