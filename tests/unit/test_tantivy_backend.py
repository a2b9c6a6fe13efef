"""The embedded Tantivy backend, against real indexes in tmp_path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from indexer.article import Article, Person, article_id
from indexer.errors import BackendUnavailable, ConfigError, IndexingError
from indexer.search.backends import SearchBackend, open_backend
from indexer.search.backends.tantivy import (
    META_FILE,
    SCHEMA_VERSION,
    TantivyBackend,
    compound_parts,
    documents,
    paging,
    ranking,
    typo_distance,
)
from indexer.search.backends.tantivy import facets as facet_counts
from indexer.search.backends.tantivy import plan as planning
from indexer.search.backends.tantivy.completions import CompletionTable
from indexer.search.backends.tantivy.plan import Word, completions
from indexer.search.query import FACETS, Hit, Query

TZ = ZoneInfo("Europe/Stockholm")


def make(
    key: str,
    *,
    title: str = "",
    lead: str = "",
    body: str = "",
    published: datetime | None = datetime(2024, 6, 1, 12, 0, tzinfo=TZ),
    source: str = "vt",
    **fields: object,
) -> Article:
    url = f"https://www.example.se/nyheter/{key}"
    return Article(
        url=url,
        canonical_url=url,
        source=source,
        source_name=source.upper(),
        title=title,
        lead=lead,
        body=body,
        published=published,
        **fields,  # type: ignore[arg-type]
    )


CORPUS = [
    make(
        "kommun",
        title="Skatten höjs",
        body="Kommunen höjer skatten med 50 öre nästa år.",
        published=datetime(2024, 3, 1, 0, 30, tzinfo=TZ),  # 2024-02-29 23:30 UTC
        municipalities=["Vimmerby"],
        regions=["Kalmar län"],
        kinds=["municipal"],
        language="sv",
    ),
    make(
        "kommunens",
        title="Budgeten klar",
        body="Kommunens budget för nästa år är klar efter långa förhandlingar.",
        published=datetime(2024, 2, 29, 23, 59, tzinfo=TZ),
        source="bt",
        municipalities=["Hultsfred"],
        regions=["Kalmar län"],
        kinds=["municipal"],
        language="sv",
    ),
    make(
        "kommuner",
        title="Samarbete i länet",
        body="Flera kommuner samarbetar om räddningstjänsten.",
        published=datetime(2023, 11, 5, 8, 0, tzinfo=TZ),
        source="bt",
        municipalities=["Hultsfred", "Vimmerby"],
        regions=["Kalmar län"],
        kinds=["municipal"],
        language="sv",
    ),
    make(
        "sakerhet",
        title="Ny säkerhetssamordnare anställd",
        lead="Hon kommer närmast från Region Kalmar.",
        body="Säkerhetssamordnaren Anna Westerbäck börjar i augusti.",
        published=datetime(2024, 5, 2, 9, 0, tzinfo=TZ),
        municipalities=["Vimmerby"],
        regions=["Kalmar län"],
        kinds=["personnel"],
        language="sv",
        people=[Person(name="Anna Westerbäck", roles=["säkerhetssamordnare"], change="appointed")],
    ),
    make(
        "westerback",
        title="Motionsloppet",
        body="Loppet vanns av Lars Westerback från Målilla.",
        published=datetime(2022, 8, 1, 9, 0, tzinfo=TZ),
        source="ol",
        municipalities=["Hultsfred"],
        regions=["Kalmar län"],
        language="sv",
    ),
    make(
        "chef",
        title="Kommunchefen slutar",
        body="Kommunchefen går i pension efter tolv år. Eva Berg tar över.",
        published=datetime(2024, 1, 15, 7, 0, tzinfo=TZ),
        source="ol",
        municipalities=["Västervik"],
        regions=["Kalmar län"],
        kinds=["personnel"],
        language="sv",
        people=[
            Person(name="Eva Berg", roles=["kommunchef"], change="appointed"),
            Person(name="Per Holm", roles=["kommunchef"], change="retired"),
        ],
    ),
    make(
        "skola",
        title="Skolan byggs om",
        body="Kommunen bygger om skolan i Vimmerby för 40 miljoner.",
        published=datetime(2024, 4, 10, 10, 0, tzinfo=TZ),
        municipalities=["Vimmerby"],
        regions=["Kalmar län"],
        kinds=["municipal"],
        language="sv",
    ),
    make(
        "nya-chefen",
        title="Rektorn presenterad",
        body="Den nya chefen för skolorna heter Karin Lund.",
        published=datetime(2024, 6, 3, 10, 0, tzinfo=TZ),
        source="bt",
        municipalities=["Hultsfred"],
        language="sv",
    ),
    make(
        "chefen-ny",
        title="Omorganisation",
        body="Chefen har fått flera nya uppdrag sedan i våras.",
        published=datetime(2024, 6, 4, 10, 0, tzinfo=TZ),
        source="bt",
        municipalities=["Hultsfred"],
        language="sv",
    ),
    make(
        "html",
        title="Tecken i texten",
        body="Budgeten <script>alert(1)</script> & annat: budgeten är 5 < 6.",
        published=datetime(2021, 1, 1, 12, 0, tzinfo=TZ),
        source="ol",
        language="sv",
        paywalled=True,
    ),
    make(
        "undated",
        title="Utan datum",
        body="En text om kommunen utan publiceringsdatum.",
        published=None,
        source="ol",
        language="sv",
    ),
    make(
        "english",
        title="Tourism season",
        body="The municipality expects more tourists this summer.",
        published=datetime(2024, 7, 1, 10, 0, tzinfo=TZ),
        source="ol",
        municipalities=["Borgholm"],
        language="en",
    ),
]
IDS = {article.url.rsplit("/", 1)[1]: article.id for article in CORPUS}


def keys(hits: list[Hit] | Iterator[Hit]) -> list[str]:
    by_id = {v: k for k, v in IDS.items()}
    return [by_id.get(hit.id, hit.id) for hit in hits]


def found(backend: TantivyBackend, text: str, **options: object) -> list[str]:
    return keys(backend.search(Query(text=text, limit=100, **options)).hits)  # type: ignore[arg-type]


def slugs(backend: TantivyBackend, text: str) -> list[str]:
    """The last URL segment (``make``'s key) of each hit, in rank order."""
    return [hit.url.rsplit("/", 1)[1] for hit in backend.search(Query(text=text)).hits]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TantivyBackend]:
    """One index with the corpus, shared by the read-only tests."""
    backend = TantivyBackend(tmp_path_factory.mktemp("corpus") / "index")
    backend.configure()
    assert backend.upsert(CORPUS) == len(CORPUS)
    yield backend
    backend.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[TantivyBackend]:
    backend = TantivyBackend(tmp_path / "index")
    backend.configure()
    yield backend
    backend.close()


