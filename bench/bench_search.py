"""Search benchmark: indexing rate against a bare Tantivy writer, latency, size, memory, CLI start.

On one synthetic Swedish-like corpus (``bench._corpus.generate_corpus``, ``--docs`` articles,
3-5 kB bodies), in one run:

1. Prepare (untimed): generate the articles once and write them to a scratch file (pickled
   ``Article`` records); a helper process turns each into the exact field values our backend
   indexes (``document(article).to_dict()``) and writes those to a second file. Both indexing
   runs below then read their input from a file instead of generating it, so neither pays for
   the generator (which is slower than indexing) and the generator's time cannot hide work
   the writer threads do in the background.
2. Indexing, each in a fresh process, alternating order over ``--rounds``:
     (a) bare: a Tantivy index with our schema and analyzers (the backend's own ``schema()``
         and ``register_analyzers()``), ``writer.add_document(Document.from_dict(values))``
         for every prepared document, one commit at the end, then ``wait_merging_threads``;
     (b) ours: what ``indexer.search.sync`` does when it builds into an empty index (``arkiv index
         --rebuild``, a first sync): the articles streamed into
         ``TantivyBackend.upsert(..., new=True)`` in batches of ``--batch`` (default
         ``indexer.search.sync.FRESH_BATCH_SIZE``; build each document, one commit and reload per
         batch), then ``close()`` (which waits for merges).
   Same writer heap (96 MB) and thread count (Tantivy's default) for both. Reported: docs/s,
   the ratio (b)/(a) (target >= 0.7), reference rows (the incremental path of a nightly
   sync: batches of 500, each article replacing its id; the bare writer committing every 500;
   our document building alone; reading the scratch files), a cProfile of (b) on a sample.
3. Search, in a fresh process on the index from (b): ``QUERY_MIX`` (200 fixed queries of 1-4
   words, about half with filters), one warm-up pass, then ``--passes`` passes; p50/p95/p99
   and mean of ``TantivyBackend.search()`` in ms, with and without filters, with the default
   facets and with none (target p95 < 20 ms at 1M articles).
4. Index size on disk (du), peak RSS of each indexing process and of the search process
   (psutil every 0.1 s, and getrusage's ru_maxrss).
5. ``python -m search_cli search --data DIR kommunchef --limit 10`` as a fresh process,
   ``--cli-runs`` times, on a real 1,000-article archive + index (``Archive.add_version`` and
   ``sync``) and on the big index from (b), with ``python -c pass`` and a bare import of the
   CLI as baselines in the same run (target < 0.5 s).

Scratch files live in a temporary folder under /tmp, removed at the end (``--keep`` keeps it).

Usage: python -m bench.bench_search [--docs 100000] [--rounds 2] [--write-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import itertools
import json
import multiprocessing
import os
import pickle
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil
import tantivy as tv

from bench._corpus import QUERY_KINDS, QUERY_MIX, generate_corpus, vocabulary_size
from indexer.article import Article
from indexer.search.backends.tantivy import TantivyBackend
from indexer.search.backends.tantivy.documents import document
from indexer.search.backends.tantivy.schema import register_analyzers, schema
from indexer.search.query import Query
from indexer.search.sync import FRESH_BATCH_SIZE

__all__ = ["QUERY_MIX", "generate_corpus", "main"]

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "BENCHMARKS.md"
MARKER = "bench_search"
TARGET_RATIO = 0.7
TARGET_P95_MS = 20.0
TARGET_CLI_S = 0.5
WRITER_HEAP = 96_000_000  # TantivyBackend's default
PROGRESS_EVERY = 50_000
POLL_SECONDS = 0.1
CLI_QUERY = "kommunchef"
CLI_ARCHIVE_DOCS = 1000
SYNC_BATCH = 500  # indexer.search.sync.sync()'s batch size for an index that has documents


# --------------------------------------------------------------------------- small helpers


def log(message: str) -> None:
    print(f"[bench_search {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def du_bytes(path: Path) -> tuple[int, int]:
    """(allocated bytes as du counts them, apparent bytes) of a folder."""
    allocated = apparent = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                st = (Path(root) / name).stat()
                allocated += st.st_blocks * 512
                apparent += st.st_size
    return allocated, apparent


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB" if n < 10 * 2**30 else f"{n / 2**30:,.2f} GiB"


def fmt_int(n: float) -> str:
    return f"{n:,.0f}".replace(",", "\u202f")


class RssPeak:
    """Polls this process's RSS every 0.1 s in a thread; ``peak`` is the largest seen."""

    def __init__(self) -> None:
        self.peak = 0
        self.peak_anon = 0  # RSS minus its file-backed/shared part (mmap'd index files)
        self.samples = 0
        self._stop = threading.Event()
        self._proc = psutil.Process()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(POLL_SECONDS)

    def _sample(self) -> None:
        with contextlib.suppress(psutil.Error):
            info = self._proc.memory_info()
            self.peak = max(self.peak, info.rss)
            self.peak_anon = max(self.peak_anon, info.rss - getattr(info, "shared", 0))
            self.samples += 1

    def __enter__(self) -> RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def report(self) -> dict[str, int]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "rss_peak": self.peak,
            "rss_anon_peak": self.peak_anon,
            "rss_samples": self.samples,
            "ru_maxrss": usage.ru_maxrss * 1024,  # KiB on Linux
            "cpu_seconds": usage.ru_utime + usage.ru_stime,  # all threads of this process
        }


def read_pickles(path: Path) -> Iterator[Any]:
    with path.open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


# --------------------------------------------------------------------------- 1. prepare


