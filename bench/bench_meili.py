"""Meilisearch indexing and search, timed against the embedded Tantivy index as the baseline.

The corpus and the query mix are the Tantivy benchmark's (``generate_corpus(n, seed)`` and
``QUERY_MIX`` from ``bench/_corpus.py``, which ``bench/bench_search.py`` uses), so the two
backends are compared side by side on the same articles and the same searches. In one run:

  indexing  (a) Tantivy: TantivyBackend.upsert in batches, into a temporary folder
            (b) Meilisearch: MeilisearchBackend.upsert in batches (every task awaited), into
                a fresh index ``lokalarkiv-bench-<random>`` on the server at MEILI_URL
            plus what (b) spends on our side: document() (the Swedish stems) alone
  search    every query of QUERY_MIX through backend.search (page of 20, default facets,
            snippets), ``--rounds`` rounds after one warm-up, interleaved query by query;
            the Meilisearch figure includes the HTTP round trip, and the server's own
            processingTimeMs is reported beside it
  export    iter_matches over the broadest queries (hits per second)

Figures are medians over rounds (p90 over queries); ratios are Meilisearch / Tantivy.

Without MEILI_URL the script says so in one line and exits 0. The bench index is deleted at
the end (``--keep`` keeps it).

Usage: MEILI_URL=http://127.0.0.1:7700 MEILI_MASTER_KEY=... python -m bench.bench_meili
       [--articles 10000] [--seed 0] [--rounds 3] [--batch 1000] [--no-baseline] [--keep]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench._pages import command_line, median, percentile, run_header
from indexer.article import Article
from indexer.search.query import Query

EXPORT_QUERIES = 5


def _corpus_and_mix() -> tuple[Callable[..., Any], list[tuple[str, dict[str, Any]]], list[str]]:
    """The Tantivy benchmark's corpus generator and query mix (same articles, same searches):
    from ``bench/bench_search.py`` when it is there, else from ``bench/_corpus.py`` it uses."""
    import importlib

    try:
        module = importlib.import_module("bench.bench_search")
        generate, mix = module.generate_corpus, module.QUERY_MIX
    except (ImportError, AttributeError):
        module = importlib.import_module("bench._corpus")
        generate, mix = module.generate_corpus, module.QUERY_MIX
    kinds = list(getattr(module, "QUERY_KINDS", None) or ["query"] * len(mix))
    return generate, list(mix), kinds


def _batches(items: Sequence[Article], size: int) -> list[Sequence[Article]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _index(backend: Any, articles: Sequence[Article], batch: int) -> float:
    """Seconds to upsert every article in batches (the backend is durable when it returns)."""
    start = time.perf_counter()
    for chunk in _batches(articles, batch):
        backend.upsert(chunk)
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--no-baseline", action="store_true", help="skip the Tantivy baseline")
    parser.add_argument("--keep", action="store_true", help="keep the bench index on the server")
    args = parser.parse_args(argv)

    url = os.environ.get("MEILI_URL", "").strip()
    if not url:
        print("bench_meili: MEILI_URL is not set; start a Meilisearch server and set MEILI_URL "
              "(and MEILI_MASTER_KEY) to run this benchmark")  # fmt: skip
        return 0

    from indexer.errors import ArkivError
    from indexer.search.backends.meilisearch import MeilisearchBackend
    from indexer.search.backends.meilisearch.settings import document

    generate_corpus, query_mix, query_kinds = _corpus_and_mix()
    queries = [Query(text=text, **kwargs) for text, kwargs in query_mix]
    print(f"generating {args.articles} articles (seed {args.seed}) ...", file=sys.stderr)
    articles = list(generate_corpus(args.articles, args.seed))
    corpus_kb = sum(len(a.title) + len(a.lead) + len(a.body) for a in articles) / 1000

    uid = f"lokalarkiv-bench-{uuid.uuid4().hex[:8]}"
    meili = MeilisearchBackend(
        Path(tempfile.gettempdir()),
        url=url,
        api_key=os.environ.get("MEILI_MASTER_KEY") or None,
        index_uid=uid,
        batch_size=args.batch,
        task_timeout_s=3600,
    )
    backends: dict[str, Any] = {"meilisearch": meili}
    folder = tempfile.TemporaryDirectory(prefix="bench-tantivy-")
    if not args.no_baseline:
        from indexer.search.backends.tantivy import TantivyBackend

        backends = {"tantivy": TantivyBackend(Path(folder.name) / "index"), **backends}

    try:
        start = time.perf_counter()
        for article in articles:
            document(article)
        mapping_s = time.perf_counter() - start
        indexing: dict[str, float] = {}
        for name, backend in backends.items():
            backend.configure()
            print(f"indexing into {name} ...", file=sys.stderr)
            indexing[name] = _index(backend, articles, args.batch)
            documents = backend.stats().documents
            if documents != len(articles):
                raise SystemExit(f"{name} holds {documents} documents, not {len(articles)}")

        # search: one warm-up round, then interleaved rounds
        per_query: dict[str, list[list[float]]] = {n: [[] for _ in queries] for n in backends}
        totals: dict[str, list[int]] = {n: [0] * len(queries) for n in backends}
        for round_no in range(args.rounds + 1):
            for i, query in enumerate(queries):
                for name, backend in backends.items():
                    start = time.perf_counter()
                    page = backend.search(query)
                    if round_no:
                        per_query[name][i].append((time.perf_counter() - start) * 1000)
                    totals[name][i] = page.total
        server_ms = _server_processing_ms(meili, queries)

        export: dict[str, float] = {}
        broad = sorted(range(len(queries)), key=lambda i: -totals["meilisearch"][i])
        for name, backend in backends.items():
            hits = 0
            start = time.perf_counter()
            for i in broad[:EXPORT_QUERIES]:
                hits += sum(1 for _ in backend.iter_matches(queries[i]))
            export[name] = hits / max(time.perf_counter() - start, 1e-9)
    except ArkivError as exc:
        print(f"bench_meili: {exc}\nHint: {exc.hint}", file=sys.stderr)
        return 1
    finally:
        for backend in backends.values():
            backend.close()
        if not args.keep:
            try:
                meili.destroy()
            except ArkivError as exc:
                print(f"bench_meili: could not delete {uid}: {exc}", file=sys.stderr)
        folder.cleanup()

    print(_report(args, argv, articles, corpus_kb, mapping_s, indexing, per_query, totals,
                  server_ms, export, query_kinds))  # fmt: skip
    return 0


def _server_processing_ms(backend: Any, queries: Sequence[Query]) -> list[float]:
    """The server's own processingTimeMs for each query (one request each, no snippets)."""
    from indexer.search.backends.meilisearch.filters import filter_expression, text_query

    index = backend._connect().index(backend.index_uid)
    times = []
    for query in queries:
        params: dict[str, Any] = {"matchingStrategy": "all", "limit": query.limit}
        expression = filter_expression(query)
        if expression:
            params["filter"] = expression
        result = index.search(text_query(query.text).q, params)
        times.append(float(result.get("processingTimeMs", 0)))
    return times