# ---------------------------------------------------------------- Swedish analysis


def test_inflections_meet(corpus: TantivyBackend) -> None:
    expected = {"kommun", "kommunens", "kommuner", "skola", "undated"}
    for text in ("kommun ", "kommunen ", "kommunens ", "kommuner "):
        assert set(found(corpus, text)) >= expected, text
    assert "chef" not in found(corpus, "kommunens ")  # kommunchef is not kommun


def test_compound_found_from_its_head(corpus: TantivyBackend) -> None:
    assert found(corpus, "samordnare ") == ["sakerhet"]
    assert found(corpus, "samordnaren ") == ["sakerhet"]
    assert "chef" in found(corpus, "chef ")  # kommunchefen
    assert "kommuner" in found(corpus, "tjänst ")  # räddningstjänsten


def test_compound_heads_join_no_phrase(empty: TantivyBackend) -> None:
    empty.upsert([make("a", body="Kommunchefen och säkerhetssamordnaren möttes.")])
    assert slugs(empty, "samordnare ") == ["a"]
    assert slugs(empty, '"chef samordnare"') == []
    assert slugs(empty, '"möttes chef"') == []


def test_compound_snippet_highlights_the_compound(corpus: TantivyBackend) -> None:
    [hit] = corpus.search(Query(text="samordnare ")).hits
    assert "<b>Säkerhetssamordnaren</b>" in hit.snippet.html()


def test_compound_parts() -> None:
    assert compound_parts(["säkerhetssamordn"]) == {"samordn"}
    assert compound_parts(["kommunchef", "kommunalråd"]) == {"chef", "råd"}
    assert compound_parts(["socialnämnd", "räddningstjänst"]) == {"nämnd", "tjänst"}
    # the head alone, short modifiers and lookalikes are not compounds
    assert compound_parts(["chef", "samordn", "förråd", "benämnd", "omnämnd"]) == set()


# ---------------------------------------------------------------- typos and prefixes


def test_typo_distance_rule() -> None:
    assert [typo_distance(w) for w in ("berg", "bergs", "westerba", "westerbak")] == [0, 1, 1, 2]


def test_typos_are_forgiven(corpus: TantivyBackend) -> None:
    assert "sakerhet" in found(corpus, "Westerbak ")
    assert found(corpus, "sakerhetssamordnare ") == ["sakerhet"]  # no å/ä/ö typed
    assert found(corpus, "säkerhetsamordnare ") == ["sakerhet"]  # one letter missing
    assert "kommunens" in found(corpus, "budgte ")  # transposition counts one edit


def test_short_words_must_be_exact(corpus: TantivyBackend) -> None:
    assert found(corpus, "Berg ") == ["chef"]
    assert found(corpus, "Berk ") == []  # 4 letters: no typo allowed
    assert found(corpus, "Holn ") == []


def test_edit_budget_is_not_exceeded(corpus: TantivyBackend) -> None:
    assert found(corpus, "pensxxn ") == []  # 7 letters, 2 edits
    assert found(corpus, "pensiox ") == ["chef"]  # 7 letters, 1 edit


def test_typo_snippet_highlights_the_real_word(corpus: TantivyBackend) -> None:
    [hit] = corpus.search(Query(text="sakerhetssamordnare ")).hits
    assert "<b>Säkerhetssamordnaren</b>" in hit.snippet.html()


def test_a_page_with_exact_and_typo_matches_marks_each(corpus: TantivyBackend) -> None:
    hits = corpus.search(Query(text="Westerback ")).hits[:2]
    snippets = {hit.url.rsplit("/", 1)[-1]: hit.snippet.html() for hit in hits}
    assert "<b>Westerback</b>" in snippets["westerback"]
    assert "<b>Westerbäck</b>" in snippets["sakerhet"]


def test_exact_ranks_above_fuzzy(corpus: TantivyBackend) -> None:
    # "westerback" is exact in an older article and a folded match in a newer one.
    assert found(corpus, "Westerback ")[:2] == ["westerback", "sakerhet"]
    assert found(corpus, "Westerbäck ")[:2] == ["sakerhet", "westerback"]