def _fields_worker(conn: Any, fields_path: str) -> None:
    """Helper process: pickled Articles in, our backend's field values out (to a file)."""
    folded = kept = 0
    with open(fields_path, "wb") as out:  # noqa: PTH123 - a plain binary stream
        while True:
            batch = conn.recv()
            if batch is None:
                break
            for data in batch:
                article: Article = pickle.loads(data)
                values = document(article).to_dict()
                joined = "\n".join((article.title, article.lead, article.body))
                if values.get("fold") == [joined]:  # rebuilt by the reader: halves the file
                    del values["fold"]
                    folded += 1
                else:
                    kept += 1
                pickle.dump(values, out, protocol=pickle.HIGHEST_PROTOCOL)
    conn.send({"fold_rebuilt": folded, "fold_stored": kept})
    conn.close()


def prepare(workdir: Path, n: int, seed: int) -> dict[str, Any]:
    """Generate the corpus into two scratch files (see the module docstring)."""
    articles_path = workdir / "articles.pkl"
    fields_path = workdir / "fields.pkl"
    parent, child = multiprocessing.get_context("fork").Pipe()
    worker = multiprocessing.get_context("fork").Process(
        target=_fields_worker, args=(child, str(fields_path)), daemon=True
    )
    worker.start()
    stats = {"title_words": 0, "lead_words": 0, "body_words": 0, "body_bytes": 0}
    languages: dict[str, int] = {}
    kinds: dict[str, int] = {}
    body_min, body_max = 10**9, 0
    started = time.perf_counter()
    batch: list[bytes] = []
    with articles_path.open("wb") as out:
        for i, article in enumerate(generate_corpus(n, seed), 1):
            data = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
            out.write(data)
            batch.append(data)
            if len(batch) >= 500:
                parent.send(batch)
                batch = []
            stats["title_words"] += len(article.title.split())
            stats["lead_words"] += len(article.lead.split())
            stats["body_words"] += len(article.body.split())
            size = len(article.body.encode("utf-8"))
            stats["body_bytes"] += size
            body_min, body_max = min(body_min, size), max(body_max, size)
            languages[article.language or "-"] = languages.get(article.language or "-", 0) + 1
            for kind in article.kinds or ["-"]:
                kinds[kind] = kinds.get(kind, 0) + 1
            if i % PROGRESS_EVERY == 0:
                rate = i / (time.perf_counter() - started)
                log(f"prepare: {fmt_int(i)}/{fmt_int(n)} articles ({rate:,.0f}/s)")
    if batch:
        parent.send(batch)
    parent.send(None)
    fold_info = parent.recv()
    worker.join()
    seconds = time.perf_counter() - started
    return {
        "docs": n,
        "seconds": seconds,
        "articles_bytes": articles_path.stat().st_size,
        "fields_bytes": fields_path.stat().st_size,
        "avg": {k: v / n for k, v in stats.items()},
        "body_min": body_min,
        "body_max": body_max,
        "languages": languages,
        "kinds": kinds,
        **fold_info,
    }


# --------------------------------------------------------------------------- 2. indexing


def _segments(path: Path) -> int:
    index = tv.Index.open(str(path))
    return int(index.searcher().num_segments)


def phase_bare(workdir: Path, index_dir: Path, commit_every: int, limit_s: float) -> dict:
    """(a) The bare writer: prepared values -> Document.from_dict -> add_document."""
    fields = schema()
    index_dir.mkdir(parents=True)
    index = tv.Index(fields, path=str(index_dir), reuse=False)
    register_analyzers(index)
    writer = index.writer(WRITER_HEAP, 0)
    done = commits = 0
    commit_s = 0.0
    with RssPeak() as rss:
        started = time.perf_counter()
        for values in read_pickles(workdir / "fields.pkl"):
            if "fold" not in values:
                values["fold"] = ["\n".join((*values["title"], *values["lead"], *values["body"]))]
            writer.add_document(tv.Document.from_dict(values, fields))
            done += 1
            if commit_every and done % commit_every == 0:
                t = time.perf_counter()
                writer.commit()
                commit_s += time.perf_counter() - t
                commits += 1
            if done % PROGRESS_EVERY == 0:
                elapsed = time.perf_counter() - started
                log(f"bare (commit every {commit_every or 'end'}): {fmt_int(done)} docs "
                    f"({done / elapsed:,.0f}/s)")  # fmt: skip
                if limit_s and elapsed > limit_s:
                    log("bare: time limit reached; stopping here")
                    break
        added = time.perf_counter()
        writer.commit()
        committed = time.perf_counter()
        commits += 1
        writer.wait_merging_threads()
        finished = time.perf_counter()
    allocated, apparent = du_bytes(index_dir)
    return {
        "docs": done,
        "seconds": finished - started,
        "add_seconds": added - started,
        "commit_seconds": commit_s + committed - added,
        "commits": commits,
        "merge_wait_seconds": finished - committed,
        "du": allocated,
        "apparent": apparent,
        "segments": _segments(index_dir),
        **rss.report(),
    }


def phase_ours(
    workdir: Path, index_dir: Path, batch_size: int, limit_s: float, new: bool = True
) -> dict:
    """(b) Our backend: articles streamed into TantivyBackend.upsert() a batch at a time (as
    indexer.search.sync does), then close(). ``new=False``: each article replaces its id (the
    incremental path)."""
    backend = TantivyBackend(index_dir)
    backend.configure()
    done = 0
    upsert_s = 0.0
    articles = read_pickles(workdir / "articles.pkl")
    with RssPeak() as rss:
        started = time.perf_counter()
        while True:
            t = time.perf_counter()
            written = backend.upsert(itertools.islice(articles, batch_size), new=new)
            upsert_s += time.perf_counter() - t
            if not written:
                break
            before, done = done, done + written
            if done // PROGRESS_EVERY > before // PROGRESS_EVERY:
                elapsed = time.perf_counter() - started
                log(f"ours: {fmt_int(done)} docs ({done / elapsed:,.0f}/s)")
                if limit_s and elapsed > limit_s:
                    log("ours: time limit reached; stopping here")
                    break
        added = time.perf_counter()
        backend.close()
        finished = time.perf_counter()
    stats = TantivyBackend(index_dir).stats()
    allocated, apparent = du_bytes(index_dir)
    return {
        "docs": done,
        "seconds": finished - started,
        "add_seconds": added - started,
        "upsert_seconds": upsert_s,
        "merge_wait_seconds": finished - added,
        "du": allocated,
        "apparent": apparent,
        "segments": stats.segments,
        "documents": stats.documents,
        **rss.report(),
    }


