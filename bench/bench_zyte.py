"""Extraction quality on real news pages: Zyte's article-extraction-benchmark.

The benchmark (github.com/scrapinghub/article-extraction-benchmark, checked out anywhere
outside this repository; its path is the argument) holds 181 real news pages of many sites
and languages (``html/<id>.html.gz``) and the article body a person marked on each
(``ground-truth.json``). Nothing of it is copied here; this script reads it where it lies.

On every page, in the same run:

  (a) bare      trafilatura.extract(html, url=url, include_comments=False): what the
                benchmark's own Trafilatura runner calls (text only, Trafilatura's defaults
                otherwise; its published table has 0.958 for Trafilatura 2.0.0, the version
                installed here scores 0.960, with or without the url)
  (b) ours      crawler.extract.extract_article(html, url), scored on the text as archived:
                lead and body joined (``archived_text``), which is what search, export and the
                duplicate check read; also on the body alone. A page it rejects as "not an
                article" scores as an empty text (recall 0) and is listed with its reason.
  ref           trafilatura.bare_extraction(html, url, with_metadata=True, no comments or
                tables): bench_extract's baseline, the same job as (b) (text, title, authors,
                date), timed only.

Metric, as the benchmark defines it (implemented here, not copied): text split into ``\\w+``
tokens, compared as multisets of 4-token shingles; per page tp/fp/fn normalised to sum 1;
precision averaged over pages with tp+fp > 0 (an empty prediction has none), recall over pages
with tp+fn > 0; F1 is the harmonic mean of the two averages. Accuracy: share of pages whose
token sequence equals the truth's. ± is the standard deviation over 1000 bootstrap resamples of
the pages (seeded).

Timing: every step on every page, interleaved page by page, ``--rounds`` rounds with the step
order reversed every other round, after one warm-up call of each step on 10 pages; figures are
the median over rounds of the mean ms/page, the ratio b/a the median of per-round ratios.
(b) includes language detection. Target: b/a <= 1.3.

Usage: python -m bench.bench_zyte /path/to/article-extraction-benchmark [--rounds 3]
       [--worst 12] [--dump DIR] [--write-docs]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from bench._pages import (
    DOCS,
    Step,
    command_line,
    median,
    run_header,
    run_rounds,
    write_docs_section,
)
from crawler.extract import NotAnArticle, extract_article
from crawler.language import detect_language
from indexer.article import Article

TARGET_RATIO = 1.3
DOCS_NAME = "bench_zyte"
DOCS_HEADING = "Extraction quality on real news pages (Zyte's benchmark)"
SHINGLE = 4
BOOTSTRAP = 1000
_TOKEN = re.compile(r"\w+")


def archived_text(article: Article) -> str:
    """The article's text as the archive and search treat it: the lead, then the body."""
    return "\n\n".join(part for part in (article.lead, article.body) if part)


# --------------------------------------------------------------------------- the benchmark


@dataclass(frozen=True, slots=True)
class BenchPage:
    """One page of the benchmark and the article body a person marked on it."""

    id: str
    url: str
    html: str
    truth: str