def test_common_words_are_taken_as_typed_right(empty: TantivyBackend) -> None:
    # 120 articles say "Styrelsen" and "Jönköping", one misspells "Styrelsem". A word in at
    # least 1 % of the index and TYPO_MIN_DOCS articles gets no typo derivations; a rare word
    # keeps them, and a common folded word ("Jonkoping") still matches its diacritic form.
    common = planning.TYPO_MIN_DOCS + 20
    articles = [
        make(f"s{i}", body=f"Styrelsen i Jönköping sammanträdde för {i}:e gången.")
        for i in range(common)
    ]
    articles.append(make("typo", body="Styrelsem i Växjö sammanträdde."))
    empty.upsert(articles)

    def total(text: str) -> int:
        return empty.search(Query(text=text, facets=())).total

    assert total("Styrelsen ") == common  # not the misspelt one
    assert total("Styrelsem ") == common + 1  # rare: the full typo rule
    assert total("Jonkoping ") == common
    assert total("Vaxjo ") == 1  # a rare folded word, through the typo rule
    [hit] = empty.search(Query(text="Jonkoping", limit=1)).hits
    assert "<b>Jönköping</b>" in hit.snippet.html()


def test_prefix_of_the_last_word(corpus: TantivyBackend) -> None:
    assert found(corpus, "kommunch") == ["chef"]
    assert found(corpus, "kommunch ") == []  # finished word: no prefix
    assert found(corpus, "Vimmerby skol") == ["skola"]
    [hit] = corpus.search(Query(text="kommunch")).hits
    assert "<b>Kommunchefen</b>" in hit.snippet.html()


def test_completions_rank_below_the_word_itself(empty: TantivyBackend) -> None:
    empty.upsert(
        [
            make("exact", body="Styrelsen sammanträdde i går."),
            make("compound", body="Hon blir ny styrelseledamot i bolaget."),
            make("other", body="Nämnden sammanträdde i går."),
        ]
    )
    # The last word, still being typed, also finds its completions, below its own forms.
    assert slugs(empty, "styrelse") == ["exact", "compound"]
    assert slugs(empty, "styrelse ") == ["exact"]
    assert slugs(empty, "styrelseledam") == ["compound"]


def test_completions_leave_out_the_words_own_forms(empty: TantivyBackend) -> None:
    empty.upsert([make("a", body="Styrelsen och styrelseledamoten möttes.")])
    searcher = empty.searcher()
    word = Word(stem="styrels", folded="styrelse", typed="styrelse", distance=0, prefix=True)
    assert completions(searcher, word, None) == ["styrelseledamot"]


def test_completion_table_is_written_when_writing_ends(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path / "index")
    backend.configure()
    backend.upsert([make("a", body="Styrelsen och styrelseledamoten möttes i styrelserummet.")])
    assert backend.completion_table() is None  # not before the writing session ends
    backend.close()
    table = backend.completion_table()
    assert table is not None
    assert ("styrelseledamot", 1) in table.starting_with("styrelse")
    found = table.starting_with("styrelse")
    assert all(stem.startswith("styrelse") for stem, _ in found)
    assert "styrels" not in dict(found)  # "styrelsen" stems to "styrels": no completion
    # The walk over the term dictionary and the table agree on a small index.
    searcher = backend.searcher()
    word = Word(stem="styrels", folded="styrelse", typed="styrelse", distance=0, prefix=True)
    assert completions(searcher, word, table) == completions(searcher, word, None)
    assert slugs(backend, "styrelserum") == ["a"]
    backend.close()


def test_completions_from_the_table_are_its_frequent_stems(empty: TantivyBackend) -> None:
    empty.upsert([make("a", body="Styrelseledamoten och styrelseordföranden.")])
    searcher = empty.searcher()
    word = Word(stem="styrels", folded="styrelse", typed="styrelse", distance=0, prefix=True)
    # A prefix with frequent stems in the table completes to those, most frequent first ...
    table = CompletionTable(["styrelseledamot\t40", "styrelseordför\t90", "styrk\t99"])
    assert completions(searcher, word, table) == [
        "styrelseordför",
        "styrelseledamot",
    ]
    # ... and one without any there walks the index's own terms.
    table = CompletionTable(["styrk\t99"])
    assert set(completions(searcher, word, table)) == {
        "styrelseledamot",
        "styrelseordför",
    }


def test_completions_keep_the_diacritics_typed(empty: TantivyBackend) -> None:
    empty.upsert([make("lan", body="Länsstyrelsen beviljade lånet."), make("x", body="Inget.")])
    assert slugs(empty, "lånelöf") == []
    assert slugs(empty, "läns") == ["lan"]
    assert slugs(empty, "låne") == ["lan"]  # "lånet" stems to "lån"


# ---------------------------------------------------------------- query language


def test_all_words_must_match(corpus: TantivyBackend) -> None:
    assert found(corpus, "kommunen skolan ") == ["skola"]
    assert found(corpus, "kommunen pension ") == []


def test_stop_words_do_not_block(corpus: TantivyBackend) -> None:
    # "och" appears nowhere, but it is a function word: optional next to content words.
    assert found(corpus, "skatten och ") == ["kommun"]