def phase_read(workdir: Path) -> dict:
    """Reference: reading (unpickling) each scratch file, with nothing else."""
    out = {}
    for name in ("articles", "fields"):
        started = time.perf_counter()
        count = sum(1 for _ in read_pickles(workdir / f"{name}.pkl"))
        out[name] = {"docs": count, "seconds": time.perf_counter() - started}
    return out


def phase_build(workdir: Path, sample: int) -> dict:
    """Reference: our document building (``document``) alone, on the first ``sample``."""
    articles = []
    for article in read_pickles(workdir / "articles.pkl"):
        articles.append(article)
        if len(articles) >= sample:
            break
    started = time.perf_counter()
    for article in articles:
        document(article)
    return {"docs": len(articles), "seconds": time.perf_counter() - started}


def phase_profile(workdir: Path, index_dir: Path, sample: int, batch_size: int) -> dict:
    """cProfile of (b) on the first ``sample`` articles, into a fresh index."""
    articles = []
    for article in read_pickles(workdir / "articles.pkl"):
        articles.append(article)
        if len(articles) >= sample:
            break
    backend = TantivyBackend(index_dir)
    backend.configure()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(0, len(articles), batch_size):
        backend.upsert(articles[i : i + batch_size], new=True)
    backend.close()
    profiler.disable()
    seconds = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    return {"docs": len(articles), "seconds": seconds, "lines": profile_lines(stats, seconds)}


def _where(filename: str, line: int, func: str) -> str:
    if filename == "~":
        return func
    path = Path(filename)
    with contextlib.suppress(ValueError):
        return f"{path.relative_to(ROOT)}:{line} {func}"
    if "site-packages" in path.parts:
        tail = path.parts[path.parts.index("site-packages") + 1 :]
        return f"{'/'.join(tail)}:{line} {func}"
    return f"{path.name}:{line} {func}"


def profile_lines(
    stats: pstats.Stats, seconds: float, top: int = 10, ours_prefix: str = "indexer/"
) -> list[str]:
    entries = stats.stats  # type: ignore[attr-defined]
    rows = [(_where(*key), cc, nc, tt, ct) for key, (cc, nc, tt, ct, _callers) in entries.items()]
    lines = ["by self time (all code):                              self s  share   calls"]
    for where, _cc, nc, tt, _ct in sorted(rows, key=lambda r: -r[3])[:top]:
        lines.append(f"  {where[:50]:<50} {tt:7.2f} {100 * tt / seconds:5.1f}% {nc:>7}")
    lines.append("our code by cumulative time:                           cum s  share   calls")
    ours = [r for r in rows if r[0].startswith(ours_prefix)]
    for where, _cc, nc, _tt, ct in sorted(ours, key=lambda r: -r[4])[:top]:
        lines.append(f"  {where[:50]:<50} {ct:7.2f} {100 * ct / seconds:5.1f}% {nc:>7}")
    return lines


# --------------------------------------------------------------------------- 3. search


def phase_search(index_dir: Path, passes: int) -> dict:
    """The query mix against the index from (b): warm-up, then ``passes`` passes."""
    with RssPeak() as rss:
        started = time.perf_counter()
        backend = TantivyBackend(index_dir)
        documents = backend.stats().documents
        open_ms = (time.perf_counter() - started) * 1000
        on = [Query(text=text, **kwargs) for text, kwargs in QUERY_MIX]
        off = [Query(text=text, facets=(), **kwargs) for text, kwargs in QUERY_MIX]
        t = time.perf_counter()
        totals = [backend.search(on[0]).total]
        first_ms = (time.perf_counter() - t) * 1000
        totals += [backend.search(q).total for q in on[1:]]  # the warm-up pass
        for q in off:
            backend.search(q)
        latency: dict[str, list[list[float]]] = {
            "on": [[] for _ in on],
            "off": [[] for _ in on],
        }
        for p in range(passes):
            modes = [("on", on), ("off", off)]
            for mode, queries in modes if p % 2 == 0 else reversed(modes):
                for i, query in enumerate(queries):
                    t = time.perf_counter()
                    backend.search(query)
                    latency[mode][i].append((time.perf_counter() - t) * 1000)
        engine = _engine_only(backend, on, passes)
        profiler = cProfile.Profile()
        t = time.perf_counter()
        profiler.enable()
        for query in on:
            backend.search(query)
        profiler.disable()
        profiled_s = time.perf_counter() - t
        backend.close()
    return {
        "engine": engine,
        "profile": profile_lines(pstats.Stats(profiler), profiled_s, ours_prefix="indexer/"),
        "profile_seconds": profiled_s,
        "documents": documents,
        "open_ms": open_ms,
        "first_query_ms": first_ms,
        "totals": totals,
        "latency": latency,
        **rss.report(),
    }


def _engine_only(backend: TantivyBackend, queries: list[Query], passes: int) -> list[float]:
    """Reference: the same queries through the engine alone: our query plan, then
    the ranking with its count and the recency factor, as ``search()`` runs it, but no
    stored documents, snippets or facets (the backend's modules; empty if they changed)."""
    try:
        from indexer.search.backends.tantivy.plan import Plan
        from indexer.search.backends.tantivy.ranking import page_of

        fields = schema()
        samples: list[float] = []
        for _ in range(passes):
            for query in queries:
                t = time.perf_counter()
                searcher = backend.searcher()
                plan = Plan.build(fields, query, searcher, backend.completion_table())
                page_of(
                    searcher,
                    plan.query,
                    plan.sort,
                    scored=plan.scored,
                    limit=query.limit,
                    offset=query.offset,
                )
                samples.append((time.perf_counter() - t) * 1000)
        return samples
    except (ImportError, AttributeError, TypeError) as exc:
        log(f"engine-only reference skipped: {exc!r}")
        return []


