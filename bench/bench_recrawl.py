"""The nightly case: a re-crawl of an unchanged site against the first crawl of it.

Starts the generated sample site (``--pages`` articles, default 5000) on 127.0.0.1, crawls it
into an empty archive, then crawls it again without any change, in the same run. Reports
for both: wall time, HTTP requests (the run report, checked against the server's own log),
articles fetched; and the re-crawl as a ratio of the first crawl.

Usage: python -m bench.bench_recrawl [--pages 5000] [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from bench._pages import command_line, fetch, run_header, write_docs_section
from bench.bench_crawl import run_crawl, start_site, stop_site
from indexer.store.archive import Archive

CRAWL_ARGS = (
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "CONCURRENT_REQUESTS=16",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "CLOSESPIDER_TIMEOUT=1500",
)  # fmt: skip
MAX_SECONDS = 1800.0


def _server_requests(control: str) -> list[dict[str, Any]]:
    body, _ = fetch(f"{control}/log", timeout=60)
    result: list[dict[str, Any]] = json.loads(body)
    return result


def _clear_log(control: str) -> None:
    request = urllib.request.Request(f"{control}/log/clear", method="POST")
    with urllib.request.urlopen(request, timeout=30):
        pass


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_recrawl", description=__doc__)
    parser.add_argument("--pages", type=int, default=5000, help="generated articles (5000)")
    parser.add_argument("--write-docs", action="store_true", help="update docs/BENCHMARKS.md")
    args = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-recrawl-") as tmp:
        folder = Path(tmp)
        print(f"starting the sample site with {args.pages} articles ...", file=sys.stderr)
        site = start_site(folder, args.pages)
        try:
            data = folder / "data"
            cmd = [
                sys.executable, "-m", "search_cli", "crawl", "--data", str(data),
                "--sources", str(site.sources), *CRAWL_ARGS,
            ]  # fmt: skip
            for name in ("first crawl", "re-crawl, nothing changed"):
                _clear_log(site.control)
                print(f"{name} ...", file=sys.stderr)
                result = run_crawl(cmd, folder, site.process.pid, MAX_SECONDS)
                served = _server_requests(site.control)
                with Archive(data / "archive.sqlite3") as archive:
                    report = archive.runs(limit=1)[0].report
                    articles = archive.totals()["articles"]
                statuses: dict[int, int] = {}
                for record in served:
                    statuses[int(record["status"])] = statuses.get(int(record["status"]), 0) + 1
                rows.append(
                    {
                        "name": name,
                        "wall": result.wall,
                        "requests": report["http_requests"],
                        "served": len(served),
                        "statuses": statuses,
                        "fetched": report["fetched"],
                        "new": report["articles"]["new"],
                        "unchanged": report["articles"]["unchanged"],
                        "not_due": report["skipped"].get("not_due", 0),
                        "archived": articles,
                        "returncode": result.returncode,
                    }
                )
        finally:
            stop_site(site.process)

    first, again = rows
    lines = [
        f"Re-crawl benchmark ({args.pages} generated articles, 100 kB pages)",
        f"  {'':34}{'first crawl':>14}{'re-crawl':>12}{'ratio':>8}",
    ]
    for label, key in (
        ("wall time, s", "wall"),
        ("HTTP requests (run report)", "requests"),
        ("HTTP requests (server log)", "served"),
        ("article pages fetched", "fetched"),
    ):
        a, b = first[key], again[key]
        ratio = b / a if a else 0.0
        fmt = "{:>14.1f}{:>12.1f}" if key == "wall" else "{:>14}{:>12}"
        lines.append(f"  {label:<34}" + fmt.format(a, b) + f"{ratio:>8.3f}")
    lines += [
        f"  re-crawl: {again['new']} new, {again['unchanged']} unchanged, "
        f"{again['not_due']} left alone by the revisit policy; server answered "
        f"{again['statuses']}",
        f"  archive holds {again['archived']} articles; exit codes {first['returncode']}, "
        f"{again['returncode']}",
    ]
    print("\n".join(lines))
    if args.write_docs:
        command = command_line("bench.bench_recrawl", argv)
        markdown = "\n".join(
            [
                *run_header(command),
                "",
                "| | first crawl | re-crawl | ratio |",
                "|---|---:|---:|---:|",
                f"| wall time | {first['wall']:.1f} s | {again['wall']:.1f} s"
                f" | {again['wall'] / first['wall']:.3f} |",
                f"| HTTP requests | {first['requests']} | {again['requests']}"
                f" | {again['requests'] / first['requests']:.3f} |",
                f"| article pages fetched | {first['fetched']} | {again['fetched']}"
                f" | {again['fetched'] / max(first['fetched'], 1):.3f} |",
                "",
                "The re-crawl asked for robots.txt and the entry points, and conditionally"
                " for the section pages and nested sitemaps found from them; no article page"
                " was fetched"
                f" (server answers: {again['statuses']}); {again['not_due']} archived"
                " articles were left alone by the revisit policy. Request counts from the run"
                " report match the server's own log.",
            ]
        )
        write_docs_section("bench_recrawl", markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