def test_phrases(corpus: TantivyBackend) -> None:
    assert found(corpus, '"nya chefen"') == ["nya-chefen"]
    assert set(found(corpus, "nya chefen ")) == {"nya-chefen", "chefen-ny"}
    assert found(corpus, '"kommunens budget"') == ["kommunens"]
    assert found(corpus, '"budget kommunens"') == []


def test_phrases_do_not_run_from_title_into_lead(empty: TantivyBackend) -> None:
    empty.upsert([make("a", title="Ny rektor", lead="Skolan får en ny chef.", body="Text.")])
    assert slugs(empty, '"rektor skolan"') == []
    assert slugs(empty, '"ny rektor"') == ["a"]


def test_one_word_phrase_has_no_typo_tolerance(corpus: TantivyBackend) -> None:
    assert found(corpus, '"Westerbak"') == []
    assert found(corpus, '"westerback"') == ["westerback"]


def test_exclusions(corpus: TantivyBackend) -> None:
    with_school = set(found(corpus, "kommunen "))
    assert "skola" in with_school
    assert set(found(corpus, "kommunen -skolan")) == with_school - {"skola"}
    # "chefen" also finds "Kommunchefen" (compound head), not the excluded phrase
    assert set(found(corpus, 'chefen -"nya chefen"')) == {"chefen-ny", "chef"}


def test_only_exclusions_mean_everything_else(corpus: TantivyBackend) -> None:
    everything = set(found(corpus, ""))
    assert set(found(corpus, "-kommunen")) == everything - set(found(corpus, "kommunen "))


@pytest.mark.parametrize(
    "text", ['"unbalanced', "AND OR (", "title:foo", ")(*^~:", "-", '"', "body:kommun^3"]
)
def test_degraded_syntax_never_fails(corpus: TantivyBackend, text: str) -> None:
    page = corpus.search(Query(text=text))
    assert page.total >= 0


def test_degraded_syntax_still_searches_the_words(corpus: TantivyBackend) -> None:
    assert found(corpus, "skolan AND Vimmerby ") == ["skola"]
    assert found(corpus, '"skolan Vimmerby') == ["skola"]
    assert found(corpus, "title:skolan ") == []  # "title" is just a word here


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"sources": ("bt",)}, {"kommunens", "kommuner", "nya-chefen", "chefen-ny"}),
        ({"sources": ("BT", "ol")}, {"kommunens", "kommuner", "nya-chefen", "chefen-ny",
                                      "westerback", "chef", "html", "undated", "english"}),
        ({"municipalities": ("vimmerby",)}, {"kommun", "kommuner", "sakerhet", "skola"}),
        ({"regions": ("Kalmar län",)}, {"kommun", "kommunens", "kommuner", "sakerhet",
                                        "westerback", "chef", "skola"}),
        ({"kinds": ("personnel",)}, {"sakerhet", "chef"}),
        ({"languages": ("en",)}, {"english"}),
        ({"roles": ("Kommunchef",)}, {"chef"}),
        ({"people": ("anna westerbäck",)}, {"sakerhet"}),
        ({"municipalities": ("Vimmerby",), "kinds": ("municipal",), "sources": ("vt",)},
         {"kommun", "skola"}),
    ],
)  # fmt: skip
def test_filters_narrow(
    corpus: TantivyBackend, options: dict[str, object], expected: set[str]
) -> None:
    assert set(found(corpus, "", **options)) == expected


def test_a_role_filter_finds_the_longer_titles_a_role_is(empty: TantivyBackend) -> None:
    """An acting kommunchef is a kommunchef, a chair of a committee an ordförande: the index
    holds each title with the shorter ones it is (``title_forms``)."""
    empty.upsert(
        [
            make("tf", people=[Person(name="Eva Ek", roles=["tillförordnad kommunchef"])]),
            make("chair", people=[Person(name="Per Holm", roles=["ordförande i socialnämnden"])]),
            make("ks", people=[Person(name="Ida Lind", roles=["kommunstyrelsens ordförande"])]),
        ]
    )

    def holding(role: str) -> set[str]:
        return {hit.url.rsplit("/", 1)[1] for hit in empty.search(Query(roles=(role,))).hits}

    assert holding("kommunchef") == {"tf"}
    assert holding("tillförordnad kommunchef") == {"tf"}
    assert holding("ordförande") == {"chair", "ks"}
    assert holding("ordförande i socialnämnden") == {"chair"}


def test_filters_combine_with_text(corpus: TantivyBackend) -> None:
    assert set(found(corpus, "kommunen ", municipalities=("Hultsfred",))) == {
        "kommunens",
        "kommuner",
    }


def test_date_filter_uses_stockholm_days_inclusive(corpus: TantivyBackend) -> None:
    march = set(found(corpus, "", date_from=date(2024, 3, 1), date_to=date(2024, 3, 31)))
    assert march == {"kommun"}  # 00:30 on 1 March in Stockholm, 23:30 UTC the day before
    leap_day = set(found(corpus, "", date_from=date(2024, 2, 29), date_to=date(2024, 2, 29)))
    assert leap_day == {"kommunens"}  # 23:59 Stockholm time is still the 29th
    since = set(found(corpus, "", date_from=date(2024, 6, 3)))
    assert since == {"nya-chefen", "chefen-ny", "english"}
    until = set(found(corpus, "", date_to=date(2021, 12, 31)))
    assert until == {"html"}  # undated articles match no date filter


