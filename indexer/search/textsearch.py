"""The query language a journalist can guess, parsed into a backend-neutral form.

Pure Python, no search-engine import, shared by every backend. The language is small:

    kommunchef vimmerby          every word must match (typos and inflections are the
                                 backend's business)
    "kommunens nya chef"         an exact phrase
    -skola   -"förskola i"       leave out articles with this word / phrase
    kommunch                     the LAST bare word, when the text does not end in
                                 whitespace, is also matched as a prefix (search-as-you-type)

Nothing else has a meaning, and nothing is ever an error: an unbalanced quote ends at the end
of the text; a lone ``-`` is dropped; ``:`` ``(`` ``)`` ``*`` ``^`` ``~`` and the like separate
words (so ``title:foo`` is the two words ``title`` and ``foo``); the operator words ``AND``
``OR`` ``NOT`` (upper case, as typed by habit from other search engines) are dropped when other
words remain, since every word must match anyway; when nothing else remains they are kept as
plain words. Typographic quotes (”“„«») count as ``"``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MAX_WORDS = 32
"""Words (terms, phrase words and exclusions together) kept from one query; the rest is dropped."""
MAX_WORD_CHARS = 64
"""A longer "word" is cut to this length (nobody types one; it guards the engine)."""

OPERATOR_WORDS = frozenset({"AND", "OR", "NOT"})

QUOTES = frozenset('"“”„«»')

# Common letters with diacritics and the base letter NFKD leaves of them: a fast path for
# strip_diacritics, which runs on every place name when the gazetteer loads.
_BASE_LETTERS = str.maketrans("åäöéèêëáàâãüúùûíìîïóòôõçñý", "aaoeeeeaaaauuuuiiiioooocny")


def strip_diacritics(text: str) -> str:
    """``text`` without diacritics (å, ä → a; ö → o; é → e), case kept: its NFKD form less the
    combining marks (so compatibility characters decompose too: "ﬁ" → "fi").

    The one folding of Lokalarkiv: place names are matched by it (the gazetteer, after
    casefolding) and the Tantivy backend's snippets find typed-without-å/ä/ö words by it
    (close enough to Tantivy's ascii_fold for highlighting).
    """
    folded = text.translate(_BASE_LETTERS)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Swedish function words. A backend may treat a query term from this list as optional when the
# query has other words (Meilisearch takes the list as its stop words). Kept short on purpose:
# content words such as "kommun" or "år" are never here.
_STOP_WORDS_TEXT = """
    alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din
    dina ditt du där efter ej eller en er era ert ett från för ha hade han hans har henne hennes
    hon honom hur här i icke ingen inom inte jag ju kan kunde med mellan men mig min mina
    mitt mot mycket ni nu när någon något några och om oss på samma sedan sig sin sina
    själv skulle som så sådan sådana sådant till under upp ut utan vad var vara varför varit
    varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt över
"""
SWEDISH_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A user's search text, understood.

    ``terms`` must all match (in order of appearance, duplicates removed); ``phrases`` are
    word sequences that must appear as written; ``excluded_terms`` / ``excluded_phrases`` must
    not appear. ``prefix`` is true when ``terms[-1]`` is the word still being typed (the text's
    last token is a bare word with no whitespace after it), so a backend also matches it as a
    prefix. A one-word phrase (``"kommun"``) asks for that word without typo tolerance.
    """

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded_terms: tuple[str, ...] = ()
    excluded_phrases: tuple[tuple[str, ...], ...] = ()
    prefix: bool = False

    @property
    def is_empty(self) -> bool:
        """True when nothing must match (no terms, no phrases); exclusions may remain."""
        return not self.terms and not self.phrases

    @property
    def prefix_term(self) -> str | None:
        """The word to complete as a prefix, or None."""
        return self.terms[-1] if self.prefix and self.terms else None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char) == "Mn"


def _words(chunk: str) -> list[str]:
    """Split a bare chunk into words: anything but letters, digits and inner hyphens
    separates words; hyphens at either end of a word are dropped."""
    cleaned = "".join(c if _is_word_char(c) or c == "-" else " " for c in chunk)
    words = []
    for piece in cleaned.split():
        word = piece.strip("-")
        if word:
            words.append(word[:MAX_WORD_CHARS])
    return words


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """Lex into (kind, value, excluded) where kind is "bare" or "phrase".

    Values of "bare" tokens are raw chunks (split into words later); a phrase is the text
    between two quotes. An opening quote without its closing partner is treated as a space.
    """
    text = "".join('"' if c in QUOTES else c for c in unicodedata.normalize("NFC", text))
    tokens: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        excluded = False
        if char == "-":
            # A leading minus excludes what follows, if something follows directly.
            j = i
            while j < n and text[j] == "-":
                j += 1
            if j >= n or text[j].isspace():
                i = j  # a lone "-" (or "--"): nothing to exclude
                continue
            excluded = True
            i = j
            char = text[i]
        if char == '"':
            close = text.find('"', i + 1)
            if close == -1:
                i += 1  # unbalanced: the quote is just a separator
                continue
            tokens.append(("phrase", text[i + 1 : close], excluded))
            i = close + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        tokens.append(("bare", text[i:j], excluded))
        i = j
    return tokens