def load_benchmark(root: Path) -> list[BenchPage]:
    """Every page listed in ``ground-truth.json``, with its HTML (gzip, UTF-8), in id order."""
    truth_file, html_dir = root / "ground-truth.json", root / "html"
    if not truth_file.is_file() or not html_dir.is_dir():
        raise SystemExit(f"{root} has no ground-truth.json and html/: not the benchmark's checkout")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        with gzip.open(html_dir / f"{key}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        record = truth[key]
        pages.append(BenchPage(key, record.get("url") or "", html, record.get("articleBody") or ""))
    return pages


# --------------------------------------------------------------------------- the metric


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles of ``\\w+`` tokens; a text under n tokens is one shingle."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    """tp/fp/fn of one page, normalised to sum 1 (all zero when both texts are empty)."""

    tp: float
    fp: float
    fn: float
    exact: bool

    @property
    def precision(self) -> float | None:
        """None when the prediction is empty (the page does not count for precision)."""
        if self.tp + self.fp == 0:
            return None
        return 1.0 if self.fp == self.fn == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """None when the truth is empty (the page does not count for recall)."""
        if self.tp + self.fn == 0:
            return None
        return 1.0 if self.fp == self.fn == 0 else self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        """This page's own F1 (for listing pages; the benchmark's F1 is over averages)."""
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def score_page(truth: str, pred: str) -> PageScore:
    """Compare one prediction with the truth, shingle by shingle."""
    want, got = shingles(truth), shingles(pred)
    tp = float(sum((want & got).values()))
    fp = float(sum((got - want).values()))
    fn = float(sum((want - got).values()))
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(tp, fp, fn, _TOKEN.findall(truth) == _TOKEN.findall(pred))


@dataclass(frozen=True, slots=True)
class Scores:
    """The benchmark's figures over a set of pages, with bootstrap standard deviations."""

    f1: float
    precision: float
    recall: float
    accuracy: float
    std: dict[str, float]

    def cell(self, name: str) -> str:
        """'0.958 ± 0.006'."""
        return f"{getattr(self, name):.3f} ± {self.std[name]:.3f}"


def _averages(pages: Sequence[PageScore]) -> tuple[float, float, float, float]:
    ps = [p for p in (s.precision for s in pages) if p is not None]
    rs = [r for r in (s.recall for s in pages) if r is not None]
    precision = statistics.fmean(ps) if ps else 0.0
    recall = statistics.fmean(rs) if rs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall, statistics.fmean(float(s.exact) for s in pages)


def aggregate(pages: Sequence[PageScore], n_bootstrap: int = BOOTSTRAP, seed: int = 0) -> Scores:
    """F1 of the averaged precision and recall, accuracy, and their bootstrap deviations."""
    f1, precision, recall, accuracy = _averages(pages)
    rng = random.Random(seed)
    samples: list[tuple[float, float, float, float]] = []
    for _ in range(n_bootstrap):
        samples.append(_averages([pages[rng.randrange(len(pages))] for _ in pages]))
    names = ("f1", "precision", "recall", "accuracy")
    std = {
        name: statistics.stdev(col) if len(col) > 1 else 0.0
        for name, col in zip(names, zip(*samples, strict=True), strict=True)
    }
    return Scores(f1, precision, recall, accuracy, std)


# --------------------------------------------------------------------------- extraction


def bare(page: BenchPage) -> str:
    """(a): Trafilatura as the benchmark's own runner calls it."""
    return trafilatura.extract(page.html, url=page.url, include_comments=False) or ""


def bare_with_metadata(page: BenchPage) -> object:
    """ref: bench_extract's baseline, Trafilatura doing extract_article's whole job."""
    return trafilatura.bare_extraction(
        page.html,
        url=page.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )


def ours(page: BenchPage) -> Article | str:
    """(b): our extractor; the reason when it rejects the page."""
    try:
        return extract_article(page.html, page.url)
    except NotAnArticle as exc:
        return exc.reason


@dataclass
class Result:
    """What each extractor made of one page, and the scores."""

    page: BenchPage
    bare: str
    article: Article | None
    reason: str  # why (b) rejected the page, or ""
    bare_score: PageScore = field(init=False)
    ours_score: PageScore = field(init=False)
    body_score: PageScore = field(init=False)

    def __post_init__(self) -> None:
        self.bare_score = score_page(self.page.truth, self.bare)
        self.ours_score = score_page(self.page.truth, self.text)
        body = self.article.body if self.article else ""
        self.body_score = score_page(self.page.truth, body)

    @property
    def text(self) -> str:
        """(b)'s text as archived, "" for a rejected page."""
        return archived_text(self.article) if self.article else ""


def extract_all(pages: list[BenchPage]) -> list[Result]:
    """Run (a) and (b) once on every page."""
    results = []
    for page in pages:
        got = ours(page)
        article = got if isinstance(got, Article) else None
        reason = got if isinstance(got, str) else ""
        results.append(Result(page, bare(page), article, reason))
    return results


# --------------------------------------------------------------------------- timing


