"""Shared helpers for the benchmarks: realistic pages, timing, machine facts, docs/BENCHMARKS.md.

Pages come from the sample site (``samplesite``): ~80–120 kB of HTML around a 3–5 kB story,
fetched over HTTP from 127.0.0.1 exactly as the crawler sees them (bytes + Content-Type).
"""

from __future__ import annotations

import gc
import gzip
import importlib.metadata
import os
import platform
import pstats
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "BENCHMARKS.md"
FETCH_TIMEOUT = 15.0  # seconds per page
LIBRARIES = ("trafilatura", "scrapy", "langdetect", "lxml", "htmldate")

DOCS_INTRO = """# Benchmarks

Benchmarks are scripts under `bench/`, never timed tests. Each one times a baseline in the
same run and reports ratios against it, on pages of realistic size (the sample site's article
pages: ~80–120 kB of HTML around a 3–5 kB story). Absolute milliseconds depend on the machine;
the ratios are what to compare between runs. Every script prints a summary; with
`--write-docs` it rewrites only its own section below (between its marker comments).
Run them from the repository root inside `.venv`.
"""

# Sections in the order a new file lists them: (marker name, heading).
DOCS_SECTIONS = (
    ("bench_extract", "Extraction"),
    ("bench_crawl", "Crawl"),
    ("bench_recrawl", "Re-crawl (nightly, nothing changed)"),
    ("bench_export", "Export"),
)


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched page, as the crawler would get it."""

    site: str
    url: str
    body: bytes
    content_type: str | None


def fetch(url: str, timeout: float = FETCH_TIMEOUT) -> tuple[bytes, str | None]:
    """GET one URL (loopback only); returns the (un-gzipped) body and its Content-Type."""
    if not url.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise ValueError(f"benchmarks fetch from the local sample site only, not {url}")
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body = response.read()
        ctype = response.headers.get("Content-Type")
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
    return body, ctype


def fetch_pages(
    records: Iterable[tuple[str, str]], max_pages: int, max_seconds: float
) -> list[Page]:
    """Fetch (site, url) pairs, at most ``max_pages`` of them and for at most ``max_seconds``."""
    deadline = time.monotonic() + max_seconds
    pages: list[Page] = []
    for site, url in records:
        if len(pages) >= max_pages or time.monotonic() > deadline:
            break
        body, ctype = fetch(url)
        pages.append(Page(site, url, body, ctype))
    return pages


def sample_site_pages(generated: int, max_seconds: float = 120.0) -> list[Page]:
    """Every listed article of the four sample sites, plus ``generated`` bench-site articles.

    Starts the sites in this process (127.0.0.1, free ports), fetches each article URL once
    over HTTP, and stops them again before returning, so no server thread runs while timing.
    """
    from samplesite.server import SampleSite

    pages: list[Page] = []
    configs = [{}, {"generated": generated}] if generated else [{}]
    for kwargs in configs:
        with SampleSite(**kwargs) as site:
            records = [(r["site"], r["url"]) for r in site.expected() if r["status"] == 200]
            pages += fetch_pages(records, max_pages=len(records), max_seconds=max_seconds)
    return pages


# --------------------------------------------------------------------------- timing


def timed_ms(fn: Callable[..., object], *args: object) -> float:
    """Wall time of one call in milliseconds (exceptions propagate)."""
    start = time.perf_counter_ns()
    fn(*args)
    return (time.perf_counter_ns() - start) / 1e6


def median(values: Sequence[float]) -> float:
    """Median, or NaN for no values."""
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def kb(n: float) -> str:
    """Bytes as kB with one decimal."""
    return f"{n / 1000:.1f} kB"


def _short(filename: str) -> str:
    """A short name for a profiled file: relative to the repository or to site-packages."""
    for anchor in ("site-packages/", str(ROOT) + "/"):
        if anchor in filename:
            return filename.split(anchor, 1)[1]
    return filename


def profile_lines(stats: pstats.Stats, title: str, top: int) -> list[str]:
    """The top functions of our code by cumulative time, and of all code by self time."""
    raw = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in raw.values())
    rows = [
        (ct, tt, nc, f"{_short(fn)}:{line} {name}", fn)
        for (fn, line, name), (_, nc, tt, ct, _) in raw.items()
    ]
    ours = [
        r
        for r in rows
        if r[4].startswith(str(ROOT))
        and not any(part in r[4] for part in ("/bench/", "/.venv/", "site-packages"))
    ]
    out = [
        f"{title} ({total:.2f} s):",
        "  our code by cumulative time:  cum s  cum %  self s  calls",
    ]
    for ct, tt, nc, where, _ in sorted(ours, reverse=True)[:top]:
        out.append(f"    {where[-48:]:<48} {ct:6.2f} {100 * ct / total:5.1f}% {tt:6.2f} {nc:6d}")
    out.append("  all code by self time:                              self s  self %   calls")
    for _ct, tt, nc, where, _ in sorted(rows, key=lambda r: r[1], reverse=True)[:top]:
        out.append(f"    {where[-48:]:<48} {tt:6.2f} {100 * tt / total:5.1f}% {nc:7d}")
    return out


# --------------------------------------------------------------------------- machine facts


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries the figures depend on."""
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def machine_line() -> str:
    """One line: cores, CPU, OS, Python and library versions."""
    libs = ", ".join(f"{k} {v}" for k, v in library_versions().items())
    return (
        f"{os.cpu_count()} cores ({_cpu_model()}), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; {libs}"
    )


