"""Meilisearch filter strings, their escaping and the stemmed query text (no server).

The filter strings are read back with a small decoder that follows Meilisearch's own filter
parser (crates/filter-parser: a double-quoted value ends at the first ``"`` not preceded by a
``\\``; inside it ``\\"`` is a quote, then ``\\\\`` a backslash; keywords are AND OR NOT IN TO
EXISTS; NOT binds tighter than AND, AND tighter than OR). A value that could change the
filter's meaning would show up as a different tree.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

import pytest

from indexer.search.backends.meilisearch.filters import (
    all_of,
    date_filter,
    filter_expression,
    id_filter,
    keyset_filter,
    quote,
    sort_for,
    text_query,
    values_filter,
)
from indexer.search.query import Query

# ---------------------------------------------------------------------- a reference decoder

_KEYWORDS = {"AND", "OR", "NOT", "IN", "TO", "EXISTS"}
_ESCAPES = {"\\": "\\", '"': '"', "'": "'"}


def _unescape(fragment: str) -> str:
    """The second step of Meilisearch's value reading (the `unescaper` crate), restricted to
    the escapes a well-formed value of ours may hold; anything else is a bug in `quote`."""
    out: list[str] = []
    i = 0
    while i < len(fragment):
        char = fragment[i]
        if char == "\\":
            following = fragment[i + 1 : i + 2]
            if following not in _ESCAPES:
                raise AssertionError(f"unexpected escape \\{following!r} in {fragment!r}")
            out.append(_ESCAPES[following])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()[],":
            tokens.append(("punct", char))
            i += 1
        elif text.startswith((">=", "<=", "!="), i):
            tokens.append(("op", text[i : i + 2]))
            i += 2
        elif char in "=<>":
            tokens.append(("op", char))
            i += 1
        elif char == '"':
            # quoted_by('"'): scan to the first unescaped quote
            j, escaped = i + 1, False
            while True:
                if j >= len(text):
                    raise AssertionError(f"unterminated string in {text!r}")
                if text[j] == '"':
                    break
                if text[j] == "\\":
                    if j + 1 >= len(text):
                        raise AssertionError("dangling backslash")
                    escaped |= text[j + 1] == '"'
                    j += 2
                    continue
                j += 1
            fragment = text[i + 1 : j]
            if escaped:
                fragment = fragment.replace('\\"', '"')  # the parser's own `unescape`
            tokens.append(("str", _unescape(fragment)))
            i = j + 1
        else:
            j = i
            while j < len(text) and (text[j].isalnum() or text[j] in "_-."):
                j += 1
            if j == i:
                raise AssertionError(f"unexpected {char!r} in {text!r}")
            word = text[i:j]
            tokens.append(("kw" if word in _KEYWORDS else "word", word))
            i = j
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        assert token is not None, (kind, value)
        assert token[0] == kind, (kind, value, token)
        assert value is None or token[1] == value, (value, token)
        self.i += 1
        return token[1]

    def parse(self) -> Any:
        tree = self.or_()
        assert self.peek() is None, f"trailing tokens {self.tokens[self.i :]}"
        return tree

    def or_(self) -> Any:
        parts = [self.and_()]
        while self.peek() == ("kw", "OR"):
            self.i += 1
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else ("or", *parts)

    def and_(self) -> Any:
        parts = [self.not_()]
        while self.peek() == ("kw", "AND"):
            self.i += 1
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else ("and", *parts)

    def not_(self) -> Any:
        if self.peek() == ("kw", "NOT"):
            self.i += 1
            return ("not", self.not_())
        if self.peek() == ("punct", "("):
            self.i += 1
            inner = self.or_()
            self.take("punct", ")")
            return inner
        return self.condition()

    def condition(self) -> Any:
        attribute = self.take("word")
        token = self.peek()
        assert token is not None
        if token == ("kw", "IN"):
            self.i += 1
            self.take("punct", "[")
            values = [self.take("str")]
            while self.peek() == ("punct", ","):
                self.i += 1
                values.append(self.take("str"))
            self.take("punct", "]")
            return ("in", attribute, tuple(values))
        if token == ("kw", "EXISTS"):
            self.i += 1
            return ("exists", attribute)
        if token == ("kw", "NOT"):
            self.i += 1
            self.take("kw", "EXISTS")
            return ("not", ("exists", attribute))
        op = self.take("op")
        value_token = self.peek()
        assert value_token is not None
        self.i += 1
        value: Any = value_token[1] if value_token[0] == "str" else int(value_token[1])
        return ("cmp", attribute, op, value)


def decode(filter_string: str) -> Any:
    return _Parser(filter_string).parse()


# ---------------------------------------------------------------------- escaping

TRICKY = [
    "Vimmerby",
    'Vimmerby" OR source = "x',
    "Vimmerby' OR source = 'x",
    "OR",
    "AND",
    "NOT",
    "IN",
    "EXISTS",
    "a = b",
    "(x)",
    "[x]",
    "x, y",
    "back\\slash",
    "ends in backslash\\",
    '\\"',
    '\\\\"',
    '"',
    '""',
    "\\n is not a newline",
    "\\u{41}",
    "tab\there",
    "Malung-Sälen",
    "Upplands Väsby",
    "  spaces  ",
    "",
    "åäö ÅÄÖ é",
]


@pytest.mark.parametrize("value", TRICKY)
def test_quote_round_trips_through_meilisearchs_rules(value: str) -> None:
    assert decode(f"municipalities IN [{quote(value)}]") == (
        "in",
        "municipalities",
        (value,),
    )


def test_quote_escapes_backslash_then_quote() -> None:
    assert quote('a"b') == '"a\\"b"'
    assert quote("a\\b") == '"a\\\\b"'
    assert quote('\\"') == '"\\\\\\""'


def test_random_values_never_change_the_filter() -> None:
    alphabet = ['"', "\\", "'", " ", "O", "R", "A", "N", "D", "=", "(", ")", "[", "]", ",", "x"]
    rng = random.Random(4)
    for _ in range(2000):
        values = tuple(
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            for _ in range(rng.randint(1, 3))
        )
        query = (
            Query(municipalities=values, sources=("src",))
            if all(v.strip() for v in values)
            else None
        )
        if query is None:
            continue
        expression = filter_expression(query)
        assert expression is not None
        assert decode(expression) == (
            "and",
            ("in", "source", ("src",)),
            ("in", "municipalities", query.municipalities),
        ), expression


def test_a_quote_and_or_in_a_municipality_stays_one_value() -> None:
    query = Query(municipalities=('Vimmerby" OR municipalities = "Kalmar', "OR"), kinds="municipal")
    expression = filter_expression(query)
    assert expression is not None
    assert decode(expression) == (
        "and",
        ("in", "municipalities", ('Vimmerby" OR municipalities = "Kalmar', "OR")),
        ("in", "kinds", ("municipal",)),
    )


# ---------------------------------------------------------------------- filter building


def test_no_filters_no_expression() -> None:
    assert filter_expression(Query(text="kommun")) is None
    assert all_of(None, "", None) is None
    assert all_of("a = 1") == "a = 1"


def test_every_filter_maps_to_its_attribute_and_they_are_anded() -> None:
    query = Query(
        sources=("kustbladet", "vimmerby-tidning"),
        municipalities=("Vimmerby",),
        regions=("Kalmar län",),
        kinds=("personnel",),
        languages=("sv",),
        roles=("kommunchef",),
        people=("Anna Westerbäck",),
        date_from=date(2025, 1, 1),
        date_to=date(2025, 6, 30),
    )
    expression = filter_expression(query)
    assert expression is not None
    tree = decode(expression)
    assert tree[0] == "and"
    assert set(tree[1:]) == {
        ("in", "source", ("kustbladet", "vimmerby-tidning")),
        ("in", "municipalities", ("Vimmerby",)),
        ("in", "regions", ("Kalmar län",)),
        ("in", "kinds", ("personnel",)),
        ("in", "language", ("sv",)),
        ("in", "roles", ("kommunchef",)),
        ("in", "people", ("Anna Westerbäck",)),
        (
            "and",
            ("cmp", "published_ts", ">=", _ts(2024, 12, 31, 23)),  # 00:00 Stockholm (CET)
            ("cmp", "published_ts", "<", _ts(2025, 6, 30, 22)),  # 1 July 00:00 CEST
        ),
    }


def _ts(year: int, month: int, day: int, hour: int) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


def test_date_filter_bounds() -> None:
    assert date_filter(None, None) is None
    assert decode(date_filter(date(2025, 3, 1), None) or "") == (
        "cmp",
        "published_ts",
        ">=",
        _ts(2025, 2, 28, 23),
    )
    assert decode(date_filter(None, date(2025, 3, 1)) or "") == (
        "cmp",
        "published_ts",
        "<",
        _ts(2025, 3, 1, 23),
    )


def test_values_filter_needs_values_and_id_filter_quotes_ids() -> None:
    with pytest.raises(ValueError):
        values_filter("source", [])
    assert decode(id_filter(["0123456789abcdef", 'x"y'])) == (
        "in",
        "id",
        ("0123456789abcdef", 'x"y'),
    )


def test_keyset_filters_keep_their_grouping_when_anded() -> None:
    keyset = keyset_filter(1_700_000_000, 42, ascending=False)
    combined = all_of('source IN ["a"]', "published_ts EXISTS", keyset)
    assert combined is not None
    assert decode(combined) == (
        "and",
        ("in", "source", ("a",)),
        ("exists", "published_ts"),
        (
            "or",
            ("cmp", "published_ts", "<", 1_700_000_000),
            (
                "and",
                ("cmp", "published_ts", "=", 1_700_000_000),
                ("cmp", "id_key", "<=", 42),
            ),
        ),
    )
    assert decode(keyset_filter(None, 7, ascending=True)) == ("cmp", "id_key", ">=", 7)
    assert decode(all_of("x NOT EXISTS", keyset_filter(5, 1, ascending=True)) or "") == (
        "and",
        ("not", ("exists", "x")),
        (
            "or",
            ("cmp", "published_ts", ">", 5),
            ("and", ("cmp", "published_ts", "=", 5), ("cmp", "id_key", ">=", 1)),
        ),
    )


def test_sorts() -> None:
    assert sort_for(Query(sort="newest"), has_text=True) == ["published_ts:desc", "id_key:desc"]
    assert sort_for(Query(sort="oldest"), has_text=True) == ["published_ts:asc", "id_key:asc"]
    assert sort_for(Query(), has_text=True) is None  # relevance, then the recency rule
    # an empty query lists newest first (undated last), as the Tantivy backend does
    assert sort_for(Query(), has_text=False) == ["published_ts:desc", "id_key:desc"]


# ---------------------------------------------------------------------- the text


def test_inflections_become_one_stem() -> None:
    forms = [text_query(f"{w} ") for w in ("kommun", "kommunen", "kommunens", "kommuner")]
    assert {t.q for t in forms} == {"kommun "}
    assert all(t.keys == ("kommun",) and t.prefix is None and t.has_text for t in forms)


def test_the_word_being_typed_is_last_and_unterminated() -> None:
    typed = text_query("ny kommunch")
    assert typed.q == "ny kommunch"
    assert typed.prefix == "kommunch"
    done = text_query("ny kommunchef ")
    assert done.q == "ny kommunchef "
    assert done.prefix is None


def test_phrases_and_exclusions_use_meilisearch_syntax() -> None:
    text = text_query('storm "orange varningen" -Vimmerby -"förskola i" e-post')
    assert text.q == '"orang varning" -vimmerby -"förskol i" storm "e post" '
    assert text.prefix is None
    assert text.keys == ("orang", "varning", "storm", "e", "post")


def test_the_prefix_word_stays_last_after_phrases_and_exclusions() -> None:
    text = text_query('"ledningscentral i Jönköping" -skola säkerhetssamord')
    assert text.q == '"ledningscentral i jönköping" -skol säkerhetssamord'
    assert text.prefix == "säkerhetssamord"


def test_only_exclusions_is_not_a_text_search() -> None:
    text = text_query("-skola")
    assert text.q == "-skol "
    assert not text.has_text
    assert text_query("").q == ""
    assert not text_query("   ").has_text


def test_broken_syntax_degrades_to_words() -> None:
    assert text_query("title:storm").q == "titl storm"  # "title" stems to "titl"
    assert text_query('"unbalanced storm').q == "unbalanced storm"
    assert text_query("storm AND OR (").q == "storm "


def test_a_trailing_stop_word_is_not_a_prefix() -> None:
    text = text_query("kommun i")
    assert text.q == "kommun i "
    assert text.prefix is None


def test_ids_restrict_as_the_saved_searches_check_asks() -> None:
    query = Query(sources=("x",), ids=("0123456789abcdef", "fedcba9876543210"))
    assert filter_expression(query) == (
        '(source IN ["x"]) AND (id IN ["0123456789abcdef", "fedcba9876543210"])'
    )
