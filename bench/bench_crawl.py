"""Crawl throughput: a real `arkiv crawl` of N generated pages, against the extraction limit.

Starts ``python -m samplesite serve --generate N`` (127.0.0.1) as a subprocess, then runs
``python -m search_cli crawl`` against it as a subprocess with fast local settings (no delay,
no autothrottle, 16 concurrent requests), and measures its wall time, its peak RSS and its CPU
time. The baseline, timed in the same run (before and after the crawl) and in this process:
``extract_article`` on a sample of the same pages; the extraction-bound limit is
1 / (ms per page) articles per second: what one process doing nothing but extraction could
archive. (The crawl itself extracts in a pool of worker processes, one per core, while its
own process downloads, parses listings and writes the archive.)
Target: crawl throughput >= 0.70 of that limit.

Peak RSS is the maximum, over samples taken every 0.1 s with psutil, of the summed RSS of
the crawl process and all its children; getrusage(RUSAGE_CHILDREN).ru_maxrss after it exits
is printed as a cross-check (largest single child process).

Usage: python -m bench.bench_crawl [--pages 3000] [--sample 200] [--write-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pstats
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

from bench._pages import (
    ROOT,
    command_line,
    fetch,
    fetch_pages,
    kb,
    median,
    profile_lines,
    run_header,
    timed_ms,
    write_docs_section,
)
from crawler.extract import NotAnArticle, decode_html, extract_article
from indexer.store.archive import Archive

TARGET_RATIO = 0.70
SITE_START_SECONDS = 120.0  # generating and rendering a few thousand pages takes a moment
POLL_SECONDS = 0.1
GRACE_SECONDS = 120.0  # beyond CLOSESPIDER_TIMEOUT before the crawl is killed


@dataclass
class Site:
    """The sample site subprocess and what it printed."""

    process: subprocess.Popen[str]
    control: str
    sources: Path


@dataclass
class CrawlResult:
    """What one crawl subprocess did."""

    returncode: int | None
    wall: float
    peak_rss: int  # bytes, summed over the process tree, polled
    peak_rss_single: int  # bytes, largest single process, polled
    ru_maxrss: int  # bytes, getrusage(RUSAGE_CHILDREN) after exit
    cpu: float  # user + system seconds of the crawl (getrusage of waited children)
    site_cpu: float  # user + system seconds the site server used meanwhile
    samples: int
    summary: str
    stderr_tail: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- the site


def start_site(folder: Path, pages: int) -> Site:
    """Start the generated sample site; wait (bounded) for its JSON line."""
    sources = folder / "sources.toml"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samplesite",
            "serve",
            "--generate",
            str(pages),
            "--write-sources",
            str(sources),
        ],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], SITE_START_SECONDS)
    line = process.stdout.readline() if ready else ""
    if not line:
        stop_site(process)
        raise RuntimeError(f"sample site did not start within {SITE_START_SECONDS:.0f} s")
    info = json.loads(line)
    return Site(process, info["control"], Path(info["sources"] or sources))


def stop_site(process: subprocess.Popen[str]) -> None:
    """Terminate, wait (bounded), kill if needed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if process.stdout:
        process.stdout.close()


def article_urls(site: Site) -> list[str]:
    """Every article URL the site lists (its ground truth, from the control port)."""
    body, _ = fetch(f"{site.control}/expected", timeout=120)
    return [r["url"] for r in json.loads(body) if r["status"] == 200]


# --------------------------------------------------------------------------- the baseline


def extraction_ms(htmls: list[tuple[str, str]], rounds: int) -> list[float]:
    """Mean ms/page of extract_article over the sample, once per round (after one warm-up)."""
    for html, url in htmls[:5]:
        _extract(html, url)
    out = []
    for _ in range(rounds):
        times = [timed_ms(_extract, html, url) for html, url in htmls]
        out.append(sum(times) / len(times))
    return out


def _extract(html: str, url: str) -> None:
    with contextlib.suppress(NotAnArticle):
        extract_article(html, url)


# --------------------------------------------------------------------------- the crawl


def _cpu_seconds(proc: psutil.Process) -> float:
    try:
        t = proc.cpu_times()
    except psutil.Error:
        return 0.0
    return float(t.user + t.system)


