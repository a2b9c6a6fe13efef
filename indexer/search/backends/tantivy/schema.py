"""The index's fields and analyzers: what a Lokalarkiv Tantivy index is made of.

Analysis (custom analyzers registered on every open):

* ``sv`` for title / lead / body and ``text``: simple tokenizer (splits on anything not a
  letter or digit), lowercase, drop tokens over 40 chars, Swedish Snowball stemmer, so kommun /
  kommunen / kommunens / kommuner all index as ``kommun``. ``text`` (unstored, with positions)
  holds the title three times, the lead twice, the body and the compound heads, each as a
  separate value; words and phrases match there. Title, lead and body are stored, and their
  own indexes are documents only, for the snippets' term weights.
* ``pair`` (whitespace only) for ``pairs``: each pair of neighbouring ``sv`` stems that are
  both frequent words (:func:`pair_stems`) as one token ("miljon_kron"), made in Python
  (Tantivy has no shingle filter), with term frequencies and no positions (:mod:`.pairs`).
  A quoted phrase is matched through them where it can (see :func:`.plan.phrase`): two
  words are one posting list instead of two walked with their positions for every document
  that has both. At 1M articles "miljoner kronor" (770k matches) took 157 ms as a phrase
  query, the slowest of the benchmark mix. Elasticsearch's ``index_phrases`` pairs every
  word; Lucene's CommonGrams, like this, only frequent ones.
* ``fold`` for one extra unstored field over title + lead + body: lowercase + ASCII folding, no
  stemming. Typo tolerance runs there (see :mod:`.plan`).
* ``kw`` (raw, lowercase) for the filter copies of the keyword fields, so filters ignore case;
  the facet copies are raw fast fields that keep the original spelling for display (and the
  multi-valued ones a one-value copy too, which Tantivy counts faster: see :mod:`.facets`).

Compounds. Tantivy's ``split_compound`` filter was tried and rejected: it replaces a word it can
split by its parts (the whole word is gone from the index, so exact and phrase matching of the
compound suffer), it only splits when the whole word decomposes into dictionary words (the
Swedish linking -s- of "säkerhet-s-samordnare" needs "säkerhets" in the list), and a general
word list splits badly: with "en" in the list, "kommunen" becomes "kommun" + "en". Instead a
curated list of ~90 common compound heads (samordnare, chef, direktör, ordförande, nämnd,
styrelse, förvaltning, råd, tjänst, boende, ...) is matched at index time on the stemmed
words: a word whose stem ends in a head's stem, after a modifier of 3+ letters (4+ for the
three-letter "råd", so "förråd" is no "råd"), adds that head word once to ``text``, as a
value of its own after title, lead and body (so no phrase runs into or out of it).
"samordnare" then finds "säkerhetssamordnaren" through the same posting list as "samordnare"
itself, ranked by the same BM25 (a compound counts as one occurrence), and "kommunchef" stays
findable as itself.
A separate field would cost a union of two big posting lists for every query of a head word
(at 1M articles "styrelse" took 24 ms that way). The heads' reach is deliberate: "chef" finds
every *chef, "nämnd" every *nämnd.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import tantivy as tv

from indexer.search.backends.tantivy.pairs import MAX_WORD_BYTES, PairMaker
from indexer.search.textsearch import COMPOUND_HEADS, CompoundFinder, find_compound_heads

__all__ = [
    "COMPOUND_HEADS",
    "KEYWORDS",
    "MATCH_FIELD",
    "META_FILE",
    "PAIR_FIELD",
    "SCHEMA_VERSION",
    "SET_FACETS",
    "SET_SEPARATOR",
    "STOCKHOLM",
    "TEXT_REPEATS",
    "analyzers",
    "compound_parts",
    "compounds",
    "facet_field",
    "folded",
    "head_stems",
    "head_words",
    "keyword",
    "pair_stems",
    "pairs",
    "register_analyzers",
    "schema",
    "set_field",
    "stems",
    "typo_distance",
]

SCHEMA_VERSION = 7
"""Bump on any change to fields or analyzers: old indexes then refuse to open (rebuild)."""
META_FILE = "lokalarkiv-index.json"
PAIR_STEMS_FILE = Path(__file__).parent / "data" / "pair_stems.txt"
"""Part of the schema: a change needs a new ``SCHEMA_VERSION``."""
STOCKHOLM = ZoneInfo("Europe/Stockholm")

MATCH_FIELD = "text"
"""Title, lead and body in one indexed field: every word and phrase is matched here."""
PAIR_FIELD = "pairs"
"""Neighbouring stems as one token each, for phrases (see the module doc)."""
TEXT_REPEATS: dict[str, int] = {"title": 3, "lead": 2, "body": 1}
"""How many times ``text`` holds each part: a word of the title counts three times in BM25's
term frequency, one of the lead twice (title > lead > body, see :mod:`.ranking`)."""

# facet name -> (facet field: raw, fast, stored; filter field: lowercased; Query attribute)
KEYWORDS: dict[str, tuple[str, str, str]] = {
    "source": ("source", "source_kw", "sources"),
    "municipality": ("municipality", "municipality_kw", "municipalities"),
    "region": ("region", "region_kw", "regions"),
    "kind": ("kind", "kind_kw", "kinds"),
    "language": ("language", "language_kw", "languages"),
    "role": ("role", "role_kw", "roles"),
    "person": ("person", "person_kw", "people"),
}

SET_FACETS = ("municipality", "region", "kind")
"""Multi-valued facets also kept as one value per document, their values joined (see
:func:`.facets.count_facets`)."""
SET_SEPARATOR = "\x1f"


def schema() -> tv.Schema:
    """The fields of a Lokalarkiv index (``SCHEMA_VERSION``)."""
    builder = tv.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("url", stored=True, tokenizer_name="raw", index_option="basic")
    # Stored for display and snippets, indexed for document frequencies only (the snippets'
    # term weights); matching is on MATCH_FIELD.
    for name in TEXT_REPEATS:
        builder.add_text_field(name, stored=True, tokenizer_name="sv", index_option="basic")
    builder.add_text_field(MATCH_FIELD, tokenizer_name="sv")
    builder.add_text_field(PAIR_FIELD, tokenizer_name="pair", index_option="freq")
    builder.add_text_field("fold", tokenizer_name="fold", index_option="basic")
    for facet_field_name, filter_field, _ in KEYWORDS.values():
        builder.add_text_field(facet_field_name, stored=True, fast=True, tokenizer_name="raw")
        builder.add_text_field(filter_field, tokenizer_name="kw", index_option="basic")
    builder.add_text_field("source_name", stored=True, tokenizer_name="raw", index_option="basic")
    for name in SET_FACETS:
        builder.add_text_field(
            set_field(name), fast=True, tokenizer_name="raw", index_option="basic"
        )
    builder.add_text_field("year", fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_date_field("published", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field("order_new", fast=True)
    builder.add_unsigned_field("order_old", fast=True)
    builder.add_float_field("recency", fast=True)
    # For export's order without stored documents: the id as a number, and the date to the
    # microsecond (order_new/old hold whole seconds and 24 bits of the id).
    builder.add_unsigned_field("id_key", fast=True)
    builder.add_integer_field("published_us", fast=True)
    builder.add_boolean_field("paywalled", stored=True, indexed=True)
    return builder.build()


def facet_field(name: str) -> str:
    """The raw fast field a facet's values are counted in."""
    return "year" if name == "year" else KEYWORDS[name][0]


