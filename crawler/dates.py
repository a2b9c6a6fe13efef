"""Dates as Swedish news pages write them, resolved to aware datetimes in Europe/Stockholm."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

_MONTHS = {
    "januari": 1, "jan": 1,
    "februari": 2, "feb": 2,
    "mars": 3, "mar": 3,
    "april": 4, "apr": 4,
    "maj": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_TIME = r"(?:\s*,?\s*(?:kl\.?\s*)?(?P<hour>[01]?\d|2[0-3])[.:](?P<minute>[0-5]\d))?"
_WORDY = re.compile(
    r"(?P<day>[0-3]?\d)\s+(?P<month>[a-zåäö]{3,9})\.?(?:\s+(?P<year>(?:19|20)\d\d))?" + _TIME,
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)"
    r"(?:[ T,]+(?:kl\.?\s*)?(?P<hour>[01]?\d|2[0-3])[.:](?P<minute>[0-5]\d))?"
)
_RELATIVE = re.compile(r"\b(?P<rel>i\s?dag|i\s?går|i\s?förrgår)\b" + _TIME, re.IGNORECASE)
_LINE = re.compile(
    r"(?P<label>senast\s+uppdaterad|senast\s+ändrad|uppdaterad|uppdaterat|ändrad"
    r"|publicerad|publicerat|publ\.)\s*:?\s*(?P<rest>[^\n|·•]{0,60})",
    re.IGNORECASE,
)
_DAYS_BACK = {"idag": 0, "igår": 1, "iförrgår": 2}


@dataclass(frozen=True, slots=True)
class DateLines:
    """What a page's visible "Publicerad … / Uppdaterad …" lines say."""

    published: datetime | None = None
    updated: datetime | None = None


def parse_swedish_date(text: str, now: datetime) -> datetime | None:
    """Parse one Swedish date phrase into an aware datetime (Europe/Stockholm).

    Understands "9 augusti 2025 kl 06.00", "12 aug. 2025 14:32", "2025-03-14 08:12",
    "2025-06-12", "idag 14:32", "i går" and weekday prefixes ("lördag 9 augusti 2025").
    A phrase without a year takes the year of ``now`` (the previous one if that would lie
    in the future); relative words count back from ``now`` in Stockholm time.

    Args:
        text: the phrase, possibly with surrounding words.
        now: the moment the page was fetched (aware).

    Returns:
        The datetime, or None when the text holds no recognisable date.
    """
    local_now = now.astimezone(STOCKHOLM)
    best: tuple[int, datetime] | None = None
    for found in (_numeric(text), _wordy(text, local_now), _relative(text, local_now)):
        if found and (best is None or found[0] < best[0]):
            best = found
    return best[1] if best else None


def find_date_lines(text: str, now: datetime) -> DateLines:
    """Find the first "Publicerad …" and "Uppdaterad …" phrases in a page's visible text."""
    published = updated = None
    for match in _LINE.finditer(text):
        label = match.group("label").lower()
        value = parse_swedish_date(match.group("rest"), now)
        if value is None:
            continue
        if label.startswith("publ"):
            published = published or value
        else:
            updated = updated or value
        if published and updated:
            break
    return DateLines(published, updated)


def parse_iso_datetime(value: str) -> datetime | None:
    """Parse ISO 8601 as found in JSON-LD and meta tags; a naive value is Stockholm time."""
    value = value.strip()
    if not value:
        return None
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value[:10]), time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    return parsed


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]([01]\d)[/-]([0-3]\d)(?:/|$|-)")


def date_in_url(url: str) -> date | None:
    """The publication day many news URLs carry (/2025/08/09/…), if any."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def to_stockholm(value: datetime) -> datetime:
    """The same instant in Europe/Stockholm (the archive's display zone)."""
    return value.astimezone(STOCKHOLM)


def _local(day: date, hour: str | None, minute: str | None) -> datetime:
    clock = time(int(hour), int(minute)) if hour is not None and minute is not None else time()
    return datetime.combine(day, clock, tzinfo=STOCKHOLM)


def _numeric(text: str) -> tuple[int, datetime] | None:
    match = _NUMERIC.search(text)
    if not match:
        return None
    try:
        day = date(int(match["year"]), int(match["mon"]), int(match["day"]))
    except ValueError:
        return None
    return match.start(), _local(day, match["hour"], match["minute"])


def _wordy(text: str, now: datetime) -> tuple[int, datetime] | None:
    for match in _WORDY.finditer(text):
        month = _MONTHS.get(match["month"].lower())
        if month is None:
            continue
        year = int(match["year"]) if match["year"] else now.year
        try:
            day = date(year, month, int(match["day"]))
        except ValueError:
            continue
        if not match["year"] and day > now.date():
            day = day.replace(year=year - 1)
        return match.start(), _local(day, match["hour"], match["minute"])
    return None


def _relative(text: str, now: datetime) -> tuple[int, datetime] | None:
    match = _RELATIVE.search(text)
    if not match:
        return None
    back = _DAYS_BACK[re.sub(r"\s", "", match["rel"].lower())]
    day = now.date() - timedelta(days=back)
    return match.start(), _local(day, match["hour"], match["minute"])