def parse_user_query(text: str) -> ParsedQuery:
    """Parse a journalist's search text; never raises (see the module docstring)."""
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded_terms: list[str] = []
    excluded_phrases: list[tuple[str, ...]] = []
    operators: list[str] = []
    budget = MAX_WORDS
    last_kind = ""
    last_excluded = False

    for kind, value, excluded in _tokens(text):
        words = _words(value)
        if not words:
            continue
        if kind == "phrase":
            words = words[:budget]
            budget -= len(words)
            if words:
                (excluded_phrases if excluded else phrases).append(tuple(words))
                last_kind, last_excluded = "phrase", excluded
        else:
            # "-e-post" excludes the word e-post; a chunk such as "-title:foo" splits into
            # words that are all excluded.
            for word in words:
                if budget <= 0:
                    break
                if not excluded and word in OPERATOR_WORDS:
                    operators.append(word)
                    last_kind = "operator"
                    continue
                budget -= 1
                (excluded_terms if excluded else terms).append(word)
                last_kind, last_excluded = "bare", excluded
        if budget <= 0:
            break

    if operators and not (terms or phrases or excluded_terms or excluded_phrases):
        terms = operators  # only operator words: keep them as plain words
        last_kind, last_excluded = "bare", False

    ends_in_word = bool(text) and _is_word_char(text[-1])
    prefix = ends_in_word and last_kind == "bare" and not last_excluded and bool(terms)
    if prefix:
        # The word being typed must stay last after duplicates are removed.
        last = terms[-1]
        terms = [t for t in terms[:-1] if t != last] + [last]
    return ParsedQuery(
        terms=tuple(dict.fromkeys(terms)),
        phrases=tuple(dict.fromkeys(phrases)),
        excluded_terms=tuple(dict.fromkeys(excluded_terms)),
        excluded_phrases=tuple(dict.fromkeys(excluded_phrases)),
        prefix=prefix,
    )


# Common heads of Swedish compounds in local news: roles, bodies, municipal things. Both
# backends index a compound's head (säkerhetssamordnare -> samordnare) to find it by its part.
COMPOUND_HEADS: tuple[str, ...] = (
    # roles
    "samordnare", "chef", "direktör", "ansvarig", "ordförande", "sekreterare", "handläggare",
    "strateg", "utvecklare", "ledare", "rektor", "lärare", "läkare", "sjuksköterska",
    "sköterska", "assistent", "konsult", "utredare", "inspektör", "ingenjör", "arkitekt",
    "jurist", "ekonom", "controller", "politiker", "minister", "råd", "tjänsteman",
    "medarbetare", "kommunikatör", "samordning", "företagare", "förare", "polis", "präst",
    "talesperson", "ombudsman", "revisor", "vikarie", "pedagog", "kurator", "psykolog",
    "tekniker", "specialist", "expert", "biträde", "föreståndare", "administratör",
    # bodies
    "nämnd", "förvaltning", "styrelse", "fullmäktige", "utskott", "kommun", "region",
    "myndighet", "förbund", "bolag", "förening", "parti", "skola", "förskola", "gymnasium",
    "sjukhus", "vårdcentral", "bibliotek", "kontor", "avdelning", "enhet", "kansli",
    # municipal matters
    "budget", "beslut", "plan", "program", "projekt", "avtal", "utredning", "upphandling",
    "investering", "underskott", "överskott", "skatt", "taxa", "boende", "bostad", "vård",
    "omsorg", "tjänst", "bygge", "renovering", "nedläggning", "satsning", "hall", "bana",
)  # fmt: skip


def compound_heads(stem: Callable[[str], list[str]]) -> dict[str, int]:
    """Stem of each compound head -> the shortest modifier allowed before it, for a
    backend's own stemmer (``stem`` returns the stems of a word; the first is used)."""
    heads: dict[str, int] = {}
    for head in COMPOUND_HEADS:
        for head_stem in stem(head)[:1]:
            heads[head_stem] = max(3, 7 - len(head_stem))
    return heads


class CompoundFinder:
    """The compound heads among a text's stems (:func:`find_compound_heads`), for indexing,
    with one cache entry per distinct stem (cleared when it holds ``max_stems``).

    The stems come from the document's own analysis (the Tantivy index makes them once for
    its pair tokens and hands them here), so no word is stemmed twice; stems repeat across
    documents, so each distinct one is looked at once.
    """

    def __init__(self, stem: Callable[[str], list[str]], max_stems: int = 500_000) -> None:
        self.heads = compound_heads(stem)
        self._max_stems = max_stems
        self._with_heads: dict[str, tuple[str, ...]] = {}
        self._plain: set[str] = set()  # stems known to hold no compound: one set difference

    def in_stems(self, stems: Iterable[str]) -> set[str]:
        """The head stems of the compounds among ``stems``."""
        found: set[str] = set()
        for word_stem in set(stems) - self._plain:
            heads = self._with_heads.get(word_stem)
            if heads is None:
                heads = tuple(find_compound_heads((word_stem,), self.heads))
                if not heads:
                    if len(self._plain) >= self._max_stems:
                        self._plain.clear()
                    self._plain.add(word_stem)
                    continue
                if len(self._with_heads) >= self._max_stems:
                    self._with_heads.clear()
                self._with_heads[word_stem] = heads
            found.update(heads)
        return found


def find_compound_heads(stems: Iterable[str], heads: dict[str, int]) -> set[str]:
    """Head stems of the compounds among ``stems`` ("säkerhetssamordn" -> {"samordn"}):
    a known head at the end of a stem, after a modifier of at least its minimum length."""
    found: set[str] = set()
    for word_stem in set(stems):
        for cut in range(3, len(word_stem) - 2):
            tail = word_stem[cut:]
            min_modifier = heads.get(tail)
            if min_modifier is not None and cut >= min_modifier:
                found.add(tail)
    return found