def set_field(name: str) -> str:
    """The one-value copy of a multi-valued facet (``SET_FACETS``)."""
    return f"{KEYWORDS[name][0]}_set"


@lru_cache(maxsize=1)
def analyzers() -> dict[str, tv.TextAnalyzer]:
    """The analyzers by name, built once per process."""

    def words() -> tv.TextAnalyzerBuilder:
        return tv.TextAnalyzerBuilder(tv.Tokenizer.simple()).filter(tv.Filter.lowercase())

    def simple() -> tv.TextAnalyzerBuilder:
        return words().filter(tv.Filter.remove_long(MAX_WORD_BYTES))

    return {
        "sv": simple().filter(tv.Filter.stemmer("swedish")).build(),
        "fold": simple().filter(tv.Filter.ascii_fold()).build(),
        "kw": tv.TextAnalyzerBuilder(tv.Tokenizer.raw()).filter(tv.Filter.lowercase()).build(),
        "pair": tv.TextAnalyzerBuilder(tv.Tokenizer.whitespace()).build(),
        "words": words().build(),  # "sv" before its length filter and stemmer: see .pairs
    }


def register_analyzers(index: tv.Index) -> None:
    """Make the analyzers known to ``index`` (Tantivy does not store them)."""
    for name, analyzer in analyzers().items():
        index.register_tokenizer(name, analyzer)


def stems(text: str) -> list[str]:
    """The ``sv`` analysis of ``text``: its words' Swedish stems, in order."""
    return list(analyzers()["sv"].analyze(text))


def folded(text: str) -> list[str]:
    """The ``fold`` analysis of ``text``: its words lowercased and ASCII-folded, in order."""
    return list(analyzers()["fold"].analyze(text))


def keyword(value: str) -> str:
    """A filter value as the ``kw`` fields hold it."""
    return value.strip().lower()


@lru_cache(maxsize=1)
def compounds() -> CompoundFinder:
    """The compound-head finder over the ``sv`` stems."""
    return CompoundFinder(stems)


@lru_cache(maxsize=1)
def pairs() -> PairMaker:
    """The maker of ``PAIR_FIELD`` values over the ``sv`` analysis."""
    return PairMaker(lambda text: list(analyzers()["words"].analyze(text)), stems)


@lru_cache(maxsize=1)
def pair_stems() -> frozenset[str]:
    """The stems paired in ``PAIR_FIELD`` (both of two neighbours must be one): frequent
    Swedish words and the field's own (see the file's header and :mod:`.pairs`)."""
    text = PAIR_STEMS_FILE.read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def head_stems() -> dict[str, int]:
    """Head stem -> the shortest modifier (in letters) a compound of it needs."""
    return compounds().heads


@lru_cache(maxsize=1)
def head_words() -> dict[str, str]:
    """Head stem -> the head word that stems to it, which ``text`` indexes for a compound."""
    words: dict[str, str] = {}
    for head in COMPOUND_HEADS:
        for head_stem in stems(head)[:1]:
            words.setdefault(head_stem, head)
    return words


def compound_parts(stems_: Iterable[str]) -> set[str]:
    """Head stems of the compounds among ``stems_`` ("säkerhetssamordn" -> {"samordn"})."""
    return find_compound_heads(stems_, head_stems())


def typo_distance(word: str) -> int:
    """Edits a word may be off by (Meilisearch's rule): <5 letters 0, 5-8 one, 9+ two."""
    letters = sum(1 for char in word if char.isalnum())
    return 0 if letters < 5 else 1 if letters < 9 else 2
