"""The schema of ``sources.toml`` as pydantic models, with the problems users are told of.

Every field check raises ``ValueError`` with the one-line problem a user reads (after the file
name, the line and the source): pydantic collects them, and ``crawler.sources`` picks the
one to report, in the order the file gives the keys. The rules that span fields (an entry
point, the municipality inside the region, entry points inside the domains) raise
:class:`RuleError`, which names the key whose line is reported.

Domains and regexes are checked here only: :class:`crawler.sources.Source` parses and
compiles them with the same functions (``parse_domain``, ``compile_pattern``), which cannot
fail on values that passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from crawler.enrich.gazetteer import get_gazetteer
from indexer.errors import QueryError

__all__ = [
    "DEFAULT_KEYS",
    "ENTRY_POINT_KEYS",
    "KINDS",
    "REQUIRED_KEYS",
    "SOURCE_KEYS",
    "TOP_LEVEL_KEYS",
    "Defaults",
    "RuleError",
    "SourceEntry",
    "SourceFile",
    "compile_pattern",
    "parse_domain",
]

KINDS = ("newspaper", "municipality", "broadcaster")
ENTRY_POINT_KEYS = ("sitemaps", "feeds", "sections")
# [defaults] may set any source key except the identity and the entry points.
DEFAULT_KEYS = (
    "kind",
    "region",
    "municipality",
    "domains",
    "section_depth",
    "article_patterns",
    "ignore_patterns",
    "language",
    "enabled",
)
# A source's keys in the order the documentation lists them: its identity, then what
# [defaults] may set, with the entry points after the domains.
SOURCE_KEYS = ("id", "name", *DEFAULT_KEYS[:4], *ENTRY_POINT_KEYS, *DEFAULT_KEYS[4:])
REQUIRED_KEYS = ("id", "name", "kind", "region", "domains")
TOP_LEVEL_KEYS = ("defaults", "source")
MAX_SECTION_DEPTH = 3

_ID = re.compile(r"^[a-z0-9-]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


class RuleError(ValueError):
    """A rule across fields is broken; ``key`` is the one whose line is reported (None: the
    source's ``id`` line, else its table header)."""

    def __init__(self, problem: str, key: str | None = None) -> None:
        super().__init__(problem)
        self.key = key


# ---------------------------------------------------------------------- shared with Source


def parse_domain(entry: str) -> tuple[str, int | None]:
    """``(host, port)`` for a domains entry (ValueError: the problem)."""
    value = entry.strip().lower()
    if not value or "://" in value or any(ch in value for ch in "/?#@ "):
        raise ValueError(
            f"domains entry {entry!r} must be a host name such as 'example.se', not a URL"
        )
    try:
        parts = urlsplit("//" + value)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ValueError(f"domains entry {entry!r} has an invalid port") from None
    if not host:
        raise ValueError(f"domains entry {entry!r} is not a host name")
    host = host.rstrip(".")
    if ":" not in host and not _HOST.match(host):
        raise ValueError(f"domains entry {entry!r} is not a host name")
    if port is None and value.rstrip(".") != host and not value.startswith("["):
        raise ValueError(f"domains entry {entry!r} has an invalid port")
    return host, port


def compile_pattern(key: str, pattern: str) -> re.Pattern[str]:
    """An ``article_patterns`` / ``ignore_patterns`` regex, compiled (ValueError: why not)."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regex in {key}: {pattern!r}: {exc}") from None


# ---------------------------------------------------------------------- field checks


def _string_list(value: object, key: str, example: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{key} must be a list of non-empty strings, e.g. {example}")
    return list(value)


def _check_id(value: object) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"id must be lowercase letters, digits and '-', not {value!r}")
    return value


def _check_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("name must be a non-empty string")
    return value.strip()


def _check_kind(value: object) -> str:
    if value not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {value!r}")
    return str(value)


def _check_region(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"region must be a string such as 'Kalmar län', not {value!r}")
    try:
        return get_gazetteer().region(value).name
    except QueryError as exc:
        raise ValueError(str(exc)) from None


def _check_municipality(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"municipality must be a string such as 'Vimmerby', not {value!r}")
    if not value.strip():
        return ""
    try:
        return get_gazetteer().municipality(value).name
    except QueryError as exc:
        raise ValueError(str(exc)) from None


def _check_domains(value: object) -> tuple[str, ...]:
    items = _string_list(value, "domains", '["example.se"]')
    if not items:
        raise ValueError("domains must name at least one host")
    for entry in items:
        parse_domain(entry)
    return tuple(entry.strip().lower().rstrip(".") for entry in items)


def _check_urls(key: str) -> Callable[[object], tuple[str, ...]]:
    def check(value: object) -> tuple[str, ...]:
        items = _string_list(value, key, '["https://example.se/sitemap.xml"]')
        for url in items:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"{key} entry {url!r} must be an absolute http(s) URL")
        return tuple(url.strip() for url in items)

    return check


def _check_section_depth(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"section_depth must be a whole number 0-3, not {value!r}")
    if not 0 <= value <= MAX_SECTION_DEPTH:
        raise ValueError(f"section_depth must be between 0 and 3, not {value}")
    return value


def _check_patterns(key: str) -> Callable[[object], tuple[str, ...]]:
    def check(value: object) -> tuple[str, ...]:
        items = _string_list(value, key, "['^/nyheter/']")
        for pattern in items:
            compile_pattern(key, pattern)
        return tuple(items)

    return check


def _check_language(value: object) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise ValueError(f"language must be a language code such as 'sv', not {value!r}")
    return value


def _check_enabled(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"enabled must be true or false, not {value!r}")
    return value


Id = Annotated[str, BeforeValidator(_check_id)]
Name = Annotated[str, BeforeValidator(_check_name)]
Kind = Annotated[str, BeforeValidator(_check_kind)]
Region = Annotated[str, BeforeValidator(_check_region)]
Municipality = Annotated[str, BeforeValidator(_check_municipality)]
Domains = Annotated[tuple[str, ...], BeforeValidator(_check_domains)]
Sitemaps = Annotated[tuple[str, ...], BeforeValidator(_check_urls("sitemaps"))]
Feeds = Annotated[tuple[str, ...], BeforeValidator(_check_urls("feeds"))]
Sections = Annotated[tuple[str, ...], BeforeValidator(_check_urls("sections"))]
SectionDepth = Annotated[int, BeforeValidator(_check_section_depth)]
ArticlePatterns = Annotated[tuple[str, ...], BeforeValidator(_check_patterns("article_patterns"))]
IgnorePatterns = Annotated[tuple[str, ...], BeforeValidator(_check_patterns("ignore_patterns"))]
Language = Annotated[str, BeforeValidator(_check_language)]
Enabled = Annotated[bool, BeforeValidator(_check_enabled)]


# ---------------------------------------------------------------------- models

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class SourceFile(BaseModel):
    """The top level of the file: ``[defaults]`` and the ``[[source]]`` tables, unchecked."""

    model_config = _STRICT

    defaults: dict[str, Any] = {}
    source: list[dict[str, Any]] | None = None


class Defaults(BaseModel):
    """``[defaults]``: values for keys a ``[[source]]`` leaves out."""

    model_config = _STRICT

    kind: Annotated[str | None, BeforeValidator(_check_kind)] = None
    region: Annotated[str | None, BeforeValidator(_check_region)] = None
    municipality: Annotated[str | None, BeforeValidator(_check_municipality)] = None
    domains: Annotated[tuple[str, ...] | None, BeforeValidator(_check_domains)] = None
    section_depth: Annotated[int | None, BeforeValidator(_check_section_depth)] = None
    article_patterns: Annotated[
        tuple[str, ...] | None, BeforeValidator(_check_patterns("article_patterns"))
    ] = None
    ignore_patterns: Annotated[
        tuple[str, ...] | None, BeforeValidator(_check_patterns("ignore_patterns"))
    ] = None
    language: Annotated[str | None, BeforeValidator(_check_language)] = None
    enabled: Annotated[bool | None, BeforeValidator(_check_enabled)] = None


class SourceEntry(BaseModel):
    """One ``[[source]]`` table merged over ``[defaults]``; the fields of ``Source``."""

    model_config = _STRICT

    id: Id
    name: Name
    kind: Kind
    region: Region
    domains: Domains
    municipality: Municipality = ""
    sitemaps: Sitemaps = ()
    feeds: Feeds = ()
    sections: Sections = ()
    section_depth: SectionDepth = 1
    article_patterns: ArticlePatterns = ()
    ignore_patterns: IgnorePatterns = ()
    language: Language = "sv"
    enabled: Enabled = True

    @model_validator(mode="after")
    def _cross_field_rules(self) -> SourceEntry:
        if not (self.sitemaps or self.feeds or self.sections):
            raise RuleError("needs at least one entry point in sitemaps, feeds or sections")
        if self.municipality:
            gazetteer = get_gazetteer()
            home = gazetteer.municipality(self.municipality)
            region_name = gazetteer.region_of(home).name
            if region_name != self.region:
                raise RuleError(
                    f"municipality {self.municipality!r} is in {region_name}, not {self.region}",
                    "municipality",
                )
        return self