def latency_rows(result: dict) -> list[dict[str, Any]]:
    filtered = [bool(kwargs) for _text, kwargs in QUERY_MIX]
    rows = []
    for mode, facets in (("on", "default (source, municipality, kind, year)"), ("off", "none")):
        for label, keep in (
            ("all", lambda f: True),
            ("without filters", lambda f: not f),
            ("with filters", lambda f: f),
        ):
            samples = [
                ms
                for i, per_query in enumerate(result["latency"][mode])
                if keep(filtered[i])
                for ms in per_query
            ]
            rows.append({"queries": label, "facets": facets, **summary(samples)})
    return rows


def summary(samples: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50": percentile(samples, 50),
        "p95": percentile(samples, 95),
        "p99": percentile(samples, 99),
        "mean": statistics.fmean(samples) if samples else float("nan"),
        "max": max(samples) if samples else float("nan"),
    }


def kind_rows(result: dict) -> list[dict[str, Any]]:
    rows = []
    for kind in dict.fromkeys(QUERY_KINDS):
        samples = [
            ms
            for i, per_query in enumerate(result["latency"]["on"])
            if QUERY_KINDS[i] == kind
            for ms in per_query
        ]
        hits = [result["totals"][i] for i, k in enumerate(QUERY_KINDS) if k == kind]
        rows.append({"kind": kind, "median_hits": statistics.median(hits), **summary(samples)})
    return rows


def slowest(result: dict, top: int = 6) -> list[tuple[float, str, dict, int]]:
    per_query = [
        (statistics.median(ms), QUERY_MIX[i][0], QUERY_MIX[i][1], result["totals"][i])
        for i, ms in enumerate(result["latency"]["on"])
    ]
    return sorted(per_query, key=lambda r: -r[0])[:top]


# --------------------------------------------------------------------------- 5. the CLI


def build_cli_archive(folder: Path, seed: int) -> dict:
    """A real archive + index of CLI_ARCHIVE_DOCS generated articles (add_version + sync)."""
    from indexer.config import Config
    from indexer.search.sync import sync
    from indexer.store.archive import Archive

    config = Config(data_dir=folder)
    started = time.perf_counter()
    with Archive(config.archive_path) as archive:
        for article in generate_corpus(CLI_ARCHIVE_DOCS, seed):
            archive.add_version(article)
        result = sync(archive, config)
    return {"docs": result.documents, "seconds": time.perf_counter() - started}


def link_big_index(folder: Path, index_dir: Path) -> None:
    """A data folder whose index is the big one from (b); its archive exists but is empty
    (`arkiv search` reads only the index; it opens the archive only to rebuild)."""
    from indexer.store.archive import Archive

    (folder / "index").mkdir(parents=True)
    (folder / "index" / "tantivy").symlink_to(index_dir, target_is_directory=True)
    Archive(folder / "archive.sqlite3").close()