def run_crawl(cmd: list[str], folder: Path, site_pid: int, max_seconds: float) -> CrawlResult:
    """Run the crawl subprocess, polling its memory; bounded by ``max_seconds``."""
    site_proc = psutil.Process(site_pid)
    site_cpu0 = _cpu_seconds(site_proc)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out_path, err_path = folder / "crawl.stdout", folder / "crawl.stderr"
    peak = peak_single = samples = 0
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env={**os.environ, "NO_COLOR": "1"},
        )
        watched = psutil.Process(proc.pid)
        deadline = started + max_seconds
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                tree = [watched, *watched.children(recursive=True)]
                rss = [p.memory_info().rss for p in tree]
            except psutil.Error:
                rss = []
            if rss:
                peak, peak_single, samples = (
                    max(peak, sum(rss)),
                    max(peak_single, *rss),
                    samples + 1,
                )
            time.sleep(POLL_SECONDS)
        if proc.poll() is None:
            print(f"crawl still running after {max_seconds:.0f} s: killing it", file=sys.stderr)
            for child in watched.children(recursive=True):
                child.kill()
            proc.kill()
        returncode = proc.wait(timeout=30)
        wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stdout = out_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    stderr = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return CrawlResult(
        returncode=returncode,
        wall=wall,
        peak_rss=peak,
        peak_rss_single=peak_single,
        ru_maxrss=after.ru_maxrss * 1024,  # kilobytes on Linux
        cpu=cpu,
        site_cpu=_cpu_seconds(site_proc) - site_cpu0,
        samples=samples,
        summary=stdout[-1].replace(str(folder), "TMP") if stdout else "",
        stderr_tail=stderr[-5:],
    )


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def _seconds(report: dict[str, Any]) -> float | None:
    try:
        start = datetime.fromisoformat(str(report["started"]))
        end = datetime.fromisoformat(str(report["finished"]))
    except (KeyError, TypeError, ValueError):
        return None
    return (end - start).total_seconds()


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_crawl",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pages", type=int, default=3000, help="generated articles (3000)")
    parser.add_argument("--sample", type=int, default=200, help="pages timed in-process (200)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="extraction rounds before and again after the crawl (2)",
    )
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS (16)")
    parser.add_argument("--timeout", type=int, default=900, help="CLOSESPIDER_TIMEOUT (900)")
    parser.add_argument("--keep", metavar="DIR", help="crawl into DIR and keep it (new folder)")
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="pass --no-index to arkiv crawl (skip the search-index sync at its end)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run the crawl under cProfile and show its top functions "
        "(slows the crawl; not with --write-docs)",
    )
    parser.add_argument("--top", type=int, default=15, help="profile lines to show (15)")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.sample < 1 or args.rounds < 1:
        parser.error("--pages, --sample and --rounds must be >= 1")
    if args.profile and args.write_docs:
        parser.error("--profile distorts the figures; run it without --write-docs")

    if args.keep:
        folder = Path(args.keep).resolve()
        folder.mkdir(parents=True, exist_ok=False)
    else:
        folder = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    data = folder / "data"
    site = start_site(folder, args.pages)
    try:
        print(f"site up ({args.pages} articles); fetching a sample ...", file=sys.stderr)
        urls = article_urls(site)
        step = max(1, len(urls) // args.sample)
        sample = fetch_pages((("bench", u) for u in urls[::step]), args.sample, 300)
        htmls = [(decode_html(p.body, p.content_type), p.url) for p in sample]
        html_bytes = [len(p.body) for p in sample]
        print("timing extract_article before the crawl ...", file=sys.stderr)
        before = extraction_ms(htmls, args.rounds)
        prof = folder / "crawl.prof"
        profiler = ["-m", "cProfile", "-o", str(prof)] if args.profile else []
        settings = {
            "DOWNLOAD_DELAY": "0",
            "AUTOTHROTTLE_ENABLED": "False",
            "CONCURRENT_REQUESTS": str(args.concurrency),
            "CONCURRENT_REQUESTS_PER_DOMAIN": str(args.concurrency),
            "CLOSESPIDER_TIMEOUT": str(args.timeout),
        }
        crawl_args = ["crawl", "--data", str(data), "--sources", str(site.sources)]
        crawl_args += [part for k, v in settings.items() for part in ("-s", f"{k}={v}")]
        crawl_args += ["--no-index"] if args.no_index else []
        cmd = [sys.executable, *profiler, "-m", "search_cli", *crawl_args]
        shown = " ".join(["python -m search_cli", *crawl_args])
        shown = shown.replace(str(data), "DATA").replace(str(site.sources), "SOURCES")
        print("crawling ...", file=sys.stderr)
        crawl = run_crawl(cmd, folder, site.process.pid, args.timeout + GRACE_SECONDS)
        print("timing extract_article after the crawl ...", file=sys.stderr)
        after = extraction_ms(htmls, args.rounds)
    finally:
        stop_site(site.process)

    with Archive(data / "archive.sqlite3") as archive:
        totals = archive.totals()
        runs = archive.runs(limit=1)
    report = runs[0].report if runs else {}
    sqlite_bytes = _size(list(data.glob("archive.sqlite3*")))
    warc_bytes = _size(list((data / "warc").rglob("*")))
    all_bytes = _size(list(data.rglob("*")))
    profiled = (
        profile_lines(pstats.Stats(str(prof)), "cProfile of the crawl process", args.top)
        if args.profile and prof.exists()
        else []
    )
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)

    ms = median(before + after)
    limit = 1000 / ms
    articles = totals["articles"]
    requests = int(report.get("http_requests", 0))
    rate = articles / crawl.wall
    ratio = rate / limit
    inner = _seconds(report)
    inner_rate = articles / inner if inner else float("nan")
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    mb = 1024 * 1024
    command = command_line("bench.bench_crawl", argv)
    rows = [
        ("generated articles served", f"{args.pages}"),
        (
            "articles archived",
            f"{articles} (run status {report.get('status', '?')}, exit code {crawl.returncode})",
        ),
        ("HTTP requests (run report)", f"{requests}"),
        ("crawl wall time (process start to exit)", f"{crawl.wall:.1f} s"),
        ("crawl time in the run report (spider open to close)", f"{inner:.1f} s" if inner else "-"),
        ("articles archived per second (wall)", f"{rate:.1f}"),
        ("HTTP requests per second (wall)", f"{requests / crawl.wall:.1f}"),
        (
            "extract_article in-process, ms/page (sample)",
            f"{ms:.2f} (before: {' '.join(f'{x:.2f}' for x in before)}; "
            f"after: {' '.join(f'{x:.2f}' for x in after)})",
        ),
        ("extraction-bound limit, articles/s", f"{limit:.1f}"),
        ("**crawl throughput / limit**", f"**{ratio:.2f}** (target ≥ {TARGET_RATIO}: {verdict})"),
        ("same, over the run report's time", f"{inner_rate / limit:.2f}"),
        (
            "peak RSS, crawl process + children (psutil, every 0.1 s)",
            f"{crawl.peak_rss / mb:.0f} MiB ({crawl.samples} samples; "
            f"getrusage ru_maxrss {crawl.ru_maxrss / mb:.0f} MiB)",
        ),
        (
            "CPU time: crawl / site server",
            f"{crawl.cpu:.1f} s ({100 * crawl.cpu / crawl.wall:.0f}%"
            f" of wall) / {crawl.site_cpu:.1f} s",
        ),
        ("archive on disk (all of --data)", f"{all_bytes / mb:.1f} MiB"),
        ("… SQLite (with -wal/-shm)", f"{sqlite_bytes / mb:.1f} MiB"),
        (
            "… WARC files",
            f"{warc_bytes / mb:.1f} MiB, {kb(warc_bytes / max(articles, 1))} per article",
        ),
        (
            "… search index and other files",
            f"{(all_bytes - sqlite_bytes - warc_bytes) / mb:.1f} MiB",
        ),
        ("sample page HTML", f"{len(sample)} pages, median {kb(median(html_bytes))}"),
    ]
    width = max(len(k) for k, _ in rows)
    print("Crawl benchmark")
    for key, value in rows:
        print(f"  {key.replace('**', ''):<{width}}  {value.replace('**', '')}")
    print(f"  crawl said: {crawl.summary}")
    if crawl.returncode not in (0, None):
        print("  crawl stderr (tail): " + " | ".join(crawl.stderr_tail))
    if args.keep:
        print(f"  data kept in {folder}")
    for line in profiled:
        print(line)

    if args.write_docs:
        md = [*run_header(command), ""]
        md += ["| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
        md += [
            "",
            "The site (`python -m samplesite serve --generate N --write-sources SOURCES`) "
            f"and the crawl (`{shown}`) run as separate "
            "processes on 127.0.0.1, sharing the machine's cores. The limit is timed in the "
            "benchmark process on an evenly spaced sample of the same pages, before and after "
            "the crawl (median of the rounds). Throughput counts archived articles over the "
            "crawl's wall time, which includes interpreter start, Scrapy start-up, robots.txt, "
            "sitemaps, section pages and (unless `--no-index`) the search-index sync that "
            "`arkiv crawl` runs at its end. Peak RSS: summed RSS of the crawl process tree, "
            "polled every 0.1 s with psutil.",
            "",
            f"Crawl summary line: `{crawl.summary}`",
        ]
        write_docs_section("bench_crawl", "\n".join(md))
        print("wrote the Crawl section of docs/BENCHMARKS.md")
    return 0 if crawl.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
