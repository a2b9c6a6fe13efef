"""Web benchmark: what the search page of `arkiv serve` costs over the backend's own search.

On one synthetic corpus (``bench._corpus.generate_corpus``, ``--docs`` articles) written through
``Archive.add_version`` and indexed by ``sync`` (what a crawl does), in one run:

1. Latency, interleaved over ``--passes`` passes of ``bench._corpus.QUERY_MIX`` (one warm-up
   pass first), each query asked three ways in turn:
     (a) the backend's own ``search()`` in this process, with the facets the search page asks
         for (all of them) and a page of 10;
     (b) the search page ``GET /?q=...`` of a real ``arkiv serve`` (a subprocess on
         127.0.0.1), timed from request to the last byte;
     (c) its JSON twin ``GET /api/search`` (the CLI's document: the default facets).
   Reported: p50 and p95 of each in ms, and (b)/(a), (c)/(a) as ratios of those.
2. Throughput: ``--clients`` threads, each with its own HTTP connection, asking the search page
   for the queries of the mix in turn for ``--seconds`` seconds: searches per second.
3. Page weight: the HTML of a search page (mean and largest over the mix), the stylesheet, and
   the number of requests a page needs (the page and its stylesheet; no scripts, no fonts).

Usage: python -m bench.bench_web [--docs 20000] [--passes 3] [--clients 8] [--seconds 10]
                                 [--data DIR]

``--data DIR`` uses a data folder built before (e.g. ``bench.bench_export``'s cached
``archive-N`` folder, the same corpus with the same seed) instead of building one, and keeps it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench._corpus import QUERY_MIX, generate_corpus
from indexer.config import Config
from indexer.search.query import Query
from indexer.search.sync import sync
from indexer.store.archive import Archive
from lokalarkiv.storage import search_index
from tests.web_server import serving
from web.params import ALL_FACETS

PARAM_NAMES = {"municipalities": "kommun", "sources": "source", "kinds": "kind",
               "date_from": "from", "date_to": "to"}  # fmt: skip


def build(folder: Path, docs: int) -> float:
    """The archive and index of ``docs`` generated articles; seconds taken."""
    started = time.perf_counter()
    with Archive(folder / "archive.sqlite3") as archive:
        for article in generate_corpus(docs, seed=1):
            archive.add_version(article)
        sync(archive, Config(data_dir=folder))
    return time.perf_counter() - started


def url_params(text: str, filters: dict[str, Any]) -> list[tuple[str, str]]:
    params = [("q", text)]
    for name, value in filters.items():
        values = value if isinstance(value, tuple) else (value,)
        params += [(PARAM_NAMES[name], str(v)) for v in values]
    return params


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency(folder: Path, url: str, passes: int) -> dict[str, list[float]]:
    """Seconds per query of (a) the backend, (b) the page, (c) the API; the first pass
    (warm-up) left out."""
    times: dict[str, list[float]] = {"backend": [], "page": [], "api": []}
    with search_index(Config(data_dir=folder)) as backend, httpx.Client(base_url=url) as client:
        for n in range(passes + 1):
            for text, filters in QUERY_MIX:
                query = Query(text=text, facets=ALL_FACETS, limit=10, **filters)
                started = time.perf_counter()
                backend.search(query)
                backend_s = time.perf_counter() - started
                params = url_params(text, filters)
                page_s = timed(client, "/", params)
                api_s = timed(client, "/api/search", params)
                if n:
                    times["backend"].append(backend_s)
                    times["page"].append(page_s)
                    times["api"].append(api_s)
    return times


def timed(client: httpx.Client, path: str, params: list[tuple[str, str]]) -> float:
    started = time.perf_counter()
    answer = client.get(path, params=params)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise RuntimeError(f"{path} {params}: HTTP {answer.status_code}: {answer.text[:200]}")
    return elapsed


def throughput(url: str, clients: int, seconds: float) -> float:
    """Search pages per second with ``clients`` concurrent clients."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def run(k: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            i = k * 17
            while time.perf_counter() < stop:
                text, filters = QUERY_MIX[i % len(QUERY_MIX)]
                client.get("/", params=url_params(text, filters)).raise_for_status()
                done[k] += 1
                i += 1

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def weight(url: str) -> dict[str, Any]:
    with httpx.Client(base_url=url) as client:
        sizes = [len(client.get("/", params=url_params(t, f)).content) for t, f in QUERY_MIX]
        css = len(client.get("/static/style.css").content)
        page = client.get("/", params={"q": QUERY_MIX[0][0]}).text
    return {"html_mean_bytes": round(statistics.mean(sizes)), "html_max_bytes": max(sizes),
            "css_bytes": css, "scripts": page.count("<script"),
            "requests_per_page": 1 + page.count('rel="stylesheet"')}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--data", type=Path, help="an existing data folder to serve (kept)")
    args = parser.parse_args()
    folder = args.data or Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        if args.data is None:
            built = build(folder, args.docs)
            print(f"built {args.docs} articles in {built:.0f} s", flush=True)
        else:
            with Archive(folder / "archive.sqlite3") as archive:
                args.docs = archive.totals()["articles"]
        with serving(folder) as served:
            times = latency(folder, served.url, args.passes)
            rate = throughput(served.url, args.clients, args.seconds)
            page = weight(served.url)
    finally:
        if args.data is None:
            shutil.rmtree(folder, ignore_errors=True)
    report: dict[str, Any] = {"docs": args.docs, "queries": len(times["page"])}
    for name, values in times.items():
        report[name] = {"p50_ms": round(percentile(values, 0.5) * 1000, 2),
                        "p95_ms": round(percentile(values, 0.95) * 1000, 2)}  # fmt: skip
    for name in ("page", "api"):
        for key in ("p50_ms", "p95_ms"):
            report[name][key.replace("_ms", "_ratio")] = round(
                report[name][key] / report["backend"][key], 1
            )
    report["searches_per_s"] = {"clients": args.clients, "rate": round(rate, 1)}
    report["weight"] = page
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