def time_commands(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict:
    """Each command ``runs`` times as a fresh process, interleaved, after one warm-up each."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    first_lines: dict[str, str] = {}
    for round_no in range(runs + 1):
        for name, cmd in commands.items():
            started = time.perf_counter()
            done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(f"{name} failed ({done.returncode}): {done.stderr[-2000:]}")
            if round_no == 0:
                first_lines[name] = (done.stdout.strip().splitlines() or [""])[0]
            else:
                times[name].append(elapsed)
    return {
        name: {
            "median": statistics.median(values),
            "max": max(values),
            "min": min(values),
            "first_line": first_lines[name],
        }
        for name, values in times.items()
    }


def cli_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARKIV_", "MEILI_", "PYTHON"))}
    env["XDG_CONFIG_HOME"] = str(workdir / "no-config")  # no user arkiv.toml
    return env


# --------------------------------------------------------------------------- orchestration


def run_phase(workdir: Path, name: str, **options: Any) -> dict:
    """Run one phase in a fresh Python process; its result comes back as JSON."""
    out = workdir / f"result-{name}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, "-m", "bench.bench_search", "--phase", name]
    cmd += ["--workdir", str(workdir), "--out", str(out), "--options", json.dumps(options)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    result: dict = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return result


def child(args: argparse.Namespace) -> None:
    workdir = Path(args.workdir)
    options = json.loads(args.options)
    phases: dict[str, Callable[..., dict]] = {
        "bare": lambda: phase_bare(
            workdir, Path(options["index"]), options["commit_every"], options["limit_s"]
        ),
        "ours": lambda: phase_ours(
            workdir,
            Path(options["index"]),
            options["batch"],
            options["limit_s"],
            options.get("new", True),
        ),
        "read": lambda: phase_read(workdir),
        "build": lambda: phase_build(workdir, options["sample"]),
        "profile": lambda: phase_profile(
            workdir, Path(options["index"]), options["sample"], options["batch"]
        ),
        "search": lambda: phase_search(Path(options["index"]), options["passes"]),
        "cli_archive": lambda: build_cli_archive(Path(options["folder"]), options["seed"]),
    }
    result = phases[args.phase]()
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")


def code_state() -> str:
    """The commit measured, and which of the measured files differ from it."""
    try:
        head = subprocess.run(
            ["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "indexer", "search_cli"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return "unknown (no git)"
    changed = [line[3:] for line in dirty if line.strip()]
    where = f"; uncommitted changes in {', '.join(changed)}" if changed else ""
    head = head if len(head) <= 60 else head[:59] + "…"
    return f"commit {head}{where}"


def machine_line() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores ({model or platform.processor() or '?'}), {mem:.0f} GiB RAM, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}; "
        f"tantivy {metadata.version('tantivy')}, psutil {metadata.version('psutil')}"
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement, in order; see the module docstring.

    The indexing runs are essential (an error ends the run); a failing later step (the
    references, the profile, the search, the CLI) is recorded in ``report["errors"]`` and the
    rest goes on. With ``--save-report`` the results so far are saved after every step.
    """
    base = Path(args.tmp)
    base.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench_search_", dir=base))
    log(f"scratch folder {workdir}")
    report: dict[str, Any] = {"docs": args.docs, "started": datetime.now().astimezone()}
    report.update(batch=args.batch, passes=args.passes, cli_runs=args.cli_runs, errors={})
    report["argv"] = _reproducible(list(args.argv))
    report["load_start"] = os.getloadavg()
    report["code"] = code_state()
    t0 = time.perf_counter()

    def save() -> None:
        report["seconds"] = time.perf_counter() - t0
        report["load_end"] = os.getloadavg()
        if args.save_report:
            args.save_report.write_bytes(pickle.dumps(report))

    def optional(name: str, step: Callable[[], Any]) -> None:
        try:
            report[name] = step()
        except Exception as exc:  # a broken reference must not cost the whole run
            log(f"{name} failed: {exc!r}")
            report["errors"][name] = repr(exc)[:500]
        save()

    try:
        log(f"prepare: generating {fmt_int(args.docs)} articles (seed {args.seed})")
        report["prepare"] = prepare(workdir, args.docs, args.seed)
        report["vocabulary"] = vocabulary_size()
        log(f"prepare: done in {report['prepare']['seconds']:.0f} s")
        report["read"] = run_phase(workdir, "read")
        limit_s = args.time_limit * 60 if args.time_limit else 0.0
        rounds: dict[str, list[dict]] = {"bare": [], "ours": []}
        report["rounds"] = rounds
        ours_dir = workdir / "ours"
        for round_no in range(args.rounds):
            order = ["bare", "ours"] if round_no % 2 == 0 else ["ours", "bare"]
            for name in order:
                index_dir = workdir / f"{name}-{round_no}"
                log(f"round {round_no + 1}/{args.rounds}: {name}")
                if name == "bare":
                    result = run_phase(
                        workdir, "bare", index=str(index_dir), commit_every=0, limit_s=limit_s
                    )
                else:
                    result = run_phase(
                        workdir, "ours", index=str(index_dir), batch=args.batch, limit_s=limit_s
                    )
                log(f"  {name}: {result['docs'] / result['seconds']:,.0f} docs/s")
                rounds[name].append(result)
                save()
                if name == "ours" and round_no == args.rounds - 1:
                    if ours_dir.exists():
                        shutil.rmtree(ours_dir)
                    index_dir.rename(ours_dir)
                else:
                    shutil.rmtree(index_dir)

        def reference(index_name: str, phase: str, **options: Any) -> dict:
            index_dir = workdir / index_name
            try:
                return run_phase(workdir, phase, index=str(index_dir), limit_s=limit_s, **options)
            finally:
                shutil.rmtree(index_dir, ignore_errors=True)

        if args.extra:
            log(f"reference: bare writer committing every {SYNC_BATCH}")
            optional(
                "bare_commits", lambda: reference("bare-commits", "bare", commit_every=SYNC_BATCH)
            )
            log(f"reference: ours replacing by id in batches of {SYNC_BATCH} (incremental sync)")
            optional(
                "ours_sync_batch",
                lambda: reference("ours-500", "ours", batch=SYNC_BATCH, new=False),
            )
        sample = min(args.profile_docs, args.docs)
        log(f"reference: our document building alone on {fmt_int(sample)} docs")
        optional("build", lambda: run_phase(workdir, "build", sample=sample))
        log(f"profile: upsert of {fmt_int(sample)} docs under cProfile")
        optional(
            "profile",
            lambda: run_phase(
                workdir, "profile", index=str(workdir / "profiled"), sample=sample, batch=args.batch
            ),
        )
        shutil.rmtree(workdir / "profiled", ignore_errors=True)
        for name in ("articles.pkl", "fields.pkl"):  # free the disk before searching
            (workdir / name).unlink()
        log("search: the query mix")
        optional(
            "search", lambda: run_phase(workdir, "search", index=str(ours_dir), passes=args.passes)
        )
        log("CLI: building a 1,000-article archive and timing fresh processes")
        optional(
            "cli_archive",
            lambda: run_phase(
                workdir, "cli_archive", folder=str(workdir / "cli-small"), seed=args.seed + 1
            ),
        )
        optional("cli", lambda: time_cli(workdir, ours_dir, args))
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report["code_end"] = code_state()
    save()
    return report


def time_cli(workdir: Path, ours_dir: Path, args: argparse.Namespace) -> dict:
    link_big_index(workdir / "cli-big", ours_dir)
    python = sys.executable
    search = [python, "-m", "search_cli", "search", "--data"]
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import search_cli.cli'": [python, "-c", "import search_cli.cli"],
        f"arkiv search, the {fmt_int(args.docs)}-article index": [
            *search, str(workdir / "cli-big"), CLI_QUERY, "--limit", "10"
        ],
    }  # fmt: skip
    if (workdir / "cli-small" / "archive.sqlite3").exists():
        commands[f"arkiv search, {fmt_int(CLI_ARCHIVE_DOCS)}-article archive"] = [
            *search, str(workdir / "cli-small"), CLI_QUERY, "--limit", "10"
        ]  # fmt: skip
    return time_commands(commands, args.cli_runs, cli_env(workdir))


# --------------------------------------------------------------------------- the report


def median_of(results: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in results)


