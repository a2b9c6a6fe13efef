"""Extraction cost: our ``extract_article`` against bare Trafilatura doing the same job.

Pages: every listed article of the four sample sites plus ``--generated`` bench-site
articles, fetched once over HTTP from 127.0.0.1 and decoded with ``decode_html``. On the same
pages, in the same run, interleaved page by page in ``--rounds`` rounds (step order reversed
every other round), it times:

  (a) baseline  trafilatura.bare_extraction(html, url=url, with_metadata=True,
                include_comments=False, include_tables=False): Trafilatura alone giving
                text, title, authors and date, which is the job extract_article does
  (b) ours      crawler.extract.extract_article(html, url): the same, with the page's
                markup as stronger evidence, Swedish date lines, language, paywall and
                list-page checks. It runs Trafilatura's text extraction with
                with_metadata=False and its metadata pass only where the markup is silent.
  (c) langdetect alone on the texts (b) hands it, and where (b)'s extra time goes
      (HTML parsing, read_page_meta, the tree copy Trafilatura makes, detect_language, rest).

Figures are the median over rounds of the mean ms/page; the ratio b/a is the median of the
per-round ratios. Target: b/a <= 1.3.

Usage: python -m bench.bench_extract [--generated 200] [--rounds 5] [--profile] [--write-docs]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from copy import copy
from dataclasses import dataclass

import trafilatura
from langdetect import detect_langs
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from bench._pages import (
    Page,
    Step,
    command_line,
    kb,
    median,
    percentile,
    profile_lines,
    run_header,
    run_rounds,
    sample_site_pages,
    write_docs_section,
)
from crawler.enrich import enrich
from crawler.extract import NotAnArticle, decode_html, extract_article
from crawler.language import detect_language
from crawler.page_meta import read_page_meta
from indexer.article import Article

ENRICH_TARGET = 0.30  # issue 5: enrichment adds at most 30 % to per-page extraction time
TARGET_RATIO = 1.3


@dataclass
class Corpus:
    """The decoded pages and what the steps need, prepared once before timing."""

    pages: list[Page]
    html: list[str]
    trees: list[HtmlElement]
    texts: list[str]  # what extract_article hands detect_language
    not_articles: list[tuple[str, str]]
    articles: list[Article | None]  # what extract_article made of each page


def prepare(pages: list[Page]) -> Corpus:
    """Decode every page, parse it once, and run our extractor once to get the texts."""
    html = [decode_html(p.body, p.content_type) for p in pages]
    trees = [load_html(h) for h in html]
    texts: list[str] = []
    failed: list[tuple[str, str]] = []
    articles: list[Article | None] = []
    for page, h in zip(pages, html, strict=True):
        try:
            art = extract_article(h, page.url)
        except NotAnArticle as exc:
            failed.append((page.url, exc.reason))
            texts.append("")
            articles.append(None)
            continue
        texts.append(f"{art.title}. {art.lead} {art.body}")
        articles.append(art)
    return Corpus(pages, html, trees, texts, failed, articles)


def _ours(html: str, url: str) -> object:
    try:
        return extract_article(html, url)
    except NotAnArticle:
        return None


def _enrich(article: Article | None) -> object:
    return enrich(article, home_municipality="Vimmerby") if article is not None else None


def make_steps(c: Corpus) -> list[Step]:
    """The timed steps; (a) and (b) first, then references and the breakdown of (b)."""
    opts = {"with_metadata": True, "include_comments": False, "include_tables": False}
    nometa = {**opts, "with_metadata": False}
    urls = [p.url for p in c.pages]
    return [
        Step(
            "bare",
            "(a) baseline: bare_extraction(html, url, with_metadata, no comments/tables)",
            lambda i: trafilatura.bare_extraction(c.html[i], url=urls[i], **opts),
        ),
        Step("ours", "(b) ours: extract_article(html, url)", lambda i: _ours(c.html[i], urls[i])),
        Step(
            "defaults",
            "ref: bare_extraction(html) with Trafilatura's defaults",
            lambda i: trafilatura.bare_extraction(c.html[i]),
        ),
        Step(
            "bare_nometa",
            "ref: (a) with with_metadata=False (what Trafilatura's metadata pass costs)",
            lambda i: trafilatura.bare_extraction(c.html[i], url=urls[i], **nometa),
        ),
        Step(
            "lang",
            "(c) langdetect alone: detect_language(text) (600-char sample)",
            lambda i: detect_language(c.texts[i]),
        ),
        Step(
            "lang_full",
            "ref: langdetect.detect_langs(whole text)",
            lambda i: detect_langs(c.texts[i]) if len(c.texts[i]) >= 20 else None,
        ),
        Step(
            "decode",
            "ref: decode_html(body, content_type)",
            lambda i: decode_html(c.pages[i].body, c.pages[i].content_type),
        ),
        Step(
            "parse", "(b) parse HTML (trafilatura.utils.load_html)", lambda i: load_html(c.html[i])
        ),
        Step("meta", "(b) read_page_meta(tree)", lambda i: read_page_meta(c.trees[i])),
        Step(
            "traf_tree",
            "(b) bare_extraction(tree, ..., with_metadata=False) incl. its copy of our tree",
            lambda i: trafilatura.bare_extraction(c.trees[i], url=urls[i], **nometa),
        ),
        Step("copy", "(b) copy(tree), which bare_extraction makes", lambda i: copy(c.trees[i])),
        Step(
            "enrich",
            "(d) enrich(article): places, roles, people, changes, kinds, wire",
            lambda i: _enrich(c.articles[i]),
        ),
    ]


def profile(c: Corpus, top: int) -> list[str]:
    """cProfile one pass of extract_article over all pages; top functions of our code."""
    prof = cProfile.Profile()
    prof.enable()
    for page, html in zip(c.pages, c.html, strict=True):
        _ours(html, page.url)
    prof.disable()
    title = f"cProfile, one pass of extract_article over {len(c.pages)} pages"
    return profile_lines(pstats.Stats(prof), title, top)


def report(
    c: Corpus, steps: list[Step], seconds: float, command: str, profile_lines: list[str]
) -> tuple[str, str]:
    """(text for stdout, markdown for docs)."""
    by = {s.key: s for s in steps}
    a, b = by["bare"], by["ours"]
    ratios = [y / x for x, y in zip(a.per_round(), b.per_round(), strict=True)]
    ratio = median(ratios)
    n = len(c.pages)
    sizes = [len(h.encode("utf-8")) for h in c.html]
    text_sizes = [len(t) for t in c.texts if t]
    sample_idx = [i for i, p in enumerate(c.pages) if p.site != "bench-tidning"]
    gen_idx = [i for i, p in enumerate(c.pages) if p.site == "bench-tidning"]

    def group_ratio(idx: list[int]) -> str:
        if not idx:
            return "-"
        rs = [y / x for x, y in zip(a.per_round(idx), b.per_round(idx), strict=True)]
        return f"{median(rs):.2f} ({a.ms(idx):.1f} → {b.ms(idx):.1f} ms)"

    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    enrich_share = by["enrich"].ms() / b.ms()
    enrich_line = (
        f"  enrichment: {by['enrich'].ms():.2f} ms/page = {enrich_share:.0%} of (b), the"
        f" extraction it follows (target ≤ {ENRICH_TARGET:.0%}: "
        f"{'meets' if enrich_share <= ENRICH_TARGET else 'MISSES'})"
    )
    pages_line = (
        f"{n} article pages ({len(sample_idx)} from the four sample sites, {len(gen_idx)} "
        f"generated); HTML median {kb(median(sizes))} (min {kb(min(sizes))}, max "
        f"{kb(max(sizes))}); extracted text median {kb(median(text_sizes))}; "
        f"{len(a.rounds)} rounds in {seconds:.0f} s"
    )
    rows = [(s.label, s.ms(), percentile(s.per_page(), 0.9), s.ms() / a.ms()) for s in steps]
    extra = b.ms() - a.ms()
    parts = {k: by[k].ms() for k in ("parse", "meta", "traf_tree", "copy", "lang")}
    rest = b.ms() - parts["parse"] - parts["meta"] - parts["traf_tree"] - parts["lang"]
    breakdown = [
        ("parse HTML once (load_html)", parts["parse"]),
        ("read_page_meta (JSON-LD, OpenGraph, `<time>`, classes, paywall XPath)", parts["meta"]),
        ("bare_extraction on our tree, incl. copying it", parts["traf_tree"]),
        ("… of which copy(tree)", parts["copy"]),
        ("detect_language (600-char sample)", parts["lang"]),
        ("rest: dates, title/lead, checks, Article (by difference; ± noise)", rest),
    ]
    failures = [f"{url}: {why}" for url, why in c.not_articles]

    out = [
        "Extraction benchmark",
        f"  pages: {pages_line}",
        f"  {'step':<78} {'ms/page':>8} {'p90':>7} {'vs (a)':>7}",
    ]
    out += [f"  {label:<78} {ms:8.2f} {p90:7.2f} {r:7.2f}" for label, ms, p90, r in rows]
    out += [
        f"  ratio b/a: {ratio:.2f} (rounds: {' '.join(f'{r:.2f}' for r in ratios)}); "
        f"target ≤ {TARGET_RATIO}: {verdict}",
        f"  ratio b/a by page group: sample sites {group_ratio(sample_idx)}; "
        f"generated {group_ratio(gen_idx)}",
        f"  extra time of (b) over (a): {extra:.2f} ms/page; breakdown of (b):",
    ]
    out += [f"    {label:<70} {ms:7.2f} ms" for label, ms in breakdown]
    out.append(enrich_line)
    if failures:
        out.append(f"  not articles ({len(failures)}): " + "; ".join(failures[:5]))
    out += profile_lines

    md = [*run_header(command), f"- Pages: {pages_line}.", ""]
    md += [
        f"**Ratio (b)/(a) = {ratio:.2f}** (target ≤ {TARGET_RATIO}: {verdict}); per round: "
        f"{', '.join(f'{r:.2f}' for r in ratios)}. By page group: sample sites "
        f"{group_ratio(sample_idx)}, generated {group_ratio(gen_idx)}.",
        "",
        "| step | ms/page (median of rounds) | p90 page | vs (a) |",
        "|---|---:|---:|---:|",
    ]
    md += [f"| {label} | {ms:.2f} | {p90:.2f} | {r:.2f} |" for label, ms, p90, r in rows]
    md += [
        "",
        f"Where (b) spends its time ({b.ms():.2f} ms/page; {extra:.2f} ms more than (a)):",
        "",
        "| part of (b) | ms/page |",
        "|---|---:|",
    ]
    md += [f"| {label} | {ms:.2f} |" for label, ms in breakdown]
    md += ["", enrich_line.strip().replace("enrichment:", "**Enrichment** (step d):", 1) + "."]
    md += [
        "",
        "Steps run interleaved page by page, order reversed every other round, after one "
        "warm-up call of each step on 10 pages (langdetect loads its profiles on first use). "
        "The breakdown times each part alone on the same pages; “rest” is (b) minus the parts.",
    ]
    if failures:
        md += ["", f"Pages (b) rejected as not articles: {len(failures)}."]
    if profile_lines:
        md += ["", "```", *profile_lines, "```"]
    return "\n".join(out), "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_extract",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--generated", type=int, default=200, help="generated pages (200)")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (5)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=900,
        help="start no new round after this many seconds (900)",
    )
    parser.add_argument("--profile", action="store_true", help="also cProfile one pass of (b)")
    parser.add_argument("--top", type=int, default=12, help="profile lines to show (12)")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.generated < 0:
        parser.error("--rounds must be >= 1 and --generated >= 0")

    print("fetching pages from the sample site on 127.0.0.1 ...", file=sys.stderr)
    pages = sample_site_pages(args.generated)
    corpus = prepare(pages)
    steps = make_steps(corpus)
    print(f"timing {len(steps)} steps on {len(pages)} pages ...", file=sys.stderr)
    seconds = run_rounds(steps, len(pages), args.rounds, args.max_seconds)
    profile_lines = profile(corpus, args.top) if args.profile else []
    command = command_line("bench.bench_extract", argv)
    text, markdown = report(corpus, steps, seconds, command, profile_lines)
    print(text)
    if args.write_docs:
        write_docs_section("bench_extract", markdown)
        print("wrote the Extraction section of docs/BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