def test_unknown_filter_value_matches_nothing(corpus: TantivyBackend) -> None:
    assert corpus.search(Query(sources=("nosuchsource",))).total == 0


# ---------------------------------------------------------------- facets


def test_facet_counts_add_up(corpus: TantivyBackend) -> None:
    page = corpus.search(Query(text="kommunen ", facets=FACETS))
    assert set(page.facets) == set(FACETS)
    assert sum(page.facets["source"].values()) == page.total
    assert sum(page.facets["language"].values()) == page.total
    page = corpus.search(Query())
    assert page.total == len(CORPUS)
    assert sum(page.facets["source"].values()) == len(CORPUS)
    assert page.facets["source"] == {"ol": 5, "bt": 4, "vt": 3}
    assert list(page.facets["source"]) == ["ol", "bt", "vt"]
    assert page.facets["year"] == {"2024": 8, "2021": 1, "2022": 1, "2023": 1}


def test_multi_valued_facets(corpus: TantivyBackend) -> None:
    page = corpus.search(Query(facets=("municipality", "person", "role", "region")))
    assert page.facets["municipality"] == {
        "Hultsfred": 5,
        "Vimmerby": 4,
        "Borgholm": 1,
        "Västervik": 1,
    }
    assert page.facets["person"] == {"Anna Westerbäck": 1, "Eva Berg": 1, "Per Holm": 1}
    assert page.facets["role"] == {"kommunchef": 1, "säkerhetssamordnare": 1}
    assert page.facets["region"] == {"Kalmar län": 7}


