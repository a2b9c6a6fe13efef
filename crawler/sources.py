"""The source list: which sites to crawl, where to start and which links are articles.

The schema is documented in ``docs/SOURCES.md``. :func:`load_sources` reads a ``sources.toml``
(the shipped ``crawler/sources.toml`` by default) and checks it strictly: every problem (bad
TOML, a missing or misspelt key, a wrong type, an invalid regex, an entry point outside the
source's domains, an unknown region or municipality) raises :class:`ConfigError` with one line
naming the file, the line and the problem.

No Scrapy here: the spider, the CLI (``arkiv sources``) and tests all use these plain objects.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.enrich.gazetteer import get_gazetteer
from crawler.urls import url_path
from indexer.errors import ConfigError, QueryError

__all__ = [
    "KINDS",
    "Source",
    "default_sources_path",
    "load_sources",
    "parse_sources",
]

KINDS = ("newspaper", "municipality", "broadcaster")
ENTRY_POINT_KEYS = ("sitemaps", "feeds", "sections")
SOURCE_KEYS = (
    "id",
    "name",
    "kind",
    "region",
    "municipality",
    "domains",
    "sitemaps",
    "feeds",
    "sections",
    "section_depth",
    "article_patterns",
    "ignore_patterns",
    "language",
    "enabled",
)
# [defaults] may set any source key except the identity and the entry points.
DEFAULT_KEYS = tuple(k for k in SOURCE_KEYS if k not in ("id", "name", *ENTRY_POINT_KEYS))
REQUIRED_KEYS = ("id", "name", "kind", "region", "domains")
TOP_LEVEL_KEYS = ("defaults", "source")
MAX_SECTION_DEPTH = 3

_ID = re.compile(r"^[a-z0-9-]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")


def default_sources_path() -> Path:
    """The shipped source list, ``crawler/sources.toml`` next to this module."""
    return Path(__file__).parent / "sources.toml"


@dataclass(frozen=True)
class Source:
    """One site to crawl, as configured in ``sources.toml`` (lists are tuples).

    Construct it through :func:`load_sources`, which validates everything; the regexes are
    compiled once here and are available as :attr:`article_regexes` / :attr:`ignore_regexes`.
    """

    id: str
    name: str
    kind: str
    region: str
    domains: tuple[str, ...]
    municipality: str = ""
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    section_depth: int = 1
    article_patterns: tuple[str, ...] = ()
    ignore_patterns: tuple[str, ...] = ()
    language: str = "sv"
    enabled: bool = True
    _article_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _ignore_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _hosts: tuple[tuple[str, int | None], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Compile the patterns and parse the domains once.

        Raises:
            ConfigError: a pattern is not a valid regex or a domain is not a host[:port].
        """
        object.__setattr__(self, "_article_res", self._compile("article_patterns"))
        object.__setattr__(self, "_ignore_res", self._compile("ignore_patterns"))
        hosts = []
        for entry in self.domains:
            parsed = _parse_domain(entry)
            if isinstance(parsed, str):
                raise ConfigError(f"source {self.id!r}: {parsed}")
            hosts.append(parsed)
        object.__setattr__(self, "_hosts", tuple(hosts))

    def _compile(self, key: str) -> tuple[re.Pattern[str], ...]:
        compiled = []
        for pattern in getattr(self, key):
            try:
                compiled.append(re.compile(pattern))
            except re.error as exc:
                raise ConfigError(
                    f"source {self.id!r}: invalid regex in {key}: {pattern!r}: {exc}"
                ) from None
        return tuple(compiled)

    @property
    def article_regexes(self) -> tuple[re.Pattern[str], ...]:
        """The compiled ``article_patterns``."""
        return self._article_res

    @property
    def ignore_regexes(self) -> tuple[re.Pattern[str], ...]:
        """The compiled ``ignore_patterns``."""
        return self._ignore_res

    @property
    def entry_points(self) -> tuple[str, ...]:
        """Sitemaps, then feeds, then sections."""
        return self.sitemaps + self.feeds + self.sections

    def allows(self, url: str) -> bool:
        """True if ``url``'s host is inside ``domains``.

        An entry without a port admits its host and every subdomain ("svt.se" admits
        "www.svt.se", not "notsvt.se"), on any port; an entry with a port ("127.0.0.1:8101")
        admits exactly that host and port (a default port counts as given).
        """
        try:
            parts = urlsplit(url.strip())
            host = parts.hostname
            port = parts.port
        except ValueError:
            return False
        if not host:
            return False
        host = host.rstrip(".")
        if port is None:
            port = _DEFAULT_PORTS.get(parts.scheme.lower())
        for entry_host, entry_port in self._hosts:
            if entry_port is None:
                if host == entry_host or host.endswith("." + entry_host):
                    return True
            elif host == entry_host and port == entry_port:
                return True
        return False

    def is_ignored(self, url: str) -> bool:
        """True if an ``ignore_patterns`` regex is found in the URL's path (+ ``?query``)."""
        target = url_path(url)
        return any(regex.search(target) for regex in self._ignore_res)

    def is_article_candidate(self, url: str) -> bool:
        """True if ``url`` may be an article of this source.

        It must be inside ``domains``, not ignored, and match one of ``article_patterns``
        (searched in the path + ``?query``); with no article patterns every in-domain,
        non-ignored URL is a candidate.
        """
        if not self.allows(url) or self.is_ignored(url):
            return False
        if not self._article_res:
            return True
        target = url_path(url)
        return any(regex.search(target) for regex in self._article_res)