def rate(result: dict) -> float:
    return float(result["docs"] / result["seconds"])


def markdown(report: dict, command: str) -> str:
    n = report["docs"]
    prep = report["prepare"]
    vocab = report["vocabulary"]
    bare_runs, ours_runs = report["rounds"]["bare"], report["rounds"]["ours"]
    bare_rate = statistics.median(rate(r) for r in bare_runs)
    ours_rate = statistics.median(rate(r) for r in ours_runs)
    ratio = ours_rate / bare_rate
    per_round = [rate(o) / rate(b) for b, o in zip(bare_runs, ours_runs, strict=True)]
    ok = "meets" if ratio >= TARGET_RATIO else "MISSES"
    ours_last, bare_last = ours_runs[-1], bare_runs[-1]
    lines = [
        f"### {fmt_int(n)} articles",
        "",
        f"- Date: {report['started'].strftime('%Y-%m-%d %H:%M %Z')}; whole run "
        f"{report['seconds'] / 60:.1f} min (load average at start "
        f"{', '.join(f'{x:.2f}' for x in report['load_start'])}, at the end "
        f"{', '.join(f'{x:.2f}' for x in report['load_end'])})",
        f"- Machine: {machine_line()}",
        f"- Code: {report['code']}"
        + (
            f" (it changed during the run; at the end: {report['code_end']})"
            if report.get("code_end", report["code"]) != report["code"]
            else ""
        ),
        f"- Reproduce (repository root, inside `.venv`): `{command}`",
        f"- Corpus: {fmt_int(n)} articles, seed 0; titles {prep['avg']['title_words']:.1f} "
        f"words, leads {prep['avg']['lead_words']:.1f}, bodies {prep['avg']['body_words']:.0f} "
        f"words / {prep['avg']['body_bytes'] / 1000:.1f} kB on average (bodies "
        f"{prep['body_min'] / 1000:.1f}–{prep['body_max'] / 1000:.1f} kB); vocabulary "
        f"{fmt_int(vocab['lemmas'])} lemmas ({fmt_int(vocab['compounds'])} of them compounds), "
        f"{fmt_int(vocab['surface_forms'])} word forms, plus names, places, numbers and "
        f"~1 rare three-part compound per 100 words; languages "
        f"{', '.join(f'{k} {v / n:.1%}' for k, v in sorted(prep['languages'].items()))}; "
        f"kinds {', '.join(f'{k} {v / n:.0%}' for k, v in sorted(prep['kinds'].items()))}. "
        f"Generating it and preparing the bare writer's values took "
        f"{prep['seconds'] / 60:.1f} min (untimed).",
        "",
        f"**Indexing ratio (b)/(a) = {ratio:.2f}** (target ≥ {TARGET_RATIO}: {ok}); "
        f"per round: {', '.join(f'{x:.2f}' for x in per_round)}.",
        "",
        "| indexing | docs | wall s | docs/s | vs (a) | CPU s (all threads) | CPU ms/doc |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| (a) bare writer: `Document.from_dict` + `add_document`, one commit, wait for merges "
        f"| {fmt_int(bare_last['docs'])} | {median_of(bare_runs, 'seconds'):.1f} "
        f"| {fmt_int(bare_rate)} | 1.00 | {median_of(bare_runs, 'cpu_seconds'):.1f} "
        f"| {1000 * median_of(bare_runs, 'cpu_seconds') / bare_last['docs']:.2f} |",
        f"| (b) ours: a fresh `sync()`: `upsert(new=True)` in batches of {report['batch']}, "
        f"`close()` "
        f"| {fmt_int(ours_last['docs'])} | {median_of(ours_runs, 'seconds'):.1f} "
        f"| {fmt_int(ours_rate)} | {ratio:.2f} | {median_of(ours_runs, 'cpu_seconds'):.1f} "
        f"| {1000 * median_of(ours_runs, 'cpu_seconds') / ours_last['docs']:.2f} |",
    ]
    if "bare_commits" in report:
        bc = report["bare_commits"]
        lines.append(
            f"| ref: (a) committing every {SYNC_BATCH} docs | {fmt_int(bc['docs'])} "
            f"| {bc['seconds']:.1f} | {fmt_int(rate(bc))} | {rate(bc) / bare_rate:.2f} "
            f"| {bc['cpu_seconds']:.1f} | {1000 * bc['cpu_seconds'] / bc['docs']:.2f} |"
        )
    if "ours_sync_batch" in report:
        sb = report["ours_sync_batch"]
        lines.append(
            f"| ref: (b) as an incremental sync: batches of {SYNC_BATCH}, each article "
            f"replacing its id | {fmt_int(sb['docs'])} "
            f"| {sb['seconds']:.1f} | {fmt_int(rate(sb))} | {rate(sb) / bare_rate:.2f} "
            f"| {sb['cpu_seconds']:.1f} | {1000 * sb['cpu_seconds'] / sb['docs']:.2f} |"
        )
    if "build" in report:
        build = report["build"]
        lines.append(
            f"| ref: our `document()` alone (no writer), first {fmt_int(build['docs'])} docs "
            f"| {fmt_int(build['docs'])} | {build['seconds']:.1f} | {fmt_int(rate(build))} "
            f"| {rate(build) / bare_rate:.2f} | | |"
        )
    for name, what in (("fields", "(a)'s input"), ("articles", "(b)'s input")):
        r = report["read"][name]
        lines.append(
            f"| ref: reading {what} from the scratch file (unpickle only) | {fmt_int(r['docs'])} "
            f"| {r['seconds']:.1f} | {fmt_int(rate(r))} | {rate(r) / bare_rate:.2f} | | |"
        )
    lines += [
        "",
        f"Where the wall time goes (last round). (b): inside `upsert()` (which reads its "
        f"input as it goes) {ours_last['upsert_seconds']:.1f} s, the final `close()` "
        f"waiting for merges {ours_last['merge_wait_seconds']:.1f} s. (a): the `add_document` "
        f"loop {bare_last['add_seconds']:.1f} s (it only queues documents for the writer "
        f"threads), the final commit, which waits for them, {bare_last['commit_seconds']:.1f} s,"
        f" merges {bare_last['merge_wait_seconds']:.1f} s.",
        "",
        "| index and memory | (a) bare | (b) ours |",
        "|---|---:|---:|",
        f"| index on disk (du) | {mib(bare_last['du'])} | {mib(ours_last['du'])} |",
        f"| bytes per article | {fmt_int(bare_last['du'] / bare_last['docs'])} "
        f"| {fmt_int(ours_last['du'] / ours_last['docs'])} |",
        f"| segments at the end | {bare_last['segments']} | {ours_last['segments']} |",
        f"| peak RSS of the indexing process (psutil, 0.1 s) | {mib(bare_last['rss_peak'])} "
        f"| {mib(ours_last['rss_peak'])} |",
        f"| of which not file-backed (RSS − shared; the rest is mmap'd index files) "
        f"| {_anon(bare_last)} | {_anon(ours_last)} |",
        f"| ru_maxrss of the indexing process | {mib(bare_last['ru_maxrss'])} "
        f"| {mib(ours_last['ru_maxrss'])} |",
    ]
    if "search" in report:
        lines += _md_search(report)
    if "cli" in report:
        lines += _md_cli(report)
    if "search" in report:
        search = report["search"]
        lines += [
            "",
            f"cProfile of one pass of the mix through `search()` (default facets; "
            f"{search['profile_seconds']:.1f} s under the profiler):",
            "",
            "```",
            *search["profile"],
            "```",
        ]
    if "profile" in report:
        prof = report["profile"]
        lines += [
            "",
            f"cProfile of (b), {fmt_int(prof['docs'])} docs in batches of {report['batch']} "
            f"({prof['seconds']:.1f} s under the profiler):",
            "",
            "```",
            *prof["lines"],
            "```",
        ]
    for name, error in report.get("errors", {}).items():
        lines.append(f"\nNot measured: {name} failed with `{error}`.")
    return "\n".join(lines)