def make_steps(pages: list[BenchPage], results: list[Result]) -> list[Step]:
    texts = [
        f"{r.article.title}. {r.article.lead} {r.article.body}" if r.article else ""
        for r in results
    ]
    return [
        Step(
            "bare",
            "(a) trafilatura.extract(html, url, include_comments=False)",
            lambda i: bare(pages[i]),
        ),
        Step(
            "ours",
            "(b) extract_article(html, url), language detection included",
            lambda i: ours(pages[i]),
        ),
        Step(
            "meta",
            "ref: bare_extraction(html, url, with_metadata, no comments/tables)",
            lambda i: bare_with_metadata(pages[i]),
        ),
        Step(
            "lang",
            "ref: detect_language(the text (b) hands it)",
            lambda i: detect_language(texts[i]),
        ),
    ]


# --------------------------------------------------------------------------- report


def _rejections(results: list[Result]) -> list[tuple[str, str]]:
    return [(r.page.id, r.reason) for r in results if r.reason]


def _worst(results: list[Result], n: int) -> list[Result]:
    """Pages where (b) as archived scores furthest below (a)."""
    ranked = sorted(results, key=lambda r: r.ours_score.f1 - r.bare_score.f1)
    return [r for r in ranked[:n] if r.ours_score.f1 < r.bare_score.f1]


def report(
    results: list[Result], steps: list[Step], seconds: float, command: str, worst: int
) -> tuple[str, str]:
    """(text for stdout, markdown for docs)."""
    n = len(results)
    a = aggregate([r.bare_score for r in results])
    b = aggregate([r.ours_score for r in results])
    o = aggregate([r.body_score for r in results])
    rows = [
        ("(a) bare Trafilatura: `trafilatura.extract`", a),
        ("(b) ours, lead + body as archived", b),
        ("(b) ours, body alone", o),
    ]
    rejected = _rejections(results)
    with_lead = sum(1 for r in results if r.article and r.article.lead)
    by = {s.key: s for s in steps}
    ratios = [y / x for x, y in zip(by["bare"].per_round(), by["ours"].per_round(), strict=True)]
    ratio = median(ratios)
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    f1_verdict = "meets" if b.f1 >= a.f1 else "MISSES"
    pages_line = (
        f"{n} pages; (b) rejected {len(rejected)} as not articles, kept a lead on {with_lead}; "
        f"{len(steps[0].rounds)} timing rounds in {seconds:.0f} s"
    )
    out = ["Zyte article-extraction-benchmark", f"  pages: {pages_line}"]
    heads = "  ".join(f"{h:>13}" for h in ("F1", "precision", "recall", "accuracy"))
    out.append(f"  {'text scored':<46} {heads}")
    for label, s in rows:
        cells = "  ".join(s.cell(k) for k in ("f1", "precision", "recall", "accuracy"))
        out.append(f"  {label:<46} {cells}")
    out.append(f"  F1 of (b) as archived ≥ (a): {f1_verdict}")
    out.append(f"  {'step':<70} {'ms/page':>8} {'vs (a)':>7}")
    for step in steps:
        out.append(f"  {step.label:<70} {step.ms():8.2f} {step.ms() / by['bare'].ms():7.2f}")
    out.append(
        f"  ratio b/a: {ratio:.2f} (rounds: {' '.join(f'{r:.2f}' for r in ratios)}); "
        f"target ≤ {TARGET_RATIO}: {verdict}"
    )
    for key, reason in rejected:
        out.append(f"  rejected {key[:12]}: {reason}")
    low = _worst(results, worst)
    if low:
        out.append("  pages where (b) as archived scores furthest below (a) (F1 per page):")
        for r in low:
            out.append(
                f"    {r.page.id[:12]} (a) {r.bare_score.f1:.2f} (b) {r.ours_score.f1:.2f} "
                f"body {r.body_score.f1:.2f} lead {len(r.article.lead) if r.article else 0} "
                f"chars  {r.page.url[:60]}"
            )

    md = [*run_header(command), f"- Pages: {pages_line}.", ""]
    md += [
        f"**F1 of (b) as archived {b.f1:.3f}** against bare Trafilatura's {a.f1:.3f} "
        f"(target ≥ (a): {f1_verdict}); **time ratio (b)/(a) = {ratio:.2f}** (target ≤ "
        f"{TARGET_RATIO}: {verdict}; per round {', '.join(f'{r:.2f}' for r in ratios)}).",
        "",
        "| text scored | F1 | precision | recall | accuracy |",
        "|---|---|---|---|---|",
    ]
    md += [
        f"| {label} | {' | '.join(s.cell(k) for k in ('f1', 'precision', 'recall', 'accuracy'))} |"
        for label, s in rows
    ]
    md += ["", "| step | ms/page (median of rounds) | vs (a) |", "|---|---:|---:|"]
    md += [f"| {t.label} | {t.ms():.2f} | {t.ms() / by['bare'].ms():.2f} |" for t in steps]
    md += ["", f"Pages (b) rejected as not articles: {len(rejected)}."]
    md += [f"- `{key[:12]}`: {reason}" for key, reason in rejected]
    md += [
        "",
        "Metric as the benchmark defines it, implemented in `bench/bench_zyte.py`: 4-token "
        "shingles of `\\w+` tokens; per page tp/fp/fn normalised to sum 1; precision averaged "
        "over pages with a non-empty prediction, recall over pages with a non-empty truth, F1 "
        "the harmonic mean of the two; a rejected page scores recall 0. ± is the standard "
        "deviation over 1000 bootstrap resamples of the pages. (b) as archived is "
        "`archived_text(article)`: the lead, then the body.",
    ]
    return "\n".join(out), "\n".join(md)