# ---------------------------------------------------------------------- loading


def load_sources(path: Path | str | None = None) -> list[Source]:
    """Read and validate a sources file; None means the shipped ``crawler/sources.toml``.

    Returns every source in file order, enabled or not.

    Raises:
        ConfigError: the file is missing or unreadable, is not valid TOML, or breaks the schema
            (the message names the file, the line where known, and the problem).
    """
    file = Path(path) if path is not None else default_sources_path()
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"sources file not found: {file} (set --sources or ARKIV_SOURCES)"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{file}: is a directory, not a sources file") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read sources file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{file} line {line}: not valid UTF-8 (save the file as UTF-8)") from None
    return parse_sources(text, str(file))


def parse_sources(text: str, filename: str = "sources.toml") -> list[Source]:
    """Validate the text of a sources file; ``filename`` is used in error messages.

    Raises:
        ConfigError: as for :func:`load_sources`.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = _toml_error(exc)
        if line is None and "at end of document" in str(exc):
            line = max(1, len(text.splitlines()))
        raise ConfigError(_where(filename, line) + f"invalid TOML: {message}") from None
    return _Loader(text, filename).load(document)


def _toml_error(exc: tomllib.TOMLDecodeError) -> tuple[str, int | None]:
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)  # Python 3.14+
    found = _TOML_POSITION.search(message)
    if found:
        if line is None and found.group(1):
            line = int(found.group(1))
        message = message[: found.start()]
    short = getattr(exc, "msg", None)  # Python 3.14+
    if isinstance(short, str):
        message = short
    return message, line


def _where(filename: str, line: int | None) -> str:
    return f"{filename} line {line}: " if line else f"{filename}: "


def _did_you_mean(value: str, options: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else f" (known keys: {', '.join(options)})"


def _parse_domain(entry: str) -> tuple[str, int | None] | str:
    """``(host, port)`` for a domains entry, or a problem description."""
    value = entry.strip().lower()
    if not value or "://" in value or any(ch in value for ch in "/?#@ "):
        return f"domains entry {entry!r} must be a host name such as 'example.se', not a URL"
    try:
        parts = urlsplit("//" + value)
        host, port = parts.hostname, parts.port
    except ValueError:
        return f"domains entry {entry!r} has an invalid port"
    if not host:
        return f"domains entry {entry!r} is not a host name"
    host = host.rstrip(".")
    if ":" not in host and not _HOST.match(host):
        return f"domains entry {entry!r} is not a host name"
    if port is None and value.rstrip(".") != host and not value.startswith("["):
        return f"domains entry {entry!r} has an invalid port"
    return host, port


class _Lines:
    """Finds the line of a table or key in the source text (1-based), for error messages."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- ]+?)\s*\]\]?\s*(?:#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str, bool]] = []  # (index, name, is array of tables)
        for index, line in enumerate(self.lines):
            match = self._HEADER.match(line)
            if match:
                self.headers.append((index, match.group(2), match.group(1) == "[["))

    def _block(self, name: str, array: bool, occurrence: int) -> tuple[int, int] | None:
        seen = 0
        for position, (index, header, is_array) in enumerate(self.headers):
            if header == name and is_array == array:
                if seen == occurrence:
                    end = (
                        self.headers[position + 1][0]
                        if position + 1 < len(self.headers)
                        else len(self.lines)
                    )
                    return index, end
                seen += 1
        return None

    def _key_in(self, start: int, end: int, key: str) -> int | None:
        quoted = re.escape(key)
        pattern = re.compile(rf"""^\s*(?:{quoted}|"{quoted}"|'{quoted}')\s*=""")
        for index in range(start, end):
            if pattern.match(self.lines[index]):
                return index + 1
        return None

    def source(self, number: int, key: str | None = None) -> int | None:
        """The line of ``key`` in the ``number``-th ``[[source]]`` (else of its header)."""
        block = self._block("source", True, number)
        if block is None:
            return None
        if key is not None:
            found = self._key_in(block[0] + 1, block[1], key)
            if found is not None:
                return found
        return block[0] + 1

    def defaults(self, key: str | None = None) -> int | None:
        """The line of ``key`` in ``[defaults]`` (else of its header)."""
        block = self._block("defaults", False, 0)
        if block is None:
            return None
        if key is not None:
            found = self._key_in(block[0] + 1, block[1], key)
            if found is not None:
                return found
        return block[0] + 1

    def top_level(self, key: str) -> int | None:
        """The line where a top-level key or table is introduced."""
        for index, name, _array in self.headers:
            if name == key or name.startswith(key + "."):
                return index + 1
        first_header = self.headers[0][0] if self.headers else len(self.lines)
        return self._key_in(0, first_header, key)


