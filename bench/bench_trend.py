"""Trend benchmark: counting one query by ISO week over five years, against the same
backend's plain search, in one run.

On the synthetic corpus of ``bench._corpus.generate_corpus`` (``--docs`` articles, published
over 2021-2025, Stockholm time), indexed into a fresh Tantivy index the way a first sync
builds one (``TantivyBackend.upsert(..., new=True)`` in batches), in one process:

1. ``count_by_period(Query(text=Q), "week")`` for each query Q of ``--queries`` (default: a
   common word, a compound, a rarer word, a phrase, and "" for every article): one warm-up,
   then ``--repeats`` timed runs each. This is what `arkiv trend Q --by week` asks of the
   index (about 260 weeks): two aggregation requests, min/max then one range aggregation.
2. ``search(Query(text=Q))``, the plain search `arkiv search Q` runs (first page of 20 with
   snippets and the default facets), and the same with ``limit=0`` and no facets (a bare
   count), ``--repeats`` timed runs each, interleaved with (1) so that both see the same
   machine.
3. For reference, once per query: the same counts by one count search per week
   (``indexer.search.periods.count_by_searches``, what /api/count-by-period did before and
   what the Meilisearch backend does), and a check that both give the same numbers.

Reported per query: matches, p50 and p95 in ms of each, and the ratio p95(trend) /
p95(search) (the target: a trend costs about as much as a search, ratio <= ~2).

Usage: python -m bench.bench_trend [--docs 200000] [--repeats 30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from bench._corpus import generate_corpus
from indexer.article import Article
from indexer.search.backends.tantivy import TantivyBackend
from indexer.search.periods import count_by_searches
from indexer.search.query import Query

DEFAULT_QUERIES = ("kommun", "kommunchef", "budget", '"nya skolan"', "")
BATCH = 20_000


def log(message: str) -> None:
    print(f"[bench_trend {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def batches(articles: Iterator[Article], size: int) -> Iterator[list[Article]]:
    while batch := list(islice(articles, size)):
        yield batch


def build(index_dir: Path, docs: int, seed: int) -> float:
    """A fresh index of ``docs`` generated articles; seconds taken."""
    started = time.perf_counter()
    backend = TantivyBackend(index_dir)
    backend.configure()
    done = 0
    for batch in batches(generate_corpus(docs, seed), BATCH):
        done += backend.upsert(batch, new=True)
        log(f"indexed {done:,}/{docs:,}")
    backend.close()
    return time.perf_counter() - started


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def measure(backend: TantivyBackend, text: str, repeats: int) -> dict[str, Any]:
    """The timings of one query (see the module's description)."""
    trend_q = Query(text=text, facets=(), limit=0)
    search_q = Query(text=text)
    count_q = Query(text=text, facets=(), limit=0)
    actions: dict[str, Callable[[], Any]] = {
        "trend": lambda: backend.count_by_period(trend_q, "week"),
        "search": lambda: backend.search(search_q),
        "count": lambda: backend.search(count_q),
    }
    for action in actions.values():  # warm-up
        action()
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for r in range(repeats):
        order = list(actions.items())
        for name, action in order if r % 2 == 0 else reversed(order):
            samples[name].append(timed(action)[0])
    weeks = backend.count_by_period(trend_q, "week")
    per_search_ms, by_searches = timed(lambda: count_by_searches(backend, trend_q, "week"))
    row: dict[str, Any] = {
        "query": text,
        "matches": backend.search(count_q).total,
        "weeks_with_matches": len(weeks),
        "same_as_searches": weeks == by_searches,
        "per_week_searches_ms": round(per_search_ms, 1),
    }
    for name, values in samples.items():
        row[f"{name}_p50_ms"] = round(percentile(values, 50), 2)
        row[f"{name}_p95_ms"] = round(percentile(values, 95), 2)
    row["ratio_p95_trend_to_search"] = round(row["trend_p95_ms"] / row["search_p95_ms"], 2)
    row["ratio_p95_trend_to_count"] = round(row["trend_p95_ms"] / row["count_p95_ms"], 2)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    columns = [
        ("query", "query"),
        ("matches", "matches"),
        ("weeks", "weeks_with_matches"),
        ("trend p50", "trend_p50_ms"),
        ("trend p95", "trend_p95_ms"),
        ("search p50", "search_p50_ms"),
        ("search p95", "search_p95_ms"),
        ("count p95", "count_p95_ms"),
        ("trend/search p95", "ratio_p95_trend_to_search"),
        ("trend/count p95", "ratio_p95_trend_to_count"),
        ("per-week searches ms", "per_week_searches_ms"),
        ("same", "same_as_searches"),
    ]
    lines = ["| " + " | ".join(title for title, _ in columns) + " |"]
    lines.append("|" + "---|" * len(columns))
    for row in rows:
        cells = [repr(row[key]) if key == "query" else str(row[key]) for _, key in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200_000, help="articles in the corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=30, help="timed runs of each")
    parser.add_argument("--queries", nargs="*", default=list(DEFAULT_QUERIES))
    parser.add_argument("--keep", type=Path, help="build the index here (reused if present)")
    parser.add_argument("--json", action="store_true", help="the rows as JSON as well")
    args = parser.parse_args(argv)

    scratch = None
    if args.keep:
        index_dir = args.keep
    else:
        scratch = Path(tempfile.mkdtemp(prefix="bench_trend-"))
        index_dir = scratch / "index"
    try:
        build_s = None
        if not (index_dir / "meta.json").exists():
            log(f"building an index of {args.docs:,} articles in {index_dir}")
            build_s = build(index_dir, args.docs, args.seed)
        backend = TantivyBackend(index_dir)
        documents = backend.stats().documents
        log(f"{documents:,} articles in the index; measuring")
        rows = []
        for text in args.queries:
            rows.append(measure(backend, text, args.repeats))
            log(f"{text!r}: {rows[-1]}")
        backend.close()
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    built = f", built in {build_s:.0f} s" if build_s else ""
    print(f"Tantivy, {documents:,} articles over 2021-2025{built}; {args.repeats} runs each\n")
    print(table(rows))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
