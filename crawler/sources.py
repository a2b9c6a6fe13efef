"""The source list: which sites to crawl, where to start and which links are articles.

The schema is documented in ``docs/SOURCES.md``. :func:`load_sources` reads a ``sources.toml``
(the shipped ``crawler/sources.toml`` by default) and checks it strictly against the pydantic
models of ``crawler.source_schema``: every problem (bad TOML, a missing or misspelt key, a
wrong type, an invalid regex, an entry point outside the source's domains, an unknown region
or municipality) raises :class:`ConfigError` with one line naming the file, the line
(found by ``crawler.source_lines``) and the problem.

No Scrapy here: the spider, the CLI (``arkiv sources``) and tests all use these plain objects.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from crawler.source_lines import LineFinder, toml_problem
from crawler.source_schema import (
    DEFAULT_KEYS,
    ENTRY_POINT_KEYS,
    KINDS,
    REQUIRED_KEYS,
    SOURCE_KEYS,
    TOP_LEVEL_KEYS,
    Defaults,
    RuleError,
    SourceEntry,
    SourceFile,
    compile_pattern,
    parse_domain,
)
from crawler.urls import url_path
from indexer.errors import ConfigError

__all__ = [
    "KINDS",
    "Source",
    "default_sources_path",
    "load_sources",
    "parse_sources",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def default_sources_path() -> Path:
    """The shipped source list, ``crawler/sources.toml`` next to this module."""
    return Path(__file__).parent / "sources.toml"


@dataclass(frozen=True)
class Source:
    """One site to crawl, as configured in ``sources.toml`` (lists are tuples).

    Construct it through :func:`load_sources`, which validates everything; the regexes are
    compiled once here (the article patterns are available as :attr:`article_regexes`).
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
        try:
            hosts = tuple(parse_domain(entry) for entry in self.domains)
        except ValueError as exc:
            raise ConfigError(f"source {self.id!r}: {exc}") from None
        object.__setattr__(self, "_hosts", hosts)

    def _compile(self, key: str) -> tuple[re.Pattern[str], ...]:
        try:
            return tuple(compile_pattern(key, pattern) for pattern in getattr(self, key))
        except ValueError as exc:
            raise ConfigError(f"source {self.id!r}: {exc}") from None

    @property
    def article_regexes(self) -> tuple[re.Pattern[str], ...]:
        """The compiled ``article_patterns``."""
        return self._article_res

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
        message, line = toml_problem(exc, text)
        raise ConfigError(_where(filename, line) + f"invalid TOML: {message}") from None
    return _Loader(text, filename).load(document)


def _where(filename: str, line: int | None) -> str:
    return f"{filename} line {line}: " if line else f"{filename}: "