def _ensure_docs_section(path: Path = DOCS) -> None:
    """Give docs/BENCHMARKS.md this benchmark's heading and markers, after Extraction's."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if f"<!-- {DOCS_NAME}:start -->" in text:
        return
    section = f"## {DOCS_HEADING}\n\n<!-- {DOCS_NAME}:start -->\n<!-- {DOCS_NAME}:end -->\n\n"
    anchor = "<!-- bench_extract:end -->\n"
    if anchor in text:
        head, tail = text.split(anchor, 1)
        text = f"{head}{anchor}\n{section}{tail.lstrip()}"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def dump(results: list[Result], directory: Path) -> None:
    """Write (a) and (b) in the benchmark's prediction format (``{id: {articleBody}}``)."""
    directory.mkdir(parents=True, exist_ok=True)
    outputs = {
        "lokalarkiv_bare.json": {r.page.id: {"articleBody": r.bare} for r in results},
        "lokalarkiv_ours.json": {r.page.id: {"articleBody": r.text} for r in results},
        "lokalarkiv_body.json": {
            r.page.id: {"articleBody": r.article.body if r.article else ""} for r in results
        },
    }
    for name, data in outputs.items():
        (directory / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_zyte",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("benchmark", type=Path, help="checkout of article-extraction-benchmark")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (3; 0: no timing)")
    parser.add_argument("--worst", type=int, default=12, help="pages to list where (b) < (a)")
    parser.add_argument("--dump", type=Path, help="write predictions in the benchmark's format")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.rounds < 0 or (args.write_docs and args.rounds < 1):
        parser.error("--rounds must be >= 0, and >= 1 with --write-docs")

    pages = load_benchmark(args.benchmark)
    print(f"extracting {len(pages)} pages ...", file=sys.stderr)
    results = extract_all(pages)
    if args.dump:
        dump(results, args.dump)
    steps = make_steps(pages, results)
    seconds = run_rounds(steps, len(pages), args.rounds) if args.rounds else 0.0
    if not args.rounds:
        for step in steps:
            step.rounds.append([float("nan")])
    command = command_line("bench.bench_zyte", argv).replace(str(args.benchmark), "BENCHMARK")
    text, markdown = report(results, steps, seconds, command, args.worst)
    print(text)
    if args.write_docs:
        _ensure_docs_section()
        write_docs_section(DOCS_NAME, markdown)
        print("wrote the Zyte benchmark section of docs/BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
