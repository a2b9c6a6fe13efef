"""Snippets: a fragment of each hit's body (else lead) with the matched words marked.

Tantivy's SnippetGenerator over body (else lead; else the plain lead), its fragment and the
ranges it highlights taken as a :class:`~indexer.search.query.Snippet`. For the documents the
exact words left unmarked, the words that matched otherwise are added to the highlight terms,
found once per result page: completions from the query, compounds where the head occurs, typo
and folded forms from the text's words (a cache of each whitespace token's words; rapidfuzz for
the edit distance).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache

import tantivy as tv

from indexer.search.backends.tantivy.plan import Plan, should
from indexer.search.backends.tantivy.schema import analyzers, head_stems, stems
from indexer.search.query import Snippet
from indexer.search.textsearch import strip_diacritics

__all__ = ["SNIPPET_CHARS", "PageSnippets", "plain_snippet"]

SNIPPET_CHARS = 240
_FIELDS = ("body", "lead")


class PageSnippets:
    """Highlighted fragments of body (else lead) for one result page."""

    def __init__(self, searcher: tv.Searcher, schema: tv.Schema, plan: Plan) -> None:
        self.searcher = searcher
        self.schema = schema
        self.plan = plan
        self.heads = head_stems()
        self._generators: dict[tuple[str, tuple[str, ...]], tv.SnippetGenerator] = {}

    def _generator(self, field_name: str, stems_: tuple[str, ...]) -> tv.SnippetGenerator:
        key = (field_name, stems_)
        if key not in self._generators:
            highlight = should(
                [tv.Query.term_query(self.schema, field_name, stem) for stem in stems_]
            )
            generator = tv.SnippetGenerator.create(
                self.searcher, highlight, self.schema, field_name
            )
            generator.set_max_num_chars(SNIPPET_CHARS)
            self._generators[key] = generator
        return self._generators[key]

    def page(self, docs: Sequence[tv.Document]) -> list[Snippet]:
        """The fragment of each document, with the query's words marked.

        The words as stemmed are tried first (body, then lead: cheap, and enough for most
        hits). The words that matched only by a typo, a prefix or as a compound's head are
        looked for once, in the texts of the documents the exact words left unmarked, and
        added to the highlight terms for those documents.
        """
        # A stem no body or lead holds (a misspelt word) cannot mark anything: when no stem
        # is left, the exact pass over every document is skipped.
        exact = tuple(
            stem
            for stem in self.plan.stems
            if any(self.searcher.doc_freq(name, stem) for name in _FIELDS)
        )
        snippets: list[Snippet | None] = [None] * len(docs)
        unmarked: list[int] = []
        for i, doc in enumerate(docs):
            if exact:
                snippets[i] = self._marked(doc, exact)
            if snippets[i] is None:
                unmarked.append(i)
        if unmarked and self.plan.words:
            texts = (str(docs[i].get_first(name) or "") for i in unmarked for name in _FIELDS)
            variants = tuple(sorted(self._variants("\n".join(texts))))
            if variants:
                for i in unmarked:
                    snippets[i] = self._marked(docs[i], exact + variants)
        return [
            snippet
            if snippet is not None
            else plain_snippet(str(doc.get_first("lead") or doc.get_first("body") or ""))
            for snippet, doc in zip(snippets, docs, strict=True)
        ]

    def _marked(self, doc: tv.Document, stems_: tuple[str, ...]) -> Snippet | None:
        """The first fragment, over body then lead, with one of ``stems_`` marked, if any."""
        for field_name in _FIELDS:
            if doc.get_first(field_name):
                snippet = self._generator(field_name, stems_).snippet_from_doc(doc)
                ranges = snippet.highlighted()
                if ranges:
                    return _from_engine(str(snippet.fragment()), ranges)
        return None

    def _variants(self, text: str) -> set[str]:
        """Stems of words in ``text`` that matched a query word only by prefix, as a compound
        or by typo, so that the snippet highlights them too.

        Completions are known from the query (highlighting one the text lacks does nothing);
        compounds are looked for where the head's stem occurs in the text. Only a word with
        typo or folded matching needs all of the text's words: its edit distance (rapidfuzz's
        optimal string alignment: a transposition costs 1, as in Tantivy) runs over them in
        one call, for a word that nothing cheaper found.
        """
        found: set[str] = set()
        lower = text.lower()
        for word in self.plan.words:
            found.update(word.completions)
            min_modifier = self.heads.get(word.stem)
            if min_modifier is not None:
                found |= _compounds_of(lower, word.stem, min_modifier)
        scan = [word for word in self.plan.words if word.distance or word.fold_only]
        if not scan:
            return found
        words_in_text = _words_in(text)  # (stem, folded surface)
        present = {stem for stem, _ in words_in_text}
        pairs: list[tuple[str, str]] = []
        for word in scan:
            if word.stem in present:  # matched exactly: covered by the exact terms
                continue
            folded_forms = {stem for stem, folded in words_in_text if folded == word.folded}
            found |= folded_forms
            if folded_forms or not word.distance:
                continue
            from rapidfuzz import process  # on first use: its import is 12 ms of a start
            from rapidfuzz.distance import OSA

            pairs = pairs or list(words_in_text)
            close = process.extract(
                word.folded,
                [folded for _, folded in pairs],
                scorer=OSA.distance,
                score_cutoff=word.distance,
                limit=None,
            )
            found.update(pairs[index][0] for _, _, index in close)
        return found


def _from_engine(fragment: str, ranges: Sequence[tv.Range]) -> Snippet:
    """Tantivy's fragment and highlighted byte ranges as a Snippet: character offsets, and
    overlapping ranges joined as Tantivy's own ``to_html`` joins them."""
    encoded = fragment.encode("utf-8")
    spans: list[tuple[int, int]] = []
    for item in ranges:
        start, end = int(item.start), int(item.end)
        if start >= end:  # marks nothing (Tantivy's HTML would hold an empty <b></b>)
            continue
        if spans and spans[-1][1] > start:  # overlaps the last one: widen it
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    chars = [
        (len(encoded[:start].decode("utf-8")), len(encoded[:end].decode("utf-8")))
        for start, end in spans
    ]
    return Snippet.of(fragment, chars, escape_quotes=True)


@lru_cache(maxsize=200_000)  # the same tokens recur in every result page
def _token_words(token: str) -> tuple[tuple[str, str], ...]:
    """(stem, lowercase folded surface) of each word in one whitespace-separated token."""
    return tuple(
        (t.text, strip_diacritics(token[t.char_offset_from : t.char_offset_to].lower()))
        for t in analyzers()["sv"].pre_tokenize(token).tokens
    )


def _words_in(text: str) -> set[tuple[str, str]]:
    """(stem, folded surface) of each word in ``text``, analysed a token at a time."""
    return set(itertools.chain.from_iterable(map(_token_words, set(text.split()))))


def _compounds_of(lower: str, head: str, min_modifier: int) -> set[str]:
    """Stems of the compounds in ``lower`` (lowercased text) whose stem ends in the ``head``
    stem after a modifier of ``min_modifier`` letters or more."""
    words = set(re.findall(rf"\w{{{min_modifier},}}{re.escape(head)}\w*", lower))
    return {
        stem
        for stem in stems(" ".join(words))
        if stem.endswith(head) and len(stem) - len(head) >= min_modifier
    }


def plain_snippet(text: str) -> Snippet:
    """The start of ``text`` with nothing marked, cut at a word within ``SNIPPET_CHARS``."""
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return Snippet.of(text)
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return Snippet.of(text[: cut if cut > 0 else SNIPPET_CHARS] + " …")
