"""Periods on the Stockholm calendar, and the Tantivy backend's count per period: the same
as one count search per period, whatever the clock changes and year ends do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from indexer.article import Article
from indexer.errors import QueryError
from indexer.search.backends.tantivy import TantivyBackend
from indexer.search.periods import (
    MAX_PERIODS,
    check_by,
    count_by_searches,
    day_of,
    label,
    local_midnight_us,
    period_end,
    periods,
)
from indexer.search.query import Query

TZ = ZoneInfo("Europe/Stockholm")
TIMES = [
    datetime(2024, 3, 30, 23, 59, tzinfo=TZ),
    datetime(2024, 3, 31, 0, 30, tzinfo=TZ),  # the night summer time starts
    datetime(2024, 3, 31, 23, 30, tzinfo=TZ),  # 21:30 UTC
    datetime(2024, 10, 27, 0, 30, tzinfo=TZ),  # the night summer time ends
    datetime(2024, 10, 27, 23, 30, tzinfo=TZ),  # 22:30 UTC
    datetime(2024, 12, 31, 23, 59, tzinfo=TZ),  # 22:59 UTC, week 2025-W01
    datetime(2025, 1, 1, 0, 0, 30, tzinfo=TZ),  # 2024-12-31 23:00:30 UTC
    datetime(2025, 1, 6, 0, 0, tzinfo=TZ),  # a Monday: 2025-W02
]


def article(key: str, published: datetime | None, word: str) -> Article:
    url = f"https://www.example.se/nyheter/{key}"
    return Article(
        url=url,
        canonical_url=url,
        source="vt",
        source_name="VT",
        title=f"{word} i dag",
        body=f"Om {word} och annat.",
        published=published,
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TantivyBackend]:
    backend = TantivyBackend(Path(tmp_path_factory.mktemp("periods")) / "index")
    backend.configure()
    articles = [article(f"a{i}", when, "storm") for i, when in enumerate(TIMES)]
    articles += [article("b", TIMES[2], "budget"), article("undated", None, "storm")]
    backend.upsert(articles)
    yield backend
    backend.close()


def test_period_calendar() -> None:
    assert label(date(2024, 12, 30), "week") == "2025-W01"
    assert label(date(2024, 12, 1), "month") == "2024-12"
    assert label(date(2024, 2, 29), "day") == "2024-02-29"
    assert period_end(date(2024, 2, 1), "month") == date(2024, 2, 29)
    assert period_end(date(2024, 12, 30), "week") == date(2025, 1, 5)
    assert periods(date(2024, 12, 31), date(2025, 1, 6), "week") == [
        date(2024, 12, 30),
        date(2025, 1, 6),
    ]
    assert periods(date(2024, 1, 31), date(2024, 3, 1), "month") == [
        date(2024, 1, 1),
        date(2024, 2, 1),
        date(2024, 3, 1),
    ]
    assert len(periods(date(2024, 1, 1), date(2024, 12, 31), "day")) == 366


def test_days_around_the_clock_changes() -> None:
    short = local_midnight_us(date(2024, 4, 1)) - local_midnight_us(date(2024, 3, 31))
    long = local_midnight_us(date(2024, 10, 28)) - local_midnight_us(date(2024, 10, 27))
    assert short == 23 * 3600 * 1_000_000
    assert long == 25 * 3600 * 1_000_000
    assert day_of(TIMES[2].timestamp() * 1_000_000) == date(2024, 3, 31)


def test_bad_period_and_too_many_periods() -> None:
    with pytest.raises(QueryError, match="'year'"):
        check_by("year")
    with pytest.raises(QueryError, match=str(MAX_PERIODS)):
        periods(date(2000, 1, 1), date(2000, 1, 1) + timedelta(days=MAX_PERIODS), "day")


@pytest.mark.parametrize("by", ["day", "week", "month"])
def test_aggregation_matches_one_search_per_period(index: TantivyBackend, by: str) -> None:
    for query in (
        Query(text="storm"),
        Query(text=""),
        Query(text="budget"),
        Query(text="storm", date_from=date(2024, 3, 31), date_to=date(2024, 12, 31)),
    ):
        counted = index.count_by_period(query, by)
        assert counted == count_by_searches(index, query, by)
        assert all(n > 0 for _, n in counted)
    assert sum(n for _, n in index.count_by_period(Query(text="storm"), by)) == len(TIMES)


def test_counts_by_week_and_day(index: TantivyBackend) -> None:
    weeks = dict(index.count_by_period(Query(text="storm"), "week"))
    assert weeks[date(2024, 3, 25)] == 3  # Saturday night, and Sunday at both ends
    assert weeks[date(2024, 12, 30)] == 2  # New Year's Eve and Day: one ISO week
    assert weeks[date(2025, 1, 6)] == 1
    days = dict(index.count_by_period(Query(text=""), "day"))
    assert days[date(2024, 3, 31)] == 3
    assert days[date(2024, 10, 27)] == 2
    assert days[date(2024, 12, 31)] == 1
    assert index.count_by_period(Query(text="ingenting"), "month") == []
    with pytest.raises(QueryError):
        index.count_by_period(Query(text="storm"), "decade")
