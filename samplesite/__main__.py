"""Command line: ``python -m samplesite serve`` runs the sites; ``check`` validates content."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections import Counter
from pathlib import Path
from types import FrameType

from samplesite.content import is_relative, load_articles
from samplesite.server import SampleSite


def serve(args: argparse.Namespace) -> int:
    """Start the sites, print one JSON line with their addresses, serve until SIGTERM/SIGINT."""
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    articles = load_articles(args.content) if args.content else None
    site = SampleSite(
        edition=args.edition,
        slow_seconds=args.slow_seconds,
        articles=articles,
        generated=args.generate,
        crawl_delay=args.crawl_delay,
        scenario=args.scenario,
    ).start()
    try:
        sources = None
        if args.write_sources:
            path = Path(args.write_sources)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(site.sources_toml(), encoding="utf-8")
            sources = str(path)
        line = {"control": site.control_url, "sites": site.site_urls, "sources": sources}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        site.stop()
    return 0


def check(args: argparse.Namespace) -> int:
    """Load the content, report counts per site, exit 1 on errors."""
    try:
        articles = load_articles(args.folder)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts = Counter(a.site for a in articles)
    for site, n in sorted(counts.items()):
        flags: Counter[str] = Counter()
        for a in (a for a in articles if a.site == site):
            flags["paywalled"] += a.paywalled
            flags["alias"] += a.alias
            flags["edition2"] += a.edition == 2
            flags["gone"] += a.gone_in_edition2
            flags["changed"] += bool(a.edition2)
            flags["relative"] += is_relative(a.published_raw)
            flags["jsonld_off"] += a.jsonld is False
        print(f"{site}: {n} articles {dict(sorted((+flags).items()))}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m samplesite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve the sample sites on 127.0.0.1")
    p.add_argument("--edition", type=int, choices=(1, 2), default=1)
    p.add_argument("--slow-seconds", type=float, default=5.0)
    p.add_argument("--write-sources", metavar="PATH", help="write a sources.toml for the sites")
    p.add_argument("--generate", type=int, default=0, metavar="N",
                   help="serve only the bench site with N generated articles")  # fmt: skip
    p.add_argument("--content", metavar="DIR", help="article folder (default: the package's)")
    p.add_argument("--crawl-delay", type=float, default=None, help="add Crawl-delay to robots")
    p.add_argument("--scenario", choices=("news", "hostile"), default="news",
                   help="news: the four news sites; hostile: the hostile-input sites")  # fmt: skip
    c = sub.add_parser("check", help="validate article TOML files")
    c.add_argument("folder", nargs="?", default=None)
    args = parser.parse_args(argv)
    return serve(args) if args.command == "serve" else check(args)


if __name__ == "__main__":
    sys.exit(main())
