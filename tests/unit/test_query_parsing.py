"""The journalist's query language (indexer.search.textsearch) and the Query value (indexer.search.query)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from indexer.errors import QueryError
from indexer.search.query import DEFAULT_FACETS, FACETS, MAX_LIMIT, Query, Snippet, order_facet
from indexer.search.textsearch import (
    MAX_WORD_CHARS,
    MAX_WORDS,
    SWEDISH_STOP_WORDS,
    ParsedQuery,
    parse_user_query,
    strip_diacritics,
)

# ---------------------------------------------------------------- plain words


def test_empty_and_blank_text() -> None:
    for text in ("", "   ", "\t\n"):
        parsed = parse_user_query(text)
        assert parsed == ParsedQuery()
        assert parsed.is_empty
        assert parsed.prefix_term is None


def test_words_all_must_match_in_order() -> None:
    parsed = parse_user_query("kommunchef Vimmerby ")
    assert parsed.terms == ("kommunchef", "Vimmerby")
    assert not parsed.prefix
    assert not parsed.is_empty


def test_swedish_letters_survive() -> None:
    assert parse_user_query("Åsa Öberg Ängelholm ").terms == ("Åsa", "Öberg", "Ängelholm")


def test_decomposed_unicode_is_normalised() -> None:
    decomposed = "sa\u0308kerhet "  # "säkerhet" with a combining diaeresis
    assert parse_user_query(decomposed).terms == ("säkerhet",)


def test_duplicates_are_removed_keeping_first_order() -> None:
    assert parse_user_query("kommun skola kommun ").terms == ("kommun", "skola")


def test_whitespace_of_any_kind_separates() -> None:
    assert parse_user_query("a\tb\nc\u00a0d ").terms == ("a", "b", "c", "d")


# ---------------------------------------------------------------- prefix (search as you type)


def test_last_word_without_trailing_space_is_prefix() -> None:
    parsed = parse_user_query("kommunch")
    assert parsed.terms == ("kommunch",)
    assert parsed.prefix
    assert parsed.prefix_term == "kommunch"


def test_prefix_only_on_the_last_word() -> None:
    parsed = parse_user_query("vimmerby kommunch")
    assert parsed.terms == ("vimmerby", "kommunch")
    assert parsed.prefix_term == "kommunch"


def test_trailing_whitespace_means_no_prefix() -> None:
    assert not parse_user_query("kommunch ").prefix


def test_no_prefix_after_closing_quote_or_exclusion() -> None:
    assert not parse_user_query('kommun "nya chef"').prefix
    assert not parse_user_query("kommun -skola").prefix


def test_no_prefix_when_text_ends_in_punctuation() -> None:
    assert not parse_user_query("kommun:").prefix
    assert not parse_user_query("kommun*").prefix


def test_prefix_word_stays_last_after_dedupe() -> None:
    parsed = parse_user_query("skola kommun skola")
    assert parsed.terms == ("kommun", "skola")
    assert parsed.prefix_term == "skola"


# ---------------------------------------------------------------- phrases and exclusions


def test_phrase() -> None:
    parsed = parse_user_query('"kommunens nya chef"')
    assert parsed.phrases == (("kommunens", "nya", "chef"),)
    assert parsed.terms == ()
    assert not parsed.is_empty
    assert not parsed.prefix


def test_phrase_among_words() -> None:
    parsed = parse_user_query('Vimmerby "nya chef" budget ')
    assert parsed.terms == ("Vimmerby", "budget")
    assert parsed.phrases == (("nya", "chef"),)


def test_one_word_phrase_is_kept_as_a_phrase() -> None:
    assert parse_user_query('"kommun"').phrases == (("kommun",),)


def test_typographic_quotes() -> None:
    assert parse_user_query("”nya chef” ").phrases == (("nya", "chef"),)
    assert parse_user_query("“nya chef” ").phrases == (("nya", "chef"),)
    assert parse_user_query("«nya chef» ").phrases == (("nya", "chef"),)


def test_empty_phrase_is_ignored() -> None:
    assert parse_user_query('"" kommun ') == ParsedQuery(terms=("kommun",))
    assert parse_user_query('" " ') == ParsedQuery()


def test_excluded_word_and_phrase() -> None:
    parsed = parse_user_query('kommun -skola -"förskola i" ')
    assert parsed.terms == ("kommun",)
    assert parsed.excluded_terms == ("skola",)
    assert parsed.excluded_phrases == (("förskola", "i"),)


def test_only_exclusions() -> None:
    parsed = parse_user_query("-skola")
    assert parsed.excluded_terms == ("skola",)
    assert parsed.is_empty
    assert not parsed.prefix


def test_double_minus_still_excludes() -> None:
    assert parse_user_query("--skola").excluded_terms == ("skola",)


def test_inner_hyphen_is_part_of_the_word() -> None:
    parsed = parse_user_query("e-post IT-chef ")
    assert parsed.terms == ("e-post", "IT-chef")
    assert parsed.excluded_terms == ()


def test_trailing_hyphen_is_dropped() -> None:
    assert parse_user_query("kommun- ").terms == ("kommun",)


# ---------------------------------------------------------------- degraded syntax: never an error


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ('"unbalanced', ("unbalanced",)),
        ('kommun "nya chef', ("kommun", "nya", "chef")),
        ("AND OR (", ("AND", "OR")),
        ("title:foo", ("title", "foo")),
        ("body:(kommun OR skola)", ("body", "kommun", "skola")),
        ("kommun AND skola", ("kommun", "skola")),
        ("kommun NOT skola", ("kommun", "skola")),
        ("kommun*", ("kommun",)),
        ("kommun^2 skola~1", ("kommun", "2", "skola", "1")),
        ("[2020 TO 2024]", ("2020", "TO", "2024")),
        ("a\\b/c", ("a", "b", "c")),
        ("{}<>=!?&|;,.", ()),
        ("- - -", ()),
        ("-", ()),
        ('"', ()),
        ('"""', ()),
        ("S:t Anna", ("S", "t", "Anna")),
        ("3,5 miljoner", ("3", "5", "miljoner")),
    ],
)
def test_odd_input_degrades_to_plain_words(text: str, terms: tuple[str, ...]) -> None:
    parsed = parse_user_query(text)
    assert parsed.terms == terms
    assert parsed.phrases == ()


