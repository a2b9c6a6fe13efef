"""Swedish date phrases -> aware datetimes in Europe/Stockholm."""

from datetime import UTC, datetime

import pytest

from crawler.dates import STOCKHOLM, find_date_lines, parse_iso_datetime, parse_swedish_date

NOW = datetime(2025, 8, 12, 16, 0, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 augusti 2025 kl 06.00", datetime(2025, 8, 9, 6, 0)),
        ("Publicerad 9 augusti 2025 kl 06.00", datetime(2025, 8, 9, 6, 0)),
        ("12 aug. 2025 14:32", datetime(2025, 8, 12, 14, 32)),
        ("lördag 9 augusti 2025", datetime(2025, 8, 9, 0, 0)),
        ("3 jan 2025, kl. 9.05", datetime(2025, 1, 3, 9, 5)),
        ("2025-03-14 08:12", datetime(2025, 3, 14, 8, 12)),
        ("2025-06-12", datetime(2025, 6, 12, 0, 0)),
        ("idag 14:32", datetime(2025, 8, 12, 14, 32)),
        ("Idag 08:15", datetime(2025, 8, 12, 8, 15)),
        ("i dag kl 10.00", datetime(2025, 8, 12, 10, 0)),
        ("igår 14:32", datetime(2025, 8, 11, 14, 32)),
        ("I går", datetime(2025, 8, 11, 0, 0)),
        ("5 december", datetime(2024, 12, 5, 0, 0)),  # no year, would be in the future
        ("5 augusti", datetime(2025, 8, 5, 0, 0)),
    ],
)
def test_parses_swedish_phrases(text: str, expected: datetime) -> None:
    assert parse_swedish_date(text, NOW) == expected.replace(tzinfo=STOCKHOLM)


def test_offsets_follow_summer_and_winter_time() -> None:
    summer = parse_swedish_date("9 augusti 2025 kl 06.00", NOW)
    winter = parse_swedish_date("9 januari 2025 kl 06.00", NOW)
    assert summer is not None
    assert summer.isoformat() == "2025-08-09T06:00:00+02:00"
    assert winter is not None
    assert winter.isoformat() == "2025-01-09T06:00:00+01:00"


@pytest.mark.parametrize("text", ["", "inga datum här", "32 augusti 2025", "9 smörgås 2025"])
def test_no_date(text: str) -> None:
    assert parse_swedish_date(text, NOW) is None


def test_relative_days_count_in_stockholm_not_utc() -> None:
    # 22:30 UTC on 12 Aug is 00:30 on 13 Aug in Stockholm: "idag" means 13 Aug.
    fetched = datetime(2025, 8, 12, 22, 30, tzinfo=UTC)
    assert parse_swedish_date("idag 00:10", fetched) == datetime(
        2025, 8, 13, 0, 10, tzinfo=STOCKHOLM
    )


def test_date_lines_separate_published_and_updated() -> None:
    text = "Publicerad 9 augusti 2025 kl 06.00 · Uppdaterad 12 aug. 2025 14:32"
    lines = find_date_lines(text, NOW)
    assert lines.published == datetime(2025, 8, 9, 6, 0, tzinfo=STOCKHOLM)
    assert lines.updated == datetime(2025, 8, 12, 14, 32, tzinfo=STOCKHOLM)


def test_municipality_style_lines() -> None:
    lines = find_date_lines("Publicerad: 2025-06-12\nSenast uppdaterad: 2025-06-13", NOW)
    assert lines.published == datetime(2025, 6, 12, tzinfo=STOCKHOLM)
    assert lines.updated == datetime(2025, 6, 13, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-08-09T06:00:00+02:00", "2025-08-09T06:00:00+02:00"),
        ("2025-08-09T04:00:00Z", "2025-08-09T04:00:00+00:00"),
        ("2025-08-09T06:00:00", "2025-08-09T06:00:00+02:00"),
        ("2025-08-09", "2025-08-09T00:00:00+02:00"),
    ],
)
def test_iso_values(value: str, iso: str) -> None:
    parsed = parse_iso_datetime(value)
    assert parsed is not None
    assert parsed.isoformat() == iso


def test_garbage_iso_is_none() -> None:
    assert parse_iso_datetime("yesterday-ish") is None
