"""The ``pairs`` tokens: two neighbouring stems of a text as one token, for phrases, where both
are frequent words (listed in ``data/pair_stems.txt``, see :func:`.schema.pair_stems`).

A phrase query reads the positions of every document that holds all its words, so it is slow
exactly when all its words are frequent ("miljoner kronor": 770,000 of 1M articles); a phrase
with a rarer word is bounded by that word. Pairing only frequent stems keeps the pairs the
slow phrases need, at a fraction of the distinct terms that pairing every word makes (those
made indexing 2.5x slower: Tantivy's writer fills its memory with millions of one-off terms).

Tantivy has no shingle filter, so the tokens are made here and indexed with a whitespace
tokenizer (see :mod:`.schema`). They must pair exactly the stems that the ``sv`` analysis puts
at neighbouring positions in ``text``, or a phrase would find what the phrase query would not:
each piece of text is split and stemmed by Tantivy's own tokenizer and stemmer (as the ``sv``
analyzer does: simple tokenizer, lowercase, drop words of 40+ bytes, Swedish stemmer), and a
word the analyzer drops leaves a gap that no pair spans (its neighbours are not at
neighbouring positions). Analysing every text through Tantivy costs as much as the rest of a
document's building; pieces repeat, so a cache makes it a dictionary lookup per piece.
``tests/unit/test_tantivy_phrases.py`` checks the phrases found through the pairs against
Tantivy's own phrase query.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

__all__ = ["MAX_WORD_BYTES", "PAIR_JOINER", "PairMaker", "pair_tokens"]

MAX_WORD_BYTES = 40
"""The ``sv`` analysis drops a lowercased word of this many UTF-8 bytes or more."""
PAIR_JOINER = "_"
"""Between the two stems of a pair token: the ``sv`` tokens are letters and digits only."""
_GAP = ""  # a dropped token


def pair_tokens(stems: Sequence[str], paired: AbstractSet[str]) -> list[str]:
    """Each two neighbouring stems that are both in ``paired`` as one token ([a, b, c] ->
    ["a_b", "b_c"]); none across an empty stem (a token the analyzer dropped, never in
    ``paired``)."""
    return [
        f"{a}{PAIR_JOINER}{b}" for a, b in itertools.pairwise(stems) if a in paired and b in paired
    ]


class PairMaker:
    """The stems of texts at their positions, for their pair tokens (:func:`pair_tokens`) and
    compound heads, with one cache entry per distinct whitespace-separated token (cleared at
    ``max_tokens``).

    ``words`` is the simple tokenizer with lowercasing (the ``sv`` analysis before its length
    filter and stemmer), ``stem`` the ``sv`` analysis of one word. A text is split on
    whitespace first (a tenth of the cost of splitting it into words with a regular
    expression), and each distinct piece is analysed once: "kommunen," -> ("kommun",).
    """

    def __init__(
        self,
        words: Callable[[str], list[str]],
        stem: Callable[[str], list[str]],
        max_tokens: int = 500_000,
    ) -> None:
        self._words = words
        self._stem = stem
        self._max_tokens = max_tokens
        self._stems: dict[str, tuple[str, ...]] = {}

    def stems(self, text: str) -> list[str]:
        """The stems of ``text`` at their positions, "" where the analyzer drops a word."""
        pieces = text.split()
        cache = self._stems
        try:
            return [stem for piece in pieces for stem in cache[piece]]
        except KeyError:  # pieces not seen before: analyse them, then look up again
            if len(cache) >= self._max_tokens:
                cache.clear()
            for piece in pieces:
                if piece not in cache:
                    cache[piece] = tuple(self._piece_stems(piece))
            return [stem for piece in pieces for stem in cache[piece]]

    def _piece_stems(self, piece: str) -> list[str]:
        found: list[str] = []
        for word in self._words(piece):
            if len(word.encode()) >= MAX_WORD_BYTES:
                found.append(_GAP)
            else:
                found.extend(self._stem(word))
        return found