def run_header(command: str) -> list[str]:
    """Markdown lines every section starts with: date, machine, command to reproduce."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- Date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} "
        f"(load average at the end: {load})",
        f"- Machine: {machine_line()}",
        f"- Reproduce (repository root, inside `.venv`): `{command}`",
    ]


def command_line(module: str, argv: Sequence[str] | None) -> str:
    """The command that reproduces this run (the module form, with the given arguments)."""
    args = list(sys.argv[1:] if argv is None else argv)
    return " ".join(["python -m", module, *args])


# --------------------------------------------------------------------------- docs


def write_docs_section(name: str, markdown: str, path: Path = DOCS) -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in path.

    Creates the file (intro plus one heading per known benchmark) when missing; appends a
    heading with the markers when the file lacks them. Other sections stay untouched.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        parts = [DOCS_INTRO]
        for marker, heading in DOCS_SECTIONS:
            parts.append(f"## {heading}\n\n<!-- {marker}:start -->\n<!-- {marker}:end -->\n")
        text = "\n".join(parts)
    if start not in text or end not in text or text.index(start) > text.index(end):
        heading = dict(DOCS_SECTIONS).get(name, name)
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    text = f"{head}{start}\n{markdown.strip()}\n{end}{tail}"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


WARMUP_PAGES = 10


@dataclass
class Step:
    """One timed operation, applied to page ``i``."""

    key: str
    label: str
    fn: Callable[[int], object]
    rounds: list[list[float]] = field(default_factory=list)  # ms per page, per round

    def per_round(self, pages: Sequence[int] | None = None) -> list[float]:
        """Mean ms/page of each round (over all pages or the given page indexes)."""
        out = []
        for times in self.rounds:
            chosen = times if pages is None else [times[i] for i in pages]
            out.append(sum(chosen) / len(chosen))
        return out

    def ms(self, pages: Sequence[int] | None = None) -> float:
        """Median over rounds of the mean ms/page."""
        return median(self.per_round(pages))

    def per_page(self) -> list[float]:
        """Each page's median over rounds (for percentiles)."""
        return [median(col) for col in zip(*self.rounds, strict=True)]


def run_rounds(
    steps: list[Step], n_pages: int, rounds: int, max_seconds: float = float("inf")
) -> float:
    """Time every step on every page, interleaved (step order reversed every other round),
    after a warm-up on a spread of pages; stops early past ``max_seconds``; returns the
    seconds spent."""
    warm = sorted({round(k * (n_pages - 1) / (WARMUP_PAGES - 1)) for k in range(WARMUP_PAGES)})
    for step in steps:  # langdetect loads its profiles on its first call; lxml/regex caches
        for i in warm:
            step.fn(i)
    started = time.monotonic()
    for r in range(rounds):
        order = steps if r % 2 == 0 else steps[::-1]
        times: dict[str, list[float]] = {s.key: [] for s in steps}
        gc.collect()
        for i in range(n_pages):
            for step in order:
                times[step.key].append(timed_ms(step.fn, i))
        for step in steps:
            step.rounds.append(times[step.key])
        elapsed = time.monotonic() - started
        print(f"  round {r + 1}/{rounds}: {elapsed:.0f} s", file=sys.stderr)
        if elapsed > max_seconds and r + 1 < rounds:
            print(
                f"  stopping after {r + 1} rounds (--max-seconds {max_seconds:g})", file=sys.stderr
            )
            break
    return time.monotonic() - started