def _md_search(report: dict) -> list[str]:
    n = report["docs"]
    lines: list[str] = []
    search = report["search"]
    rows = latency_rows(search)
    p95_all = rows[0]["p95"]
    target = (
        f"target p95 < {TARGET_P95_MS:.0f} ms at 1M: "
        f"{'meets' if p95_all < TARGET_P95_MS else 'MISSES'}"
        if n >= 1_000_000
        else f"the target, p95 < {TARGET_P95_MS:.0f} ms, is for 1M articles"
    )
    zero = sum(1 for t in search["totals"] if t == 0)
    lines += [
        "",
        f"**Search latency** (`TantivyBackend.search()`, {len(QUERY_MIX)} queries, limit 20 "
        f"with snippets, {report['passes']} passes after one warm-up; {target}). Opening the "
        f"index {search['open_ms']:.0f} ms, first query {search['first_query_ms']:.0f} ms; "
        f"peak RSS of the search process {mib(search['rss_peak'])} (not file-backed: "
        f"{_anon(search)}; ru_maxrss {mib(search['ru_maxrss'])}; Tantivy reads the index "
        f"through mmap, so touched index pages count in RSS). Matches per query: median "
        f"{fmt_int(statistics.median(search['totals']))}, {zero} of {len(QUERY_MIX)} with none.",
        "",
        "| queries | facets | samples | p50 ms | p95 ms | p99 ms | mean ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    if search.get("engine"):
        rows.append(
            {
                "queries": "ref: all, engine only (query plan + `searcher.search` with count)",
                "facets": "none, no documents or snippets",
                **summary(search["engine"]),
            }
        )
    for row in rows:
        lines.append(
            f"| {row['queries']} | {row['facets']} | {row['n']} | {row['p50']:.1f} "
            f"| {row['p95']:.1f} | {row['p99']:.1f} | {row['mean']:.1f} | {row['max']:.1f} |"
        )
    lines += [
        "",
        "| query kind (default facets) | queries | median matches | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in kind_rows(search):
        lines.append(
            f"| {row['kind']} | {row['n'] // report['passes']} | {fmt_int(row['median_hits'])} "
            f"| {row['p50']:.1f} | {row['p95']:.1f} | {row['max']:.1f} |"
        )
    lines += ["", "Slowest queries (median of the passes, default facets):", ""]
    for ms, text, kwargs, total in slowest(search):
        filters = ", ".join(f"{k}={_short(v)}" for k, v in kwargs.items()) or "no filters"
        lines.append(f"- {ms:.1f} ms: `{text}` ({filters}; {fmt_int(total)} matches)")
    return lines


def _md_cli(report: dict) -> list[str]:
    cli = report["cli"]
    arkiv = [name for name in cli if name.startswith("arkiv")]
    worst = max(cli[name]["median"] for name in arkiv)
    built = report.get("cli_archive")
    small = (
        f"The {fmt_int(CLI_ARCHIVE_DOCS)}-article archive was built through "
        f"`Archive.add_version` and `sync` in {built['seconds']:.1f} s ({built['docs']} "
        f"articles indexed); "
        if built
        else ""
    )
    lines = [
        "",
        f"**Fresh-process `arkiv search`** (`python -m search_cli search --data DIR "
        f"{CLI_QUERY} --limit 10`, {report['cli_runs']} runs each, interleaved, after one "
        f"warm-up; target < {TARGET_CLI_S} s: {'meets' if worst < TARGET_CLI_S else 'MISSES'}). "
        f"{small}the big one is the index from (b) with an empty archive next to it (search "
        f"reads only the index).",
        "",
        "| command (fresh process) | median s | min s | max s |",
        "|---|---:|---:|---:|",
    ]
    for name, r in cli.items():
        lines.append(f"| {name} | {r['median']:.3f} | {r['min']:.3f} | {r['max']:.3f} |")
    for name in arkiv:
        lines.append(f"\n`{name}` printed: `{cli[name]['first_line']}`")
    return lines


def _anon(result: dict) -> str:
    return mib(result["rss_anon_peak"]) if "rss_anon_peak" in result else "not measured"


def _short(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "/".join(str(v) for v in value)
    return str(value)


INTRO = """\
`python -m bench.bench_search --docs N` indexes a synthetic Swedish-like corpus
(`bench/_corpus.py`: real stems with their inflections, compounds, Zipf-distributed words,
names, real municipalities, ~30 sources, 2021–2025) twice on the same prepared documents, in
fresh processes: (a) a bare Tantivy writer with our schema and analyzers, adding the exact
field values our backend builds, one commit; (b) what `arkiv index --rebuild` (or a first
sync) does: the articles streamed into `TantivyBackend.upsert(new=True)`, 25,000 per commit,
no per-document delete (a reference row shows the incremental path of a nightly sync: 500 per
commit, each article replacing its id). Then it runs a fixed mix of 200 searches
(`QUERY_MIX`: 1–4 words, inflected, compounds, typos, phrases, a trailing prefix, names; about
half with filters) against (b)'s index, and times `arkiv search` as a fresh process. Targets:
(b)/(a) ≥ 0.7, p95 < 20 ms at 1M articles, a fresh `arkiv search` < 0.5 s. One table per
corpus size."""


def write_docs(report: dict, command: str, path: Path = DOCS) -> None:
    """Replace this size's block inside our section; keep the other sizes and sections."""
    start, end = f"<!-- {MARKER}:start -->", f"<!-- {MARKER}:end -->"
    block_start = f"<!-- {MARKER}:docs={report['docs']}:start -->"
    block_end = f"<!-- {MARKER}:docs={report['docs']}:end -->"
    block = f"{block_start}\n{markdown(report, command)}\n{block_end}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start not in text or end not in text:
        text = text.rstrip("\n") + ("\n\n" if text else "") + f"## Search\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    inner, tail = rest.split(end, 1)
    pattern = re.compile(
        rf"<!-- {MARKER}:docs=(\d+):start -->.*?<!-- {MARKER}:docs=\1:end -->", re.S
    )
    blocks = {int(m.group(1)): m.group(0) for m in pattern.finditer(inner)}
    blocks[report["docs"]] = block
    new_inner = "\n\n".join([INTRO, *(blocks[k] for k in sorted(blocks))])
    text = f"{head}{start}\n{new_inner}\n{end}{tail}"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".bench_search.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def print_summary(report: dict) -> None:
    bare = statistics.median(rate(r) for r in report["rounds"]["bare"])
    ours = statistics.median(rate(r) for r in report["rounds"]["ours"])
    print(f"docs {fmt_int(report['docs'])}: indexing bare {bare:,.0f}/s, ours {ours:,.0f}/s, "
          f"ratio {ours / bare:.2f} (target >= {TARGET_RATIO})")  # fmt: skip
    last = report["rounds"]["ours"][-1]
    print(f"  index {mib(last['du'])}; peak RSS indexing {mib(last['rss_peak'])}")
    if "search" in report:
        for row in latency_rows(report["search"]):
            print(f"  search {row['queries']:<16} facets {row['facets'][:7]:<7}: "
                  f"p50 {row['p50']:.1f} p95 {row['p95']:.1f} p99 {row['p99']:.1f} "
                  f"mean {row['mean']:.1f} ms")  # fmt: skip
        print(f"  peak RSS search {mib(report['search']['rss_peak'])}")
    for name, r in report.get("cli", {}).items():
        print(f"  {name}: median {r['median']:.3f} s, max {r['max']:.3f} s")
    for name, error in report.get("errors", {}).items():
        print(f"  {name} FAILED: {error}")


def _reproducible(argv: list[str]) -> list[str]:
    """The command line without the options that only say where output goes."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--save-report", "--docs-file", "--tmp"):
            skip = True
            continue
        if not arg.startswith(("--save-report=", "--docs-file=", "--tmp=")):
            out.append(arg)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=2, help="(a)/(b) rounds, order alternating")
    parser.add_argument(
        "--batch", type=int, default=FRESH_BATCH_SIZE, help="(b)'s upsert batch size"
    )
    parser.add_argument("--passes", type=int, default=3, help="timed passes over QUERY_MIX")
    parser.add_argument("--cli-runs", type=int, default=10)
    parser.add_argument("--profile-docs", type=int, default=5000)
    parser.add_argument(
        "--no-extra",
        dest="extra",
        action="store_false",
        help="skip the reference run of the bare writer committing every batch",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=0.0,
        help="minutes; stop an indexing run there and report what it did",
    )
    parser.add_argument("--tmp", default="/tmp", help="where the scratch folder goes")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--write-docs", action="store_true", help=f"update {DOCS.name}")
    parser.add_argument("--docs-file", type=Path, default=DOCS, help=argparse.SUPPRESS)
    parser.add_argument("--save-report", type=Path, help="also save the raw results here")
    parser.add_argument("--from-report", type=Path, help="render saved results; measure nothing")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--options", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        child(args)
        return 0
    if args.from_report:  # render a saved run again (no measuring)
        report = pickle.loads(args.from_report.read_bytes())
    else:
        args.argv = list(sys.argv[1:] if argv is None else argv)
        report = run(args)
    print_summary(report)
    command = " ".join(["python -m bench.bench_search", *report["argv"]])
    if args.write_docs:
        write_docs(report, command, args.docs_file)
        print(f"wrote the {fmt_int(report['docs'])}-article table to {args.docs_file}")
    else:
        print()
        print(markdown(report, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