def _report(
    args: argparse.Namespace,
    argv: Sequence[str] | None,
    articles: Sequence[Article],
    corpus_kb: float,
    mapping_s: float,
    indexing: dict[str, float],
    per_query: dict[str, list[list[float]]],
    totals: dict[str, list[int]],
    server_ms: list[float],
    export: dict[str, float],
    kinds: list[str],
) -> str:
    n = len(articles)
    lines = ["## Search backends: Meilisearch beside Tantivy", ""]
    lines += run_header(command_line("bench.bench_meili", argv))
    lines.append(
        f"- Corpus: {n} synthetic articles (seed {args.seed}, {corpus_kb / max(n, 1):.1f} kB "
        f"of text each); {len(per_query['meilisearch'])} queries of QUERY_MIX, "
        f"{args.rounds} rounds after a warm-up; batches of {args.batch}."
    )
    lines += [
        "",
        "| step | tantivy | meilisearch | meilisearch / tantivy |",
        "|---|---:|---:|---:|",
    ]

    def row(label: str, values: dict[str, float], fmt: str) -> None:
        base = values.get("tantivy")
        meili = values["meilisearch"]
        ratio = f"{meili / base:.2f}" if base else "-"
        shown = fmt.format(base) if base is not None else "-"
        lines.append(f"| {label} | {shown} | {fmt.format(meili)} | {ratio} |")

    row("index: articles/s", {k: n / v for k, v in indexing.items()}, "{:,.0f}")
    lines.append(f"| index: our document() (stemming) alone | | {n / mapping_s:,.0f}/s | |")
    medians = {
        name: median([median(runs) for runs in queries]) for name, queries in per_query.items()
    }
    p90s = {
        name: percentile([median(runs) for runs in queries], 0.9)
        for name, queries in per_query.items()
    }
    row("search: median ms/query", medians, "{:.2f}")
    row("search: p90 ms/query", p90s, "{:.2f}")
    lines.append(f"| search: server processingTimeMs (median) | | {median(server_ms):.1f} | |")
    row("export: hits/s (iter_matches)", export, "{:,.0f}")

    by_kind: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for name, queries in per_query.items():
        for kind, runs in zip(kinds, queries, strict=True):
            by_kind[kind][name].append(median(runs))
    lines += ["", "| query kind | n | tantivy ms | meilisearch ms |", "|---|---:|---:|---:|"]
    for kind, values in sorted(by_kind.items()):
        tv = f"{median(values['tantivy']):.2f}" if "tantivy" in values else "-"
        meili = f"{median(values['meilisearch']):.2f}"
        lines.append(f"| {kind} | {len(values['meilisearch'])} | {tv} | {meili} |")
    if "tantivy" in totals:
        same = sum(
            1 for a, b in zip(totals["tantivy"], totals["meilisearch"], strict=True) if a == b
        )
        lines.append("")
        lines.append(
            f"Totals agree on {same} of {len(totals['tantivy'])} queries (filters and sorts agree "
            "by construction; text matching differs in typo and compound details, see "
            "docs/MEILISEARCH.md)."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
