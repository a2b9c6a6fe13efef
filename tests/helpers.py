"""What tests share besides fixtures: the sample site as a subprocess, the `arkiv` CLI and
crawls run as a user runs them, the crawl settings that keep them fast, and an archive of an
older schema. Fixtures and hooks stay in ``tests/conftest.py``, which builds on these.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from indexer.article import Article
from indexer.store.archive import Archive

ROOT = Path(__file__).resolve().parent.parent

# Fast, bounded crawls against the local site: no politeness delay, short timeouts, one retry.
FAST_CRAWL = (
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "DOWNLOAD_TIMEOUT=2",
    "-s", "RETRY_TIMES=1",
    "-s", "ARKIV_RETRY_BACKOFF=0.2",
    "-s", "DOWNLOAD_MAXSIZE=1048576",
    "-s", "CLOSESPIDER_TIMEOUT=120",
)  # fmt: skip
SLOW_PAGE_SECONDS = 4.0  # longer than DOWNLOAD_TIMEOUT above, so the slow page times out
# Queries that must find the seed story, however a journalist types them (every backend).
FORGIVING_QUERIES = (
    "säkerhetssamordnare",  # as written
    "säkerhetssamordnaren",  # definite form
    "sakerhetssamordnare",  # no diacritics
    "Westerbak",  # a typo in the name
    "säkerhetssamord",  # the last word as a prefix
    '"ledningscentral i Jönköping"',  # a phrase
    "samordnare vemod",  # a compound's head plus another word
)


@dataclass
class RunningSite:
    """A started `python -m samplesite serve` process and what it printed."""

    process: subprocess.Popen[str]
    control: str
    sites: dict[str, str]
    sources: Path

    def requests(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.control}/log", timeout=10) as response:
            result: list[dict[str, Any]] = json.load(response)
        return result

    def set_edition(self, edition: int) -> None:
        request = urllib.request.Request(f"{self.control}/edition/{edition}", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def reset(self) -> None:
        """Scenario state back to the start (the page that fails once fails again)."""
        request = urllib.request.Request(f"{self.control}/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def clear_log(self) -> None:
        request = urllib.request.Request(f"{self.control}/log/clear", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass


def start_site(folder: Path, *args: str) -> RunningSite:
    """Start the sample site; wait (bounded) for its address line."""
    sources = folder / "sources.toml"
    process = subprocess.Popen(
        [sys.executable, "-m", "samplesite", "serve", "--write-sources", str(sources), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    # The server prints one JSON line once it listens; wait for it, but not forever.
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise RuntimeError(f"sample site did not start: {err}")
    info = json.loads(line)
    return RunningSite(process, info["control"], info["sites"], sources)


def stop_site(site: RunningSite) -> None:
    site.process.terminate()
    try:
        site.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        site.process.kill()
        site.process.wait(timeout=10)
    for stream in (site.process.stdout, site.process.stderr):
        if stream:
            stream.close()


def run_arkiv(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the real `arkiv` CLI in a subprocess (as a user would), capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "search_cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        check=False,
    )


def crawl(data: Path, site: RunningSite, *extra: str) -> subprocess.CompletedProcess[str]:
    """`arkiv crawl` of the sample site into ``data``."""
    return run_arkiv(
        "crawl", "--data", str(data), "--sources", str(site.sources), *FAST_CRAWL, *extra
    )


def scrapy_crawl(
    data: Path, site: RunningSite, extra: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl news` from the repository root, configured only by the environment."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", *FAST_CRAWL, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ARKIV_DATA": str(data), "ARKIV_SOURCES": str(site.sources)},
        check=False,
    )


@dataclass
class Crawl:
    data: Path
    result: subprocess.CompletedProcess[str]
    requests: list[dict[str, Any]]
    articles: dict[str, Article]  # by canonical URL

    def run_report(self) -> dict[str, Any]:
        with Archive(self.data / "archive.sqlite3") as archive:
            return archive.runs(limit=1)[0].report


def do_crawl(site: RunningSite, data: Path, *extra: str) -> Crawl:
    site.clear_log()
    result = crawl(data, site, *extra)
    with Archive(data / "archive.sqlite3") as archive:
        articles = {a.canonical_url: a for a in archive.iter_articles(include_gone=True)}
    return Crawl(data, result, site.requests(), articles)


# The hostile scenario (samplesite.templates.hostile): FAST_CRAWL, with room for the 10.5 MB
# gzip bomb sitemap to be downloaded (so that its decompression is what stops it), a low
# per-source cap on sitemaps (its wide sitemap index lists 40), extraction in the crawling
# process (so one process holds the whole crawl's memory), and a timeout that a second of
# reading a 50,000-URL sitemap in the same process cannot reach.
HOSTILE_CRAWL = (
    *FAST_CRAWL,
    "-s", "DOWNLOAD_TIMEOUT=10",
    "-s", "DOWNLOAD_MAXSIZE=16777216",
    "-s", "ARKIV_MAX_LISTINGS=10",
    "-s", "ARKIV_EXTRACT_WORKERS=0",
)  # fmt: skip

# An archive as schema version 1 left it: no versions or runs yet, one page judged not an
# article (before pages kept their reason and WARC record).
V1_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    id TEXT PRIMARY KEY, canonical_url TEXT NOT NULL UNIQUE, url TEXT NOT NULL,
    source TEXT NOT NULL, source_name TEXT NOT NULL, version INTEGER NOT NULL,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, gone_at TEXT, etag TEXT,
    last_modified TEXT, duplicate_of TEXT, seq INTEGER NOT NULL
);
CREATE TABLE pages (
    url TEXT PRIMARY KEY, outcome TEXT NOT NULL, last_fetched TEXT NOT NULL, etag TEXT,
    last_modified TEXT
);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO pages VALUES ('https://e.se/kontakt', 'not_article', '2025-08-09T06:00:00+00:00',
                          NULL, NULL);
"""


def make_v1_archive(path: Path) -> None:
    """An archive file at ``path`` as schema version 1 wrote it (:data:`V1_TABLES`)."""
    with sqlite3.connect(path) as db:
        db.executescript(V1_TABLES)
    db.close()


# ---------------------------------------------------------------- hostile text on a terminal

WHEN = datetime(2025, 8, 9, 6, 0, tzinfo=UTC)
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BOLD = re.compile(r"\x1b\[(?:1|0)m")  # the one escape the CLI makes itself, on a terminal


def article(url: str, source: str, title: str, body: str, hours: int = 0) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        source=source,
        source_name={"e-tidningen": "E-tidningen", "kustposten": "Kustposten"}[source],
        title=title,
        lead="Ingress om stormen.",
        body=body,
        authors=["Eva Berg"],
        published=WHEN - timedelta(hours=hours),
        language="sv",
        language_score=0.9,
        municipalities=["Vimmerby"],
        kinds=["municipal"],
        fetched_at=WHEN,
    )


def assert_safe(text: str, what: object) -> None:
    found = FORBIDDEN.search(text.replace("\r\n", "\n"))
    assert found is None, (what, repr(text[max(0, found.start() - 40) : found.end() + 40]))


def run_on_terminal(*args: str, timeout: float = 120) -> tuple[int, str, str]:
    """`arkiv ARGS` with its standard output on a pseudo-terminal (colours on)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    process = subprocess.Popen(
        [sys.executable, "-m", "search_cli", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env={**env, "TERM": "xterm-256color"},
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.stderr is not None
        err = process.stderr.read().decode()
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()
        os.close(master)
    return code, b"".join(chunks).decode(), err