class _Loader:
    def __init__(self, text: str, filename: str) -> None:
        self.filename = filename
        self.lines = _Lines(text)
        self.gazetteer = get_gazetteer()

    def fail(self, line: int | None, problem: str) -> ConfigError:
        return ConfigError(_where(self.filename, line) + problem)

    def load(self, document: dict[str, Any]) -> list[Source]:
        for key in document:
            if key not in TOP_LEVEL_KEYS:
                raise self.fail(
                    self.lines.top_level(key),
                    f"unknown top-level key {key!r}{_did_you_mean(key, TOP_LEVEL_KEYS)}",
                )
        defaults = self.check_defaults(document.get("defaults", {}))
        tables = document.get("source")
        if tables is None:
            raise self.fail(None, "no sources defined (add a [[source]] table)")
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise self.fail(self.lines.top_level("source"), "'source' must be [[source]] tables")
        if not tables:
            raise self.fail(None, "no sources defined (add a [[source]] table)")
        sources: list[Source] = []
        first_line: dict[str, int | None] = {}
        for number, table in enumerate(tables):
            source = self.check_source(number, table, defaults)
            if source.id in first_line:
                earlier = first_line[source.id]
                also = f" (first defined on line {earlier})" if earlier else ""
                raise self.fail(
                    self.lines.source(number, "id"), f"duplicate source id {source.id!r}{also}"
                )
            first_line[source.id] = self.lines.source(number, "id")
            sources.append(source)
        return sources

    # ------------------------------------------------------------------ [defaults]

    def check_defaults(self, table: object) -> dict[str, Any]:
        if not isinstance(table, dict):
            raise self.fail(self.lines.top_level("defaults"), "[defaults] must be a table")
        checked: dict[str, Any] = {}
        for key, value in table.items():
            line = self.lines.defaults(key)
            if key in ("id", "name", *ENTRY_POINT_KEYS):
                raise self.fail(line, f"[defaults] cannot set {key!r}; set it in each [[source]]")
            if key not in DEFAULT_KEYS:
                raise self.fail(
                    line, f"[defaults]: unknown key {key!r}{_did_you_mean(key, DEFAULT_KEYS)}"
                )
            checker = _CHECKS.get(key)
            if checker is not None:
                problem = checker(self, value)
                if isinstance(problem, _Problem):
                    raise self.fail(line, f"[defaults]: {problem.text}")
                value = problem
            checked[key] = value
        return checked

    # ------------------------------------------------------------------ [[source]]

    def check_source(self, number: int, table: dict[str, Any], defaults: dict[str, Any]) -> Source:
        raw_id = table.get("id")
        label = (
            f"source {raw_id!r}" if isinstance(raw_id, str) and raw_id else f"source #{number + 1}"
        )

        def line_of(key: str | None) -> int | None:
            if key is not None and key not in table and key in defaults:
                return self.lines.defaults(key)
            if key is None or key not in table:
                return self.lines.source(number, "id" if "id" in table else None)
            return self.lines.source(number, key)

        def fail(key: str | None, problem: str) -> ConfigError:
            return self.fail(line_of(key), f"{label}: {problem}")

        for key in table:
            if key not in SOURCE_KEYS:
                raise fail(key, f"unknown key {key!r}{_did_you_mean(key, SOURCE_KEYS)}")
        merged = {**defaults, **table}
        values: dict[str, Any] = {}
        for key, value in merged.items():
            checker = _CHECKS[key]
            result = checker(self, value)
            if isinstance(result, _Problem):
                raise fail(key, result.text)
            values[key] = result
        for key in REQUIRED_KEYS:
            if key not in merged:
                raise fail(None, f"missing required key {key!r}")

        # Cross-field rules.
        if not any(values.get(key) for key in ENTRY_POINT_KEYS):
            raise fail(None, "needs at least one entry point in sitemaps, feeds or sections")
        municipality = values.get("municipality", "")
        if municipality:
            home = self.gazetteer.municipality(municipality)
            region_name = self.gazetteer.region_of(home).name
            if region_name != values["region"]:
                raise fail(
                    "municipality",
                    f"municipality {municipality!r} is in {region_name}, not {values['region']}",
                )
        try:
            source = Source(**values)
        except ConfigError as exc:  # pragma: no cover - the checks above catch these first
            raise fail(None, str(exc)) from None
        for key in ENTRY_POINT_KEYS:
            for url in values.get(key, ()):
                if not source.allows(url):
                    raise fail(
                        key,
                        f"{key} entry {url!r} is outside domains [{', '.join(source.domains)}]",
                    )
        return source

    # ------------------------------------------------------------------ field checks

    def check_id(self, value: object) -> str | _Problem:
        if not isinstance(value, str) or not _ID.match(value):
            return _Problem(f"id must be lowercase letters, digits and '-', not {value!r}")
        return value

    def check_name(self, value: object) -> str | _Problem:
        if not isinstance(value, str) or not value.strip():
            return _Problem("name must be a non-empty string")
        return value.strip()

    def check_kind(self, value: object) -> str | _Problem:
        if value not in KINDS:
            return _Problem(f"kind must be one of {', '.join(KINDS)}, not {value!r}")
        return str(value)

    def check_region(self, value: object) -> str | _Problem:
        if not isinstance(value, str):
            return _Problem(f"region must be a string such as 'Kalmar län', not {value!r}")
        try:
            return self.gazetteer.region(value).name
        except QueryError as exc:
            return _Problem(str(exc))

    def check_municipality(self, value: object) -> str | _Problem:
        if not isinstance(value, str):
            return _Problem(f"municipality must be a string such as 'Vimmerby', not {value!r}")
        if not value.strip():
            return ""
        try:
            return self.gazetteer.municipality(value).name
        except QueryError as exc:
            return _Problem(str(exc))

    def check_domains(self, value: object) -> tuple[str, ...] | _Problem:
        items = _string_list(value, "domains", '["example.se"]')
        if isinstance(items, _Problem):
            return items
        if not items:
            return _Problem("domains must name at least one host")
        result = []
        for entry in items:
            parsed = _parse_domain(entry)
            if isinstance(parsed, str):
                return _Problem(parsed)
            result.append(entry.strip().lower().rstrip("."))
        return tuple(result)

    def check_urls(self, key: str, value: object) -> tuple[str, ...] | _Problem:
        items = _string_list(value, key, '["https://example.se/sitemap.xml"]')
        if isinstance(items, _Problem):
            return items
        for url in items:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                return _Problem(f"{key} entry {url!r} must be an absolute http(s) URL")
        return tuple(url.strip() for url in items)

    def check_section_depth(self, value: object) -> int | _Problem:
        if isinstance(value, bool) or not isinstance(value, int):
            return _Problem(f"section_depth must be a whole number 0-3, not {value!r}")
        if not 0 <= value <= MAX_SECTION_DEPTH:
            return _Problem(f"section_depth must be between 0 and 3, not {value}")
        return value

    def check_patterns(self, key: str, value: object) -> tuple[str, ...] | _Problem:
        items = _string_list(value, key, "['^/nyheter/']")
        if isinstance(items, _Problem):
            return items
        for pattern in items:
            try:
                re.compile(pattern)
            except re.error as exc:
                return _Problem(f"invalid regex in {key}: {pattern!r}: {exc}")
        return tuple(items)

    def check_language(self, value: object) -> str | _Problem:
        if not isinstance(value, str) or not _LANGUAGE.match(value):
            return _Problem(f"language must be a language code such as 'sv', not {value!r}")
        return value

    def check_enabled(self, value: object) -> bool | _Problem:
        if not isinstance(value, bool):
            return _Problem(f"enabled must be true or false, not {value!r}")
        return value


@dataclass(frozen=True)
class _Problem:
    text: str


def _string_list(value: object, key: str, example: str) -> list[str] | _Problem:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return _Problem(f"{key} must be a list of non-empty strings, e.g. {example}")
    return list(value)


_Check = Callable[[_Loader, object], object]
_CHECKS: Mapping[str, _Check] = {
    "id": _Loader.check_id,
    "name": _Loader.check_name,
    "kind": _Loader.check_kind,
    "region": _Loader.check_region,
    "municipality": _Loader.check_municipality,
    "domains": _Loader.check_domains,
    "sitemaps": lambda loader, v: loader.check_urls("sitemaps", v),
    "feeds": lambda loader, v: loader.check_urls("feeds", v),
    "sections": lambda loader, v: loader.check_urls("sections", v),
    "section_depth": _Loader.check_section_depth,
    "article_patterns": lambda loader, v: loader.check_patterns("article_patterns", v),
    "ignore_patterns": lambda loader, v: loader.check_patterns("ignore_patterns", v),
    "language": _Loader.check_language,
    "enabled": _Loader.check_enabled,
}