def test_lowercase_and_or_are_ordinary_words() -> None:
    # "and" is a Swedish word (a duck); only the upper-case operator habit is dropped.
    assert parse_user_query("and or ").terms == ("and", "or")


def test_minus_before_unbalanced_quote_excludes_nothing() -> None:
    parsed = parse_user_query('kommun -"nya chef')
    assert parsed.excluded_phrases == ()
    assert parsed.terms == ("kommun", "nya", "chef")


def test_control_characters_and_emoji() -> None:
    parsed = parse_user_query("kommun\x00 \x1f🙂 skola ")
    assert parsed.terms == ("kommun", "skola")


def test_very_long_input_is_bounded() -> None:
    parsed = parse_user_query(" ".join(f"ord{i}" for i in range(500)))
    assert len(parsed.terms) == MAX_WORDS
    assert parse_user_query("x" * 10_000 + " ").terms == ("x" * MAX_WORD_CHARS,)


def test_random_garbage_never_raises() -> None:
    import random

    alphabet = 'ab åä-"():*^~ AND OR\\/+!'
    rng = random.Random(42)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        parsed = parse_user_query(text)
        for word in (*parsed.terms, *parsed.excluded_terms):
            assert word
            assert not word.startswith("-")
            assert '"' not in word


def test_stop_words_are_function_words_only() -> None:
    assert {"och", "i", "på", "att"} <= SWEDISH_STOP_WORDS
    assert not {"kommun", "år", "chef", "skola"} & SWEDISH_STOP_WORDS


# ---------------------------------------------------------------- Query validation


def test_query_defaults() -> None:
    query = Query()
    assert query.text == ""
    assert query.facets == DEFAULT_FACETS == ("source", "municipality", "kind", "year")
    assert query.sort == "relevance"
    assert (query.limit, query.offset) == (20, 0)
    assert not query.has_filters


def test_query_is_frozen_and_hashable() -> None:
    query = Query(text="kommun", sources=("vt",))
    with pytest.raises(AttributeError):
        query.text = "x"  # type: ignore[misc]
    assert hash(query) == hash(Query(text="kommun", sources=("vt",)))


def test_filter_lists_and_single_strings_become_tuples() -> None:
    query = Query(sources=["vt", "bt"], municipalities="Vimmerby")  # type: ignore[arg-type]
    assert query.sources == ("vt", "bt")
    assert query.municipalities == ("Vimmerby",)
    assert query.has_filters


def test_filter_values_are_stripped_and_deduplicated() -> None:
    assert Query(regions=(" Kalmar län ", "Kalmar län")).regions == ("Kalmar län",)