def _did_you_mean(value: str, options: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else f" (known keys: {', '.join(options)})"


def _first(errors: list[ErrorDetails], order: list[str]) -> tuple[str, ErrorDetails] | None:
    """The error of the key that comes first in ``order`` (how the file gives the keys)."""
    by_key = {str(error["loc"][0]): error for error in reversed(errors) if error["loc"]}
    key = next((k for k in order if k in by_key), None)
    return (key, by_key[key]) if key is not None else None


def _problem(error: ErrorDetails) -> str:
    """What a user reads for a pydantic error: the text of the check's ValueError."""
    cause = (error.get("ctx") or {}).get("error")
    return str(cause) if cause is not None else error["msg"]


class _Loader:
    """One file's validation: picks, of the problems pydantic finds, the one to report."""

    def __init__(self, text: str, filename: str) -> None:
        self.filename = filename
        self.lines = LineFinder(text)

    def fail(self, line: int | None, problem: str) -> ConfigError:
        return ConfigError(_where(self.filename, line) + problem)

    def load(self, document: dict[str, Any]) -> list[Source]:
        problems: dict[str, str] = {}
        try:
            SourceFile.model_validate(document)
        except ValidationError as exc:
            problems = {str(e["loc"][0]): e["type"] for e in reversed(exc.errors()) if e["loc"]}
        for key in document:
            if problems.get(key) == "extra_forbidden":
                raise self.fail(
                    self.lines.top_level(key),
                    f"unknown top-level key {key!r}{_did_you_mean(key, TOP_LEVEL_KEYS)}",
                )
        if "defaults" in problems:
            raise self.fail(self.lines.top_level("defaults"), "[defaults] must be a table")
        defaults = self.check_defaults(document.get("defaults", {}))
        tables = document.get("source")
        if tables is None:
            raise self.fail(None, "no sources defined (add a [[source]] table)")
        if "source" in problems:
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

    def check_defaults(self, table: dict[str, Any]) -> dict[str, Any]:
        """``[defaults]``, checked; the first problem in the table's order is reported."""
        try:
            return Defaults.model_validate(table).model_dump(exclude_unset=True)
        except ValidationError as exc:
            found = _first(exc.errors(), list(table))
            if found is None:  # every error names a key of the table
                raise
            key, error = found
        line = self.lines.defaults(key)
        if key in ("id", "name", *ENTRY_POINT_KEYS):
            raise self.fail(line, f"[defaults] cannot set {key!r}; set it in each [[source]]")
        if error["type"] == "extra_forbidden":
            problem = f"unknown key {key!r}{_did_you_mean(key, DEFAULT_KEYS)}"
            raise self.fail(line, f"[defaults]: {problem}")
        raise self.fail(line, f"[defaults]: {_problem(error)}")

    def check_source(self, number: int, table: dict[str, Any], defaults: dict[str, Any]) -> Source:
        """One ``[[source]]`` over the defaults, checked; its problem, if any, reported in
        this order: an unknown key, a wrong value, a missing key, a rule across keys."""
        raw_id = table.get("id")
        named = isinstance(raw_id, str) and raw_id
        label = f"source {raw_id!r}" if named else f"source #{number + 1}"

        def fail(key: str | None, problem: str) -> ConfigError:
            if key is not None and key not in table and key in defaults:
                line = self.lines.defaults(key)
            elif key is None or key not in table:
                line = self.lines.source(number, "id" if "id" in table else None)
            else:
                line = self.lines.source(number, key)
            return self.fail(line, f"{label}: {problem}")

        merged = {**defaults, **table}
        try:
            entry = SourceEntry.model_validate(merged)
        except ValidationError as exc:
            key, problem = _source_problem(exc.errors(), list(table), list(merged))
            raise fail(key, problem) from None
        source = Source(**entry.model_dump())
        for key in ENTRY_POINT_KEYS:
            for url in getattr(source, key):
                if not source.allows(url):
                    domains = ", ".join(source.domains)
                    raise fail(key, f"{key} entry {url!r} is outside domains [{domains}]")
        return source


def _source_problem(
    errors: list[ErrorDetails], table_keys: list[str], merged_keys: list[str]
) -> tuple[str | None, str]:
    """(key whose line to report, problem) for a [[source]] that failed validation."""
    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    found = _first(unknown, table_keys)
    if found is not None:
        key = found[0]
        return key, f"unknown key {key!r}{_did_you_mean(key, SOURCE_KEYS)}"
    values = [e for e in errors if e["type"] not in ("extra_forbidden", "missing")]
    found = _first(values, merged_keys)
    if found is not None:
        return found[0], _problem(found[1])
    missing = {str(e["loc"][0]) for e in errors if e["type"] == "missing"}
    required = next((k for k in REQUIRED_KEYS if k in missing), None)
    if required is not None:
        return None, f"missing required key {required!r}"
    rule = next(e for e in errors if not e["loc"])
    cause = (rule.get("ctx") or {}).get("error")
    return (cause.key if isinstance(cause, RuleError) else None), _problem(rule)