def test_set_facets_with_too_many_combinations_are_counted_from_their_values(
    corpus: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    facets = ("municipality", "kind", "region")
    combined = corpus.search(Query(facets=facets)).facets
    monkeypatch.setattr(facet_counts, "SET_BUCKETS", 1)
    assert corpus.search(Query(facets=facets)).facets == combined


def test_undated_articles_have_no_year(empty: TantivyBackend) -> None:
    empty.upsert([make("dated"), make("undated", published=None)])
    page = empty.search(Query(facets=("year", "municipality", "kind")))
    assert page.total == 2
    assert page.facets["year"] == {"2024": 1}
    assert page.facets["kind"] == {}


def test_facets_follow_filters_and_can_be_skipped(corpus: TantivyBackend) -> None:
    page = corpus.search(Query(kinds=("personnel",), facets=("kind", "source")))
    assert page.facets == {"kind": {"personnel": 2}, "source": {"ol": 1, "vt": 1}}
    assert corpus.search(Query(facets=())).facets == {}
    assert corpus.search(Query(text="zzzzzz ")).facets["source"] == {}


# ---------------------------------------------------------------- sorting and paging


def test_empty_text_lists_newest_first_undated_last(corpus: TantivyBackend) -> None:
    listed = found(corpus, "")
    assert listed[:3] == ["english", "chefen-ny", "nya-chefen"]
    assert listed[-1] == "undated"
    assert found(corpus, "", sort="newest") == listed


def test_sort_orders(corpus: TantivyBackend) -> None:
    hits = corpus.search(Query(text="kommunen ", sort="newest", limit=100)).hits
    dates = [hit.published for hit in hits if hit.published]
    assert dates == sorted(dates, reverse=True)
    assert keys(hits)[-1] == "undated"
    assert all(hit.score == 0.0 for hit in hits)
    hits = corpus.search(Query(text="kommunen ", sort="oldest", limit=100)).hits
    dates = [hit.published for hit in hits if hit.published]
    assert dates == sorted(dates)
    assert keys(hits)[-1] == "undated"


def test_relevance_prefers_title_and_is_scored(corpus: TantivyBackend) -> None:
    hits = corpus.search(Query(text="skolan ")).hits
    assert keys(hits)[0] == "skola"  # in the title as well as the body
    assert hits[0].score > 0


def test_title_outranks_lead_outranks_body(empty: TantivyBackend) -> None:
    filler = "Det var en vanlig dag i staden med sol och vind. "
    empty.upsert(
        [
            make("body", title="Dagens nyheter", lead="Kort om dagen.", body=f"Badhuset. {filler}"),
            make("lead", title="Dagens nyheter", lead="Badhuset.", body=filler),
            make("title", title="Badhuset", lead="Kort om dagen.", body=filler),
        ]
    )
    assert slugs(empty, "badhuset ") == ["title", "lead", "body"]


def test_recency_breaks_ties(empty: TantivyBackend) -> None:
    body = "Vattenverket renoveras under hösten."
    empty.upsert(
        [
            make(
                f"copy{year}",
                title="Vattenverket",
                body=body,
                published=datetime(year, 5, 1, tzinfo=TZ),
            )
            for year in (2019, 2024, 2021)
        ]
    )
    hits = empty.search(Query(text="vattenverket ")).hits
    assert [hit.published.year for hit in hits if hit.published] == [2024, 2021, 2019]
    assert hits[0].score / hits[-1].score < 1.05  # gentle: ~0.5% a year


def _weighted_everywhere(backend: TantivyBackend, word: str, limit: int) -> list[str]:
    """Reference order: Tantivy's weight_by_field, the factor on every match."""
    searcher = backend.searcher()
    query = backend.plan(Query(text=word + " ")).query
    hits = searcher.search(query, limit, weight_by_field="recency").hits
    return [str(searcher.doc(address).get_first("id")) for _, address in hits]


@pytest.mark.parametrize("strong", [3, 0], ids=["re-ranked", "searched-again"])
def test_recency_reranking_equals_weighting_every_match(
    empty: TantivyBackend, monkeypatch: pytest.MonkeyPatch, strong: int
) -> None:
    # 40 matches, 2 wanted, a depth of 4. With 3 strong matches (title, lead and body) the
    # 4 best by BM25 are re-ranked (no weak match can reach the second strong one); with
    # equal scores everywhere the search runs again with the factor on every match.
    filler = "Text om annat. " * 5
    empty.upsert(
        [
            make(
                f"a{i}",
                title="Badhuset" if i < strong else "Nytt",
                lead="Badhuset i dag." if i < strong else "Kort.",
                body="Badhuset. " + filler,
                published=datetime(2020 + i % 6, 1 + i % 12, 1, tzinfo=TZ),
            )
            for i in range(40)
        ]
    )
    monkeypatch.setattr(ranking, "RERANK_DEPTH", 4)
    page = empty.search(Query(text="badhuset ", limit=2))
    assert page.total == 40
    assert [hit.id for hit in page.hits] == _weighted_everywhere(empty, "badhuset", 2)
    assert [hit.published for hit in page.hits] == sorted(
        (hit.published for hit in page.hits),  # type: ignore[type-var]
        reverse=True,
    )
    second = empty.search(Query(text="badhuset ", limit=2, offset=2)).hits
    assert [hit.id for hit in second] == _weighted_everywhere(empty, "badhuset", 4)[2:]


def test_a_date_far_ahead_counts_as_next_year() -> None:
    ahead = make("x", published=datetime(2999, 1, 1, tzinfo=TZ))
    factor = ranking.recency_factor(documents.recency(ahead))
    assert factor == pytest.approx(ranking.max_recency_factor(), rel=1e-4)


def test_limit_and_offset(corpus: TantivyBackend) -> None:
    everything = found(corpus, "")
    pages = [keys(corpus.search(Query(limit=5, offset=offset)).hits) for offset in (0, 5, 10, 15)]
    assert [key for page in pages for key in page] == everything
    assert pages[-1] == []
    page = corpus.search(Query(limit=0))
    assert (page.total, page.hits) == (len(CORPUS), [])
    assert sum(page.facets["source"].values()) == len(CORPUS)


def test_hit_fields(corpus: TantivyBackend) -> None:
    [hit] = corpus.search(Query(text="samordnare ")).hits
    article = CORPUS[3]
    assert hit.id == article.id
    assert hit.url == article.canonical_url
    assert hit.title == article.title
    assert (hit.source, hit.source_name) == ("vt", "VT")
    assert hit.published == article.published
    assert hit.published is not None
    assert hit.published.utcoffset() == timedelta(hours=2)
    assert hit.municipalities == ("Vimmerby",)
    assert hit.regions == ("Kalmar län",)
    assert hit.kinds == ("personnel",)
    assert hit.language == "sv"
    assert not hit.paywalled


def test_snippets_escape_html_and_mark_matches(corpus: TantivyBackend) -> None:
    [hit] = corpus.search(Query(text="budgeten ", sources=("ol",))).hits
    assert "<b>Budgeten</b>" in hit.snippet.html()
    assert "&lt;script&gt;" in hit.snippet.html()
    assert "<script>" not in hit.snippet.html()
    assert hit.paywalled


def test_snippets_are_text_with_spans_and_html_as_the_engine_wrote_it(
    empty: TantivyBackend,
) -> None:
    body = 'Hon sa "kommun" & det är <b> kommunens — åäö kommun'
    empty.upsert([make("a", body=body)])
    [hit] = empty.search(Query(text="kommun ")).hits
    assert hit.snippet.text == body
    marked = ["kommun", "kommunens", "kommun"]
    assert [hit.snippet.text[a:b] for a, b in hit.snippet.spans] == marked
    assert hit.snippet.marked() == marked
    # Tantivy's own HTML escaped quotes too; the JSON output keeps that byte for byte.
    assert hit.snippet.html() == (
        "Hon sa &quot;<b>kommun</b>&quot; &amp; det är &lt;b&gt; <b>kommunens</b> — åäö "
        "<b>kommun</b>"
    )


def test_snippet_of_a_long_body_around_a_late_match(empty: TantivyBackend) -> None:
    filler = "Det var en vanlig dag i staden med sol och vind. " * 80  # 4 kB
    # "badhus" also occurs inside another word first; the snippet is around the word itself.
    empty.upsert([make("a", body=f"Skolbadhusen stängs. {filler}Badhusets tak läcker. {filler}")])
    [hit] = empty.search(Query(text="badhuset ")).hits
    assert "<b>Badhusets</b> tak läcker" in hit.snippet.html()
    assert "<b>Skolbadhusen</b>" not in hit.snippet.html()


def test_snippet_falls_back_to_lead(corpus: TantivyBackend) -> None:
    [hit] = corpus.search(Query(text="närmast ")).hits  # only in the lead
    assert "<b>närmast</b>" in hit.snippet.html()
    [hit] = corpus.search(Query(text="anställd ")).hits  # only in the title
    assert hit.snippet.html() == "Hon kommer närmast från Region Kalmar."


# ---------------------------------------------------------------- iter_matches


def _many(count: int) -> list[Article]:
    start = datetime(2020, 1, 1, 8, 0, tzinfo=TZ)
    return [
        make(
            f"many{i}",
            title=f"Notis {i}",
            body=f"Trafikolycka nummer {i} på riksväg {i % 40}.",
            published=None if i % 97 == 0 else start + timedelta(hours=i // 3),
            source=("vt", "bt", "ol")[i % 3],
            municipalities=["Vimmerby" if i % 2 else "Hultsfred"],
        )
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TantivyBackend]:
    backend = TantivyBackend(tmp_path_factory.mktemp("many") / "index")
    backend.configure()
    articles = _many(2500)
    for start in range(0, len(articles), 1000):
        backend.upsert(articles[start : start + 1000])
    yield backend
    backend.close()


def test_iter_matches_returns_every_match_in_order(many: TantivyBackend) -> None:
    hits = list(many.iter_matches(Query(text="trafikolycka ", limit=5)))
    assert len(hits) == 2500
    assert len({hit.id for hit in hits}) == 2500
    assert many.search(Query(text="trafikolycka ")).total == 2500
    dated = [hit.published for hit in hits if hit.published]
    assert dated == sorted(dated, reverse=True)
    assert all(hit.published is None for hit in hits[len(dated) :])
    assert all(hit.snippet.html() == "" for hit in hits)


def test_iter_matches_oldest_and_filtered(many: TantivyBackend) -> None:
    query = Query(municipalities=("Vimmerby",), sort="oldest")
    hits = list(many.iter_matches(query))
    assert len(hits) == 1250 == many.search(query).total
    dated = [hit.published for hit in hits if hit.published]
    assert dated == sorted(dated)
    assert all(hit.published is None for hit in hits[len(dated) :])


def _sharing_sort_keys(pairs: int) -> list[Article]:
    """``pairs`` pairs of articles whose sort keys are equal: each pair's ids agree in the
    24 bits the keys keep, and its two articles were published in the same second (or are
    both undated). The ids are found by trying article keys."""
    first: dict[str, str] = {}
    found: list[tuple[str, str]] = []
    n = 0
    while len(found) < pairs:
        key = f"tie{n}"
        n += 1
        bits = article_id(f"https://www.example.se/nyheter/{key}")[:6]
        if bits in first:
            found.append((first.pop(bits), key))
        else:
            first[bits] = key
    when = datetime(2024, 6, 1, 12, 0, tzinfo=TZ)
    return [
        make(key, title=f"Notis {key}", published=None if i % 3 == 0 else when)
        for i, pair in enumerate(found)
        for key in pair
    ]


def test_iter_matches_pages_through_equal_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "ITER_PAGE", 7)
    monkeypatch.setattr(paging, "KEY_PAGE", 7)
    # Every article shares its sort key with one other, and pages of 7 split pairs: keyset
    # paging must still yield each exactly once, stored documents or keys alike.
    articles = _sharing_sort_keys(30)
    assert len({documents.order_keys(a) for a in articles}) == len(articles) // 2
    with TantivyBackend(tmp_path / "index") as backend:
        backend.configure()
        backend.upsert(articles)
        for sort in ("newest", "oldest", "relevance"):
            ids = [hit.id for hit in backend.iter_matches(Query(sort=sort))]
            assert sorted(ids) == sorted(a.id for a in articles), sort
            keys = [aid for _, aid in backend.iter_match_keys(Query(sort=sort))]
            assert sorted(keys) == sorted(ids), sort


def test_iter_matches_of_nothing(many: TantivyBackend) -> None:
    assert list(many.iter_matches(Query(text="zzzzzz "))) == []


# ---------------------------------------------------------------- writing


def test_upsert_replaces(empty: TantivyBackend) -> None:
    first = make("a", title="Gammal rubrik", body="Bibliotekets öppettider ändras.")
    empty.upsert([first])
    second = make("a", title="Ny rubrik", body="Simhallen stänger för renovering.")
    assert empty.upsert([second]) == 1
    assert empty.stats().documents == 1
    assert empty.search(Query(text="bibliotekets ")).total == 0
    [hit] = empty.search(Query(text="simhallen ")).hits
    assert hit.title == "Ny rubrik"


def test_upsert_same_id_twice_in_one_batch(empty: TantivyBackend) -> None:
    empty.upsert([make("a", body="Första versionen."), make("a", body="Andra versionen.")])
    assert empty.stats().documents == 1
    assert empty.search(Query(text="andra ")).total == 1


def test_upsert_of_gone_article_deletes_it(empty: TantivyBackend) -> None:
    empty.upsert([make("a", body="Text."), make("b", body="Text.")])
    assert empty.upsert([make("a", body="Text.", gone=True)]) == 0
    assert keys(empty.search(Query()).hits) == [IDS.get("b", make("b").id)]


def test_upsert_nothing(empty: TantivyBackend) -> None:
    assert empty.upsert([]) == 0
    assert empty.stats().documents == 0


def test_delete(empty: TantivyBackend) -> None:
    a, b = make("a", body="Hamnen muddras."), make("b", body="Hamnen byggs ut.")
    empty.upsert([a, b])
    assert empty.delete([a.id, "0000000000000000", a.id]) == 1
    assert [hit.id for hit in empty.search(Query(text="hamnen ")).hits] == [b.id]
    assert empty.delete([a.id]) == 0
    assert empty.delete([]) == 0


def test_articles_without_optional_fields(empty: TantivyBackend) -> None:
    bare = Article(url="https://x.se/1", canonical_url="", source="x")
    assert empty.upsert([bare]) == 1
    [hit] = empty.search(Query()).hits
    assert (hit.url, hit.title, hit.published, hit.language) == ("https://x.se/1", "", None, None)


def test_naive_datetimes_are_stockholm_time(empty: TantivyBackend) -> None:
    empty.upsert([make("a", body="Text.", published=datetime(2024, 3, 1, 0, 30))])
    assert empty.search(Query(date_from=date(2024, 3, 1))).total == 1


def test_second_writer_is_an_indexing_error(empty: TantivyBackend) -> None:
    empty.upsert([make("a", body="Text.")])  # holds the writer
    other = TantivyBackend(empty.index_dir)
    with pytest.raises(IndexingError, match="another process"):
        other.upsert([make("b", body="Text.")])
    assert other.search(Query()).total == 1  # reading is fine meanwhile
    other.close()


def test_changes_are_seen_by_a_second_reader(empty: TantivyBackend) -> None:
    reader = TantivyBackend(empty.index_dir)
    assert reader.search(Query()).total == 0
    empty.upsert([make("a", body="Text.")])
    empty.close()  # commits are durable; a fresh open sees them
    assert TantivyBackend(empty.index_dir).search(Query()).total == 1
    reader.close()


# ---------------------------------------------------------------- lifecycle and errors


def test_configure_is_idempotent(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "index"
    TantivyBackend(folder).configure()
    meta = json.loads((folder / META_FILE).read_text())
    assert meta["schema_version"] == SCHEMA_VERSION
    backend = TantivyBackend(folder)
    backend.configure()  # opens, does not wipe
    backend.upsert([make("a", body="Text.")])
    backend.close()
    again = TantivyBackend(folder)
    again.configure()
    assert again.stats().documents == 1


def test_missing_index_is_unavailable(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path / "nothing")
    with pytest.raises(BackendUnavailable, match="no search index") as info:
        backend.search(Query())
    assert "arkiv index" in info.value.hint
    with pytest.raises(BackendUnavailable):
        backend.stats()


def test_schema_version_mismatch_is_unavailable(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    with TantivyBackend(folder) as backend:
        backend.configure()
    (folder / META_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1}))
    with pytest.raises(BackendUnavailable, match="schema version") as info:
        TantivyBackend(folder).configure()
    assert "--rebuild" in info.value.hint
    with pytest.raises(BackendUnavailable, match="schema version"):
        TantivyBackend(folder).search(Query())
    with pytest.raises(BackendUnavailable, match="schema version"):
        TantivyBackend(folder).upsert([])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (META_FILE, "{not json"),
        (META_FILE, "[1, 2]"),
        (META_FILE, b"\xff\xfe\x00garbage"),
        ("meta.json", "garbage{"),
        ("meta.json", None),
    ],
)
def test_corrupt_index_is_unavailable(
    tmp_path: Path, name: str, content: str | bytes | None
) -> None:
    folder = tmp_path / "index"
    with TantivyBackend(folder) as backend:
        backend.configure()
        backend.upsert([make("a", body="Text.")])
    target = folder / name
    if content is None:
        target.unlink()
    elif isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    with pytest.raises(BackendUnavailable):
        TantivyBackend(folder).search(Query())
    with pytest.raises(BackendUnavailable):
        TantivyBackend(folder).configure()