@pytest.mark.parametrize("bad", [("",), ("  ",), (None,), (3,)])
def test_unusable_filter_values(bad: tuple[object, ...]) -> None:
    with pytest.raises(QueryError):
        Query(sources=bad)  # type: ignore[arg-type]


def test_filter_of_wrong_type() -> None:
    with pytest.raises(QueryError):
        Query(sources=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_sorts(sort: str) -> None:
    assert Query(sort=sort).sort == sort  # type: ignore[arg-type]


def test_bad_sort() -> None:
    with pytest.raises(QueryError, match="sort"):
        Query(sort="random")  # type: ignore[arg-type]


def test_negative_limit_and_offset() -> None:
    with pytest.raises(QueryError, match="limit"):
        Query(limit=-1)
    with pytest.raises(QueryError, match="offset"):
        Query(offset=-5)


def test_limit_bounds() -> None:
    assert Query(limit=0).limit == 0
    assert Query(limit=MAX_LIMIT).limit == MAX_LIMIT
    with pytest.raises(QueryError) as info:
        Query(limit=MAX_LIMIT + 1)
    assert "export" in info.value.hint


def test_non_integer_limit() -> None:
    with pytest.raises(QueryError):
        Query(limit=2.5)  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        Query(limit=True)


def test_facets() -> None:
    assert Query(facets=FACETS).facets == FACETS
    assert Query(facets=()).facets == ()
    with pytest.raises(QueryError, match="unknown facet 'colour'") as info:
        Query(facets=("source", "colour"))
    assert "municipality" in info.value.hint


def test_dates() -> None:
    query = Query(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    assert query.has_filters
    assert Query(date_from=datetime(2024, 5, 6, 7, 8)).date_from == date(2024, 5, 6)
    assert Query(date_from=date(2024, 1, 1), date_to=date(2024, 1, 1)).date_to == date(2024, 1, 1)
    with pytest.raises(QueryError, match="after"):
        Query(date_from=date(2024, 2, 1), date_to=date(2024, 1, 1))
    with pytest.raises(QueryError):
        Query(date_from="2024-01-01")  # type: ignore[arg-type]


def test_text_must_be_a_string() -> None:
    with pytest.raises(QueryError):
        Query(text=None)  # type: ignore[arg-type]


def test_order_facet() -> None:
    counts = [("b", 2), ("a", 2), ("c", 5), ("d", 1)]
    assert list(order_facet(counts).items()) == [("c", 5), ("a", 2), ("b", 2), ("d", 1)]


# ---------------------------------------------------------------- snippets


def test_snippet_text_spans_and_html() -> None:
    snippet = Snippet.of('Hon sa "ja" & <b> kommun', [(8, 10), (18, 24)])
    assert snippet.text == 'Hon sa "ja" & <b> kommun'
    assert snippet.spans == ((8, 10), (18, 24))
    assert snippet.marked() == ["ja", "kommun"]
    assert snippet.html() == 'Hon sa "<b>ja</b>" &amp; &lt;b&gt; <b>kommun</b>'
    quoted = Snippet.of('"ja"', [(1, 3)], escape_quotes=True)
    assert quoted.html() == "&quot;<b>ja</b>&quot;"
    assert not Snippet()
    assert not Snippet.of("")
    assert Snippet.of("x").html() == "x"


def test_snippet_spans_must_fit_the_text() -> None:
    with pytest.raises(ValueError, match="bad snippet span"):
        Snippet.of("abc", [(2, 5)])
    with pytest.raises(ValueError, match="bad snippet span"):
        Snippet.of("abcdef", [(3, 4), (1, 2)])


def test_snippet_marks_survive_rewriting_each_string() -> None:
    # What the CLI's scrub does: each string rewritten on its own; the marks stay on words.
    snippet = Snippet.of("a\x07b kommun c", [(4, 10)])
    cleaned = Snippet(tuple(part.replace("\x07", "") for part in snippet.parts))
    assert cleaned.text == "ab kommun c"
    assert cleaned.marked() == ["kommun"]
    assert cleaned.spans == ((3, 9),)


def test_strip_diacritics_keeps_case_and_decomposes_compatibility_characters() -> None:
    assert strip_diacritics("Åsa Öberg, Jönköping") == "Asa Oberg, Jonkoping"
    assert strip_diacritics("ﬁka café ñ") == "fika cafe n"
    assert strip_diacritics("kommun") == "kommun"
