"""Quoted phrases through the pair tokens give exactly what Tantivy's own phrase query gives.

The index matches a phrase through ``pairs`` (neighbouring frequent stems as one token) and,
where a phrase has a rarer word or three words or more, the phrase query on ``text`` among the
documents that hold every pair it has. This checks that against the plain phrase query on
``text`` over the same real index: phrases cut from the articles (which must match), the same
words shuffled, phrases across the end of the title into the lead, repeated words,
inflections, function words, and rare words that are not paired, alone or among frequent ones.
"""

from __future__ import annotations

import collections
import hashlib
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tantivy as tv

from indexer.article import Article
from indexer.search.backends.tantivy import TantivyBackend
from indexer.search.backends.tantivy.pairs import pair_tokens
from indexer.search.backends.tantivy.schema import (
    MATCH_FIELD,
    PAIR_STEMS_FILE,
    SCHEMA_VERSION,
    pair_stems,
    pairs,
    register_analyzers,
    stems,
)
from indexer.search.query import Query

# A small vocabulary with inflections and function words, so that phrases recur across
# articles, words repeat within one, and many phrases hold their words out of order.
WORDS = (
    "kommunen kommunens kommun miljoner miljon kronor krona i på och att som beslutet beslut "
    "reserverade sig mot fullmäktige kommunfullmäktige nya ny chefen chef skolan skola "
    "budget budgeten år nästa för med har en ett den det till av om e-post S:t 2024 Åsa "
    "fastighetsförvaltningsbolagsstyrelseordförandeskapen"  # 52 bytes: the analyzer drops it
    " tranbärssaft hemslöjden Westerbak"  # not frequent words: never paired
).split()


PINNED = "4f759500ef64a83d"


def _sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "."


def _articles(n: int, rng: random.Random) -> list[Article]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    articles = []
    for k in range(n):
        url = f"https://www.example.se/nyheter/{k}"
        articles.append(
            Article(
                url=url,
                canonical_url=url,
                source="vt",
                source_name="VT",
                title=_sentence(rng, rng.randint(2, 6)),
                lead=_sentence(rng, rng.randint(0, 10)),
                body=" ".join(_sentence(rng, rng.randint(3, 12)) for _ in range(rng.randint(1, 6))),
                published=start + timedelta(hours=k),
            )
        )
    return articles


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TantivyBackend, Path]]:
    folder = tmp_path_factory.mktemp("phrases") / "index"
    backend = TantivyBackend(folder)
    backend.configure()
    backend.upsert(_articles(400, random.Random(7)))
    yield backend, folder
    backend.close()


def _ours(backend: TantivyBackend, phrase: str) -> set[str]:
    return {hit.id for hit in backend.search(Query(text=f'"{phrase}"', limit=1000)).hits}


def _plain(folder: Path, phrase: str) -> set[str]:
    """The ids Tantivy's own phrase query on ``text`` finds (a term query for one word)."""
    index = tv.Index.open(str(folder))
    register_analyzers(index)
    searcher = index.searcher()
    words: list[str] = stems(phrase)
    query: tv.Query
    if len(words) == 1:
        query = tv.Query.term_query(index.schema, MATCH_FIELD, words[0])
    else:
        query = tv.Query.phrase_query(index.schema, MATCH_FIELD, list(words))
    hits = searcher.search(query, 1000).hits
    return {str(searcher.doc(address).get_first("id")) for _, address in hits}


def _phrases(rng: random.Random, articles: list[Article]) -> Iterator[str]:
    for _ in range(150):
        article = rng.choice(articles)
        words = article.body.replace(".", "").split()
        length = rng.randint(2, 4)
        if len(words) > length:
            at = rng.randrange(len(words) - length)
            cut = words[at : at + length]
            yield " ".join(cut)  # from an article: matches at least there
            rng.shuffle(cut)
            yield " ".join(cut)  # the same words, mostly out of order
        yield " ".join(rng.choice(WORDS) for _ in range(length))
    for article in articles[:20]:  # across the end of the title into the lead
        title, lead = article.title.rstrip(".").split(), article.lead.rstrip(".").split()
        if title and lead:
            yield f"{title[-1]} {lead[0]}"
    yield "i i"
    yield "kommunen kommunen kommunen"


def test_pair_phrases_match_as_the_phrase_query_does(
    indexed: tuple[TantivyBackend, Path],
) -> None:
    backend, folder = indexed
    articles = _articles(400, random.Random(7))
    checked = matched = 0
    paired = collections.Counter[int]()
    for phrase in _phrases(random.Random(11), articles):
        expected = _plain(folder, phrase)
        assert _ours(backend, phrase) == expected, phrase
        checked += 1
        matched += bool(expected)
        words = stems(phrase)
        paired[len(pair_tokens(words, pair_stems())) * 2 // max(1, len(words) - 1)] += 1
    assert checked > 300
    assert 100 < matched < checked  # both kinds were really tried
    assert paired[0] > 20, paired  # phrases with no pair term,
    assert paired[1] > 20, paired  # some,
    assert paired[2] > 100, paired  # and a pair term for every two neighbours


def test_pair_tokens() -> None:
    both = {"miljon", "kron", "a", "b", "c"}
    assert pair_tokens(["miljon", "kron"], both) == ["miljon_kron"]
    assert pair_tokens(["a", "b", "c"], both) == ["a_b", "b_c"]
    assert pair_tokens(["a"], both) == []
    assert pair_tokens(["a", "", "b", "c"], both) == ["b_c"]  # no pair across a dropped token
    assert pair_tokens(["a", "x", "b", "c", "y"], both) == ["b_c"]  # both must be listed


def test_frequent_words_are_paired_and_rare_ones_not() -> None:
    listed = pair_stems()
    for word in ("miljoner", "kronor", "i", "går", "pension", "kommunfullmäktige", "ordförande"):
        assert all(stem in listed for stem in stems(word)), word
    for word in ("tranbärssaft", "hemslöjden", "Westerbak", "kanotpaddlare"):
        assert not any(stem in listed for stem in stems(word)), word
    assert "" not in listed
    assert 1000 < len(listed) < 5000


def test_the_paired_stems_belong_to_the_schema_version() -> None:
    """The list decides what an index holds: an index made with another list would miss
    phrases. Changing it needs a new SCHEMA_VERSION (old indexes are rebuilt) and a new
    fingerprint here."""
    fingerprint = hashlib.sha256("\n".join(sorted(pair_stems())).encode()).hexdigest()[:16]
    assert (SCHEMA_VERSION, fingerprint) == (7, PINNED), (
        f"{PAIR_STEMS_FILE.name} changed: bump SCHEMA_VERSION and pin {fingerprint}"
    )


def test_pairs_break_where_the_analyzer_drops_a_token() -> None:
    long_word = "x" * 41
    assert pairs().stems(f"Nya chefen {long_word} börjar") == ["nya", "chef", "", "börj"]
    assert pair_tokens(pairs().stems(f"Nya chefen {long_word} börjar"), pair_stems()) == [
        "nya_chef"
    ]
    assert pairs().stems("E-post, S:t Olof") == stems("E-post, S:t Olof")
