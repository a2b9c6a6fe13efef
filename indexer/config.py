"""Configuration: defaults in code, then arkiv.toml, then environment, then command-line flags."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from indexer.errors import ConfigError
from indexer.search.backends import BACKENDS as SEARCH_BACKENDS

BACKENDS = tuple(SEARCH_BACKENDS)  # the registry's names, in its order
ARCHIVE_FILE = "archive.sqlite3"

# arkiv.toml key -> Config field; environment variable -> Config field
_FILE_KEYS = {
    "data": "data_dir",
    "sources": "sources_path",
    "backend": "backend",
    "warc_max_mb": "warc_max_mb",
    "contact": "contact",
    "meili_url": "meili_url",
    "meili_index": "meili_index",
    "app_url": "app_url",
}
_TABLES = ("web", "smtp")  # [tables] kept as written, each checked where it is used
_ENV_KEYS = {
    "ARKIV_DATA": "data_dir",
    "ARKIV_SOURCES": "sources_path",
    "ARKIV_BACKEND": "backend",
    "ARKIV_CONTACT": "contact",
    "MEILI_URL": "meili_url",
    "MEILI_MASTER_KEY": "meili_key",
    "ARKIV_MEILI_INDEX": "meili_index",
}


def default_data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_DATA_HOME/lokalarkiv``, or ``~/.local/share/lokalarkiv``."""
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lokalarkiv"


def default_config_file(env: Mapping[str, str] = os.environ) -> Path:
    """``$ARKIV_CONFIG``, else ``$XDG_CONFIG_HOME/lokalarkiv/arkiv.toml``."""
    if env.get("ARKIV_CONFIG"):
        return Path(env["ARKIV_CONFIG"])
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lokalarkiv" / "arkiv.toml"


@dataclass(frozen=True)
class Config:
    """Everything but the crawl knobs (those live in crawler/settings.py)."""

    data_dir: Path = field(default_factory=default_data_dir)
    sources_path: Path | None = None  # None: the shipped crawler/sources.toml
    backend: str = "tantivy"
    warc_max_mb: int = 1000
    contact: str = ""  # an e-mail or URL for the crawler's User-Agent
    meili_url: str | None = None
    meili_index: str = "lokalarkiv"  # the index uid on the Meilisearch server
    meili_key: str | None = field(default=None, repr=False)  # a secret: never printed
    # The [web] table of arkiv.toml as written (access control for `arkiv serve`); the web
    # app checks it. Holds password hashes: never printed.
    web: Mapping[str, Any] = field(default_factory=dict, repr=False)
    # The web app's address as readers reach it, for links in alert e-mails and webhooks.
    app_url: str = ""
    # The [smtp] table (host, port, starttls, user, password, from) for alert e-mails:
    # checked by lokalarkiv.watch_delivery. Holds a password: never printed.
    smtp: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigError(
                f"unknown backend {self.backend!r}; choose one of {', '.join(BACKENDS)}",
                hint="Set --backend, ARKIV_BACKEND or `backend` in arkiv.toml.",
            )
        if self.warc_max_mb < 1:
            raise ConfigError(f"warc_max_mb must be at least 1, not {self.warc_max_mb}")
        if self.backend == "meilisearch" and self.meili_url:
            check_meili_url(str(self.meili_url))

    @property
    def archive_path(self) -> Path:
        return self.data_dir / ARCHIVE_FILE

    @property
    def warc_dir(self) -> Path:
        return self.data_dir / "warc"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index" / self.backend


def load_config(
    config_file: Path | None = None,
    env: Mapping[str, str] = os.environ,
    **overrides: Any,
) -> Config:
    """Build the Config: defaults, then the config file, then environment, then ``overrides``.

    Args:
        config_file: an arkiv.toml; None looks for the default one (absent is fine).
        env: the environment to read ``ARKIV_*`` and ``MEILI_*`` from.
        overrides: Config fields from command-line flags; None values are ignored.

    Raises:
        ConfigError: the file is unreadable or invalid, or a value is out of range.
    """
    values: dict[str, Any] = {"data_dir": default_data_dir(env)}
    explicit = config_file is not None
    path = config_file or default_config_file(env)
    if explicit or path.exists():
        values.update(_read_file(path))
    for name, key in _ENV_KEYS.items():
        if env.get(name):
            values[key] = env[name]
    values.update({k: v for k, v in overrides.items() if v is not None})
    if values.get("backend") == "meilisearch" and values.get("meili_url"):
        if overrides.get("meili_url") is not None:
            setting = "the Meilisearch URL"
        elif env.get("MEILI_URL"):
            setting = "MEILI_URL"
        else:
            setting = f"meili_url in {path}"
        check_meili_url(str(values["meili_url"]), setting=setting)
    return _coerce(values)


MEILI_URL_SETTING = "MEILI_URL (or meili_url in arkiv.toml)"


def check_meili_url(url: str, *, setting: str = MEILI_URL_SETTING) -> str:
    """``url`` if it can reach a Meilisearch server: ``http`` or ``https``, a host, a port
    that is a number; else a one-line ConfigError naming ``setting``.

    The client would otherwise fail deep inside ``requests`` (``MissingSchema``,
    ``InvalidURL``) with a traceback, or read ``localhost:7700`` as the scheme ``localhost``.
    The URL in the message has any user and password removed.
    """
    text = url.strip()
    problem = _meili_url_problem(text)
    if problem is None:
        return text
    example = "http://127.0.0.1:7700"
    if "://" not in text and text and not text.startswith(("/", ":")):
        example = f"http://{text.replace('//', '/').lstrip('/')}"
        if example.startswith("http://http/"):
            example = "http://" + example[len("http://http/") :]
    raise ConfigError(
        f"{setting} is not a usable Meilisearch URL: {url_without_credentials(text)!r} {problem}",
        hint=f"Write it with its scheme and host, e.g. {example}.",
    )


def _meili_url_problem(url: str) -> str | None:
    if not url:
        return "is empty"
    if any(char.isspace() for char in url):
        return "contains a space"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "has a port that is not a number"
    del port
    if parts.scheme not in ("http", "https"):
        if "://" in url:
            return f"has the scheme {parts.scheme!r} (http or https)"
        return "has no http:// or https:// in front"
    if not parts.hostname:
        return "has no host"
    if parts.query or parts.fragment:
        return "has a query or fragment (give the server's address only)"
    return None


def url_without_credentials(url: str) -> str:
    """``url`` without a user or password, for messages and logs (a URL that cannot be
    parsed loses whatever comes before its last "@")."""
    try:
        parts = urlsplit(url)
        if parts.username is None and parts.password is None:
            return url
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    except ValueError:
        scheme, sep, rest = url.rpartition("://")
        return f"{scheme}{sep}{rest.rpartition('@')[2]}"


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: [{key}] must be a table")
            values[key] = value
            continue
        if key not in _FILE_KEYS:
            known = ", ".join(sorted([*_FILE_KEYS, *(f"[{t}]" for t in _TABLES)]))
            raise ConfigError(f"{path}: unknown key {key!r} (known keys: {known})")
        values[_FILE_KEYS[key]] = value
    return values


def _coerce(values: dict[str, Any]) -> Config:
    try:
        for key in ("data_dir", "sources_path"):
            if values.get(key) not in (None, ""):
                values[key] = Path(values[key]).expanduser()
        if "warc_max_mb" in values:
            values["warc_max_mb"] = int(values["warc_max_mb"])
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid configuration value: {exc}") from exc
    return Config(**values)