def test_folder_that_is_not_an_index(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    backend = TantivyBackend(folder)
    with pytest.raises(BackendUnavailable, match=META_FILE):
        backend.configure()
    with pytest.raises(BackendUnavailable, match="does not look like"):
        backend.destroy()
    assert (folder / "notes.txt").exists()


def test_destroy_and_rebuild(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    backend = TantivyBackend(folder)
    backend.configure()
    backend.upsert([make("a", body="Text.")])
    (folder / META_FILE).write_text(json.dumps({"schema_version": 0}))
    with pytest.raises(BackendUnavailable):
        TantivyBackend(folder).search(Query())
    backend.destroy()  # also releases its writer
    assert not folder.exists()
    backend.destroy()  # nothing left: fine
    backend.configure()
    assert backend.stats().documents == 0
    backend.upsert([make("a", body="Text.")])
    assert backend.stats().documents == 1
    backend.close()


def test_stats(corpus: TantivyBackend) -> None:
    stats = corpus.stats()
    assert stats.documents == len(CORPUS)
    assert stats.size_bytes > 1000
    assert stats.schema_version == SCHEMA_VERSION
    assert stats.backend == "tantivy"
    assert stats.location == str(corpus.index_dir)
    assert stats.segments >= 1


def test_close_is_idempotent(empty: TantivyBackend) -> None:
    empty.upsert([make("a", body="Text.")])
    empty.close()
    empty.close()
    assert empty.search(Query()).total == 1  # reopens on demand


# ---------------------------------------------------------------- open_backend


def test_open_backend(tmp_path: Path) -> None:
    backend = open_backend("tantivy", index_dir=tmp_path / "index", facet_size=10)
    assert isinstance(backend, TantivyBackend)
    assert isinstance(backend, SearchBackend)
    assert backend.facet_size == 10
    backend.close()


def test_open_backend_unknown_kind_or_option(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown search backend 'solr'") as info:
        open_backend("solr", index_dir=tmp_path)
    assert "tantivy" in info.value.hint
    with pytest.raises(ConfigError, match="bad option"):
        open_backend("tantivy", index_dir=tmp_path, colour="red")
