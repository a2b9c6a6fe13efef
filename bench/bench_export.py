"""Export benchmark: `arkiv export` rows/s and peak memory at 100,000 and 1,000,000 rows.

Issue #6: "bench/ reports export rows/s and peak memory for 100 000 and 1 000 000 rows per
format; memory must stay flat as rows grow."

For each size in ``--rows`` (default 100000,1000000):

1. Build (untimed for the export figures, cached under ``--work``) a real archive and a real
   Tantivy index of N synthetic Swedish-like articles (``bench._corpus.generate_corpus``,
   3-5 kB bodies): a helper process generates the articles, this process writes every one
   through ``Archive.add_version`` (the crawler's own write path, one transaction per
   article), then ``indexer.search.sync.sync(archive, config)`` builds the index. The cache is
   reused only if its archive still has the current schema, N articles, and an index in step
   (a repeated sync finds nothing to do).
2. Read every file of the data folder once (untimed), so every run below starts from a warm
   page cache.
3. Baseline, in a fresh process: ``SELECT * FROM versions`` streamed from SQLite (rows
   fetched into Python, nothing written). Reference, in a fresh process: the project's own
   read path without writing (``Archive.iter_articles()`` and ``Article.to_dict()``).
4. For each format (csv, jsonl, parquet): ``python -m search_cli export "" --data DIR
   --format F -o OUT --force`` as a fresh process, exactly what a researcher runs (it also
   checks the index is in step, writes the manifest and hashes the file). Wall time,
   rows/s, time as a multiple of the baseline's, peak memory polled every 0.1 s (RSS and
   its anonymous part with psutil; the kernel's high-water mark VmHWM from /proc), output
   size. The file is deleted after.
5. Flat memory: peak RSS, and peak anonymous RSS, at the largest size divided by the same at
   the smallest, per format; "flat" means under 1.5x. Anonymous memory is the process's own
   (Python objects, Arrow buffers); the rest of RSS is file-backed pages: the archive, which
   the export reads through SQLite's memory map, and the memory-mapped Tantivy index, which
   the kernel can take back.

``--profile`` also runs each format's export of the smallest size under cProfile and prints
the top functions of our code. Scratch data lives in ``--work DIR`` (kept), or else in a
temporary folder under /tmp that is removed at the end unless ``--keep``.

Usage: python -m bench.bench_export [--rows 100000,1000000] [--work DIR] [--keep]
                                    [--repeat 1] [--profile] [--write-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import pstats
import queue
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench._corpus import generate_corpus
from bench._pages import command_line, median, profile_lines, run_header, write_docs_section
from indexer.config import Config
from indexer.search.sync import sync
from indexer.store.archive import Archive

ROOT = Path(__file__).resolve().parents[1]
MARKER = "bench_export"
FORMATS = ("csv", "jsonl", "parquet")
DEFAULT_ROWS = (100_000, 1_000_000)
FLAT_LIMIT = 1.5
POLL_SECONDS = 0.1
GEN_BATCH = 1000  # articles per message from the generator process
PROGRESS_EVERY = 50_000
# Disk per article, measured on this corpus: archive ~6.2 kB, index ~5.3 kB, the largest
# export file (jsonl) ~5.7 kB; with room for the WAL and Tantivy's merges.
BUILD_BYTES_PER_ROW = 22_000
EXPORT_BYTES_PER_ROW = 7_000
DISK_MARGIN = 2 * 2**30

BASELINE_CODE = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cursor = db.execute("SELECT * FROM versions")
rows = 0
while True:
    chunk = cursor.fetchmany(1000)
    if not chunk:
        break
    rows += len(chunk)
print(rows)
"""

REFERENCE_CODE = """
import sys
from pathlib import Path
from indexer.store.archive import Archive
rows = 0
with Archive(Path(sys.argv[1])) as archive:
    for article in archive.iter_articles():
        article.to_dict()
        rows += 1
print(rows)
"""


# --------------------------------------------------------------------------- small helpers


def log(message: str) -> None:
    print(f"[bench_export {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f}"


def folder_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


def warm_cache(path: Path) -> float:
    """Read every file under ``path`` once; returns the seconds it took."""
    start = time.perf_counter()
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError), (Path(root) / name).open("rb") as fh:
                while fh.read(8 << 20):
                    pass
    return time.perf_counter() - start


def clean_env(work: Path) -> dict[str, str]:
    """The environment for the export processes: no ARKIV_*/MEILI_* settings and no
    arkiv.toml from the user's config folder, so every run sees the same defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARKIV_", "MEILI_"))}
    empty = work / "xdg-config"
    empty.mkdir(exist_ok=True)
    env["XDG_CONFIG_HOME"] = str(empty)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """One fresh process: wall time, peak memory (polled every 0.1 s), what it printed."""

    wall: float
    rss: int  # largest RSS seen (psutil): what top shows
    anon: int  # largest anonymous RSS seen (RSS less file-backed and shared pages)
    hwm: int  # the kernel's RSS high-water mark (VmHWM), last read before the process ended
    stdout: str


def _vm_hwm(pid: int) -> int:
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def run_measured(cmd: Sequence[str], env: dict[str, str], log_dir: Path, name: str) -> Run:
    """Run ``cmd`` from the repository root, polling its memory every 0.1 s: RSS and its
    anonymous part with psutil, and the kernel's high-water mark VmHWM from /proc (exact
    up to the last 0.1 s; ``wait4``'s ru_maxrss would not do: after a fork it starts at
    the parent's RSS), each summed over the process and its children (an export's helper
    process). Raises on failure."""
    out_path, err_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
    peak = {"rss": 0, "anon": 0, "hwm": 0}
    stop = threading.Event()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err)

        def poll() -> None:
            try:
                handle = psutil.Process(proc.pid)
                while not stop.is_set():
                    info = handle.memory_info()
                    if not info.rss:  # a zombie: it has ended
                        return
                    rss, anon, hwm = info.rss, info.rss - info.shared, _vm_hwm(proc.pid)
                    # an export's helper process counts too
                    for child in handle.children(recursive=True):
                        with contextlib.suppress(psutil.Error, OSError):
                            child_info = child.memory_info()
                            rss += child_info.rss
                            anon += child_info.rss - child_info.shared
                            hwm += _vm_hwm(child.pid)
                    peak["rss"] = max(peak["rss"], rss)
                    peak["anon"] = max(peak["anon"], anon)
                    peak["hwm"] = max(peak["hwm"], hwm)
                    stop.wait(POLL_SECONDS)
            except (psutil.Error, OSError):
                return

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        proc.wait()
        wall = time.perf_counter() - start
        stop.set()
        poller.join()
    if proc.returncode != 0:
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{tail}")
    stdout = out_path.read_text(encoding="utf-8")
    return Run(wall, peak["rss"], peak["anon"], peak["hwm"], stdout)


@dataclass
class Row:
    """One line of the results table (an export, the baseline or the reference)."""

    rows: int
    what: str
    walls: list[float] = field(default_factory=list)
    rss: int = 0
    anon: int = 0
    hwm: int = 0
    file_bytes: int = 0
    baseline_wall: float = float("nan")

    def add(self, run: Run) -> None:
        self.walls.append(run.wall)
        self.rss = max(self.rss, run.rss)
        self.anon = max(self.anon, run.anon)
        self.hwm = max(self.hwm, run.hwm)

    @property
    def wall(self) -> float:
        return median(self.walls)

    @property
    def rate(self) -> float:
        return self.rows / self.wall

    @property
    def ratio(self) -> float:
        return self.wall / self.baseline_wall


# --------------------------------------------------------------------------- building


def _produce(n: int, seed: int, out: Any) -> None:
    """Generator process: the corpus in batches of GEN_BATCH articles, then None."""
    batch = []
    for article in generate_corpus(n, seed):
        batch.append(article)
        if len(batch) >= GEN_BATCH:
            out.put(batch)
            batch = []
    if batch:
        out.put(batch)
    out.put(None)


def current_columns(work: Path) -> list[str]:
    """The versions table's columns as this checkout's Archive creates them."""
    probe = work / "schema-probe.sqlite3"
    for leftover in work.glob("schema-probe.sqlite3*"):
        leftover.unlink()
    Archive(probe).close()
    try:
        return table_columns(probe)
    finally:
        for leftover in work.glob("schema-probe.sqlite3*"):
            leftover.unlink()


def table_columns(db_path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        return [row[1] for row in db.execute("PRAGMA table_info(versions)")]


def cached(data_dir: Path, n: int, seed: int, columns: list[str]) -> dict[str, Any] | None:
    """The build record of a usable cached archive + index of ``n`` articles, or None."""
    marker = data_dir / "built.json"
    if not marker.exists():
        return None
    try:
        built = json.loads(marker.read_text(encoding="utf-8"))
        config = Config(data_dir=data_dir)
        if built["rows"] != n or built["seed"] != seed:
            return None
        if table_columns(config.archive_path) != columns:
            log(f"cached archive for {n:,} rows has an older schema: rebuilding")
            return None
        with Archive(config.archive_path) as archive:
            if archive.totals()["articles"] != n:
                return None
            result = sync(archive, config)
        if result.upserted or result.rebuilt or result.documents != n:
            log(f"cached index for {n:,} rows was not in step: rebuilding")
            return None
    except Exception as exc:  # any damage means: build it again
        log(f"cached data for {n:,} rows unusable ({exc}): rebuilding")
        return None
    return dict(built)


def check_disk(path: Path, need: int, what: str) -> bool:
    free = shutil.disk_usage(path).free
    if free < need + DISK_MARGIN:
        log(
            f"not enough disk for {what}: {free / 1e9:.1f} GB free under {path},"
            f" about {(need + DISK_MARGIN) / 1e9:.1f} GB needed"
        )
        return False
    return True


def build(data_dir: Path, n: int, seed: int) -> dict[str, Any]:
    """Archive (through Archive.add_version) and Tantivy index (through sync) of ``n``
    generated articles; returns the build record, also saved as ``built.json``."""
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    config = Config(data_dir=data_dir)
    ctx = multiprocessing.get_context("spawn")
    articles: Any = ctx.Queue(maxsize=8)
    producer = ctx.Process(target=_produce, args=(n, seed, articles), daemon=True)
    start = time.perf_counter()
    producer.start()
    written = 0
    outcomes: dict[str, int] = {}
    with Archive(config.archive_path) as archive:
        while True:
            try:
                batch = articles.get(timeout=5)
            except queue.Empty:
                if not producer.is_alive():
                    raise RuntimeError("the article generator process died") from None
                continue
            if batch is None:
                break
            for article in batch:
                outcome = archive.add_version(article)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            before, written = written, written + len(batch)
            if written // PROGRESS_EVERY != before // PROGRESS_EVERY:
                rate = written / (time.perf_counter() - start)
                log(f"  archive: {written:,}/{n:,} articles ({rate:,.0f}/s)")
        producer.join()
        write_s = time.perf_counter() - start
        if outcomes.get("new", 0) != n:
            raise RuntimeError(f"expected {n} new articles, the archive said {outcomes}")

        def progress(done: int, total: int) -> None:
            if done // PROGRESS_EVERY != (done - 1) // PROGRESS_EVERY or done == total:
                log(f"  index: {done:,}/{total:,} changes")

        start = time.perf_counter()
        result = sync(archive, config, progress=progress)
        sync_s = time.perf_counter() - start
        if result.documents != n:
            raise RuntimeError(f"index has {result.documents} documents, expected {n}")
        # A look at what was stored: a sample read back through the archive's own reader.
        for sample, article in enumerate(archive.iter_articles(), 1):
            if not (article.body and article.title and article.published and article.version):
                raise RuntimeError(f"article {article.id} read back incomplete")
            if sample == 1000:
                break
    body_bytes = folder_bytes(data_dir)
    built = {
        "rows": n,
        "seed": seed,
        "write_s": round(write_s, 1),
        "sync_s": round(sync_s, 1),
        "archive_bytes": config.archive_path.stat().st_size,
        "data_bytes": body_bytes,
        "built": time.strftime("%Y-%m-%d %H:%M"),
    }
    (data_dir / "built.json").write_text(json.dumps(built, indent=2), encoding="utf-8")
    return built


# --------------------------------------------------------------------------- exporting


def export_cmd(data_dir: Path, fmt: str, out: Path) -> list[str]:
    return [
        *("-m", "search_cli", "export", "", "--data", str(data_dir)),
        *("--format", fmt, "-o", str(out), "--force"),
    ]


def remove_output(out: Path) -> None:
    for path in (out, out.with_name(out.name + ".manifest.json")):
        path.unlink(missing_ok=True)


def measure_size(data_dir: Path, n: int, work: Path, env: dict[str, str], repeat: int) -> list[Row]:
    """Baseline, reference and the three exports of one prepared data folder."""
    config = Config(data_dir=data_dir)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    seconds = warm_cache(data_dir)
    log(f"{n:,} rows: page cache warmed ({seconds:.0f} s)")
    baseline = Row(n, "SQLite read (baseline)")
    reference = Row(n, "archive read (reference)")
    exports = {fmt: Row(n, fmt) for fmt in FORMATS}
    out_dir = work / "out"
    out_dir.mkdir(exist_ok=True)
    for round_no in range(repeat):
        run = run_measured(
            [sys.executable, "-c", BASELINE_CODE, str(config.archive_path)],
            env,
            logs,
            f"baseline-{n}",
        )
        if int(run.stdout) != n:
            raise RuntimeError(f"baseline read {run.stdout.strip()} rows, expected {n}")
        baseline.add(run)
        log(f"{n:,} rows: baseline {run.wall:.1f} s")
        run = run_measured(
            [sys.executable, "-c", REFERENCE_CODE, str(config.archive_path)],
            env,
            logs,
            f"reference-{n}",
        )
        if int(run.stdout) != n:
            raise RuntimeError(f"reference read {run.stdout.strip()} rows, expected {n}")
        reference.add(run)
        log(f"{n:,} rows: reference {run.wall:.1f} s")
        order = FORMATS if round_no % 2 == 0 else tuple(reversed(FORMATS))
        for fmt in order:
            out = out_dir / f"export-{n}.{fmt}"
            need = n * EXPORT_BYTES_PER_ROW
            if not check_disk(out_dir, need, f"the {fmt} export of {n:,} rows"):
                raise RuntimeError("out of disk space for the export file")
            run = run_measured(
                [sys.executable, *export_cmd(data_dir, fmt, out)], env, logs, f"export-{n}-{fmt}"
            )
            manifest = json.loads(
                out.with_name(out.name + ".manifest.json").read_text(encoding="utf-8")
            )
            if manifest["rows"] != n:
                raise RuntimeError(f"{fmt} export wrote {manifest['rows']} rows, expected {n}")
            row = exports[fmt]
            row.add(run)
            row.file_bytes = out.stat().st_size
            remove_output(out)
            log(
                f"{n:,} rows: {fmt} {run.wall:.1f} s, {n / run.wall:,.0f} rows/s,"
                f" peak RSS {mb(run.rss)} MB (anonymous {mb(run.anon)} MB, VmHWM"
                f" {mb(run.hwm)} MB),"
                f" file {mb(row.file_bytes)} MB"
            )
    rows = [baseline, reference, *exports.values()]
    for row in rows:
        row.baseline_wall = baseline.wall
    return rows


def profile_exports(data_dir: Path, n: int, work: Path, env: dict[str, str]) -> list[str]:
    """Each format's export of ``data_dir`` under cProfile; the top lines of our code."""
    lines: list[str] = []
    out_dir = work / "out"
    out_dir.mkdir(exist_ok=True)
    for fmt in FORMATS:
        out = out_dir / f"profile-{n}.{fmt}"
        prof = work / f"export-{n}-{fmt}.prof"
        cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), *export_cmd(data_dir, fmt, out)]
        run = run_measured(cmd, env, work / "logs", f"profile-{n}-{fmt}")
        remove_output(out)
        stats = pstats.Stats(str(prof))
        title = f"cProfile of `arkiv export --format {fmt}`, {n:,} rows (wall {run.wall:.0f} s)"
        lines += profile_lines(stats, title, top=10)
        lines.append("")
    return lines


# --------------------------------------------------------------------------- report


def table(rows: list[Row]) -> list[str]:
    out = [
        "| rows | what | wall s | rows/s | × baseline time | peak RSS MB | peak anonymous MB |"
        " VmHWM MB | file MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        file_mb = mb(row.file_bytes) if row.file_bytes else "–"
        out.append(
            f"| {row.rows:,} | {row.what} | {row.wall:.1f} | {row.rate:,.0f} |"
            f" {row.ratio:.1f} | {mb(row.rss)} | {mb(row.anon)} | {mb(row.hwm)} | {file_mb} |"
        )
    return out


def flatness(results: dict[int, list[Row]]) -> tuple[list[str], list[str]]:
    """The peak-memory table (largest size over smallest, per format) and a verdict."""
    sizes = sorted(results)
    if len(sizes) < 2:
        return [], ["Only one size was run, so memory flatness was not checked."]
    small, large = sizes[0], sizes[-1]
    by = {n: {r.what: r for r in results[n]} for n in (small, large)}
    out = [
        f"| format | peak RSS MB {small:,} → {large:,} | ratio |"
        f" peak anonymous MB {small:,} → {large:,} | ratio | flat (both < {FLAT_LIMIT}×) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    rss_ratios: dict[str, float] = {}
    anon_ratios: dict[str, float] = {}
    for fmt in FORMATS:
        a, b = by[small][fmt], by[large][fmt]
        rss_ratios[fmt], anon_ratios[fmt] = b.rss / a.rss, b.anon / a.anon
        flat = max(rss_ratios[fmt], anon_ratios[fmt]) < FLAT_LIMIT
        out.append(
            f"| {fmt} | {mb(a.rss)} → {mb(b.rss)} | {rss_ratios[fmt]:.2f} |"
            f" {mb(a.anon)} → {mb(b.anon)} | {anon_ratios[fmt]:.2f} | {'yes' if flat else 'NO'} |"
        )
    factor = f"{large / small:g}×"
    worst_rss = max(rss_ratios, key=rss_ratios.__getitem__)
    worst_anon = max(anon_ratios, key=anon_ratios.__getitem__)
    bad_rss = [f for f in FORMATS if rss_ratios[f] >= FLAT_LIMIT]
    bad_anon = [f for f in FORMATS if anon_ratios[f] >= FLAT_LIMIT]
    if not bad_rss and not bad_anon:
        verdict = (
            f"Memory stays flat: with {factor} the rows, peak RSS grows by at most"
            f" {rss_ratios[worst_rss]:.2f}× ({worst_rss}) and anonymous memory by at most"
            f" {anon_ratios[worst_anon]:.2f}× ({worst_anon}), under the {FLAT_LIMIT}× limit."
        )
    elif not bad_anon:
        verdict = (
            f"Peak RSS is NOT flat for {', '.join(bad_rss)} (up to {rss_ratios[worst_rss]:.2f}×"
            f" with {factor} the rows), but anonymous memory is (at most"
            f" {anon_ratios[worst_anon]:.2f}×): the growth is file-backed pages (the"
            " memory-mapped archive and index), which the kernel can reclaim, not the export's"
            " own memory."
        )
    else:
        verdict = (
            f"Memory is NOT flat: with {factor} the rows, anonymous memory grows by up to"
            f" {anon_ratios[worst_anon]:.2f}× ({', '.join(bad_anon)}) and peak RSS by up to"
            f" {rss_ratios[worst_rss]:.2f}× ({worst_rss}), over the {FLAT_LIMIT}× limit."
        )
    return out, [verdict]


def build_lines(builds: dict[int, dict[str, Any]]) -> list[str]:
    out = []
    for n, built in sorted(builds.items()):
        total = built["write_s"] + built["sync_s"]
        out.append(
            f"- {n:,} articles: archive {built['archive_bytes'] / 1e9:.2f} GB, archive +"
            f" index {built['data_bytes'] / 1e9:.2f} GB; built {built['built']} in"
            f" {total / 60:.1f} min (generate + `Archive.add_version` {built['write_s']:.0f} s,"
            f" `sync` {built['sync_s']:.0f} s)"
            + (" (cached from an earlier run)" if built.get("cached") else "")
        )
    return out


# --------------------------------------------------------------------------- main


def parse_rows(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"--rows wants numbers like 100000,1000000: {exc}"
        ) from exc
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("--rows wants positive numbers")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_export",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--rows",
        type=parse_rows,
        default=list(DEFAULT_ROWS),
        help="comma-separated archive sizes (100000,1000000)",
    )
    parser.add_argument("--work", type=Path, help="folder to build and cache the archives in")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each export (1)")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the exports of the smallest size"
    )
    parser.add_argument("--write-docs", action="store_true", help="update docs/BENCHMARKS.md")
    args = parser.parse_args(argv)

    temporary = args.work is None
    work = Path(tempfile.mkdtemp(prefix="bench_export-", dir="/tmp")) if temporary else args.work
    work.mkdir(parents=True, exist_ok=True)
    work = work.resolve()
    load_at_start = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    log(f"work folder {work}; load average {load_at_start}")
    env = clean_env(work)
    results: dict[int, list[Row]] = {}
    builds: dict[int, dict[str, Any]] = {}
    skipped: list[str] = []
    profile: list[str] = []
    try:
        columns = current_columns(work)
        for n in args.rows:
            data_dir = work / f"archive-{n}"
            built = cached(data_dir, n, args.seed, columns)
            if built is not None:
                built["cached"] = True
                log(f"{n:,} rows: using the cached archive and index in {data_dir}")
            else:
                need = n * BUILD_BYTES_PER_ROW
                if not check_disk(work, need, f"an archive of {n:,} rows"):
                    skipped.append(
                        f"{n:,} rows skipped: not enough free disk"
                        f" ({shutil.disk_usage(work).free / 1e9:.0f} GB free,"
                        f" ~{(need + DISK_MARGIN) / 1e9:.0f} GB needed)"
                    )
                    continue
                log(f"{n:,} rows: building the archive and index in {data_dir}")
                built = build(data_dir, n, args.seed)
                log(
                    f"{n:,} rows: built in {(built['write_s'] + built['sync_s']) / 60:.1f} min"
                    f" (write {built['write_s']:.0f} s, sync {built['sync_s']:.0f} s),"
                    f" {built['data_bytes'] / 1e9:.1f} GB"
                )
            builds[n] = built
            results[n] = measure_size(data_dir, n, work, env, args.repeat)
            if args.profile and n == min(args.rows):
                profile = profile_exports(data_dir, n, work, env)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            for leftover in (work / "out").glob("*") if (work / "out").exists() else ():
                leftover.unlink()
            log(f"kept {work}")

    all_rows = [row for n in sorted(results) for row in results[n]]
    flat_table, verdict = flatness(results)
    print()
    print("\n".join(table(all_rows)))
    print()
    if flat_table:
        print("\n".join(flat_table))
        print()
    print("\n".join(verdict + skipped))
    if profile:
        print()
        print("\n".join(profile))

    if args.write_docs and results:
        command = command_line("bench.bench_export", argv)
        sizes = " and ".join(f"{n:,}" for n in sorted(results))
        markdown = [
            *run_header(command),
            "",
            f'`arkiv export "" --format F -o FILE --force` on archives of {sizes} synthetic'
            " Swedish-like articles (3-5 kB bodies; `bench._corpus.generate_corpus`), written"
            " through `Archive.add_version` and indexed by `sync`, each export a fresh process"
            " (what a researcher runs: it checks the index, writes the file and the manifest,"
            " hashes the file). Baseline in the same run: `SELECT * FROM versions` streamed"
            ' from SQLite in a fresh process, nothing written; "× baseline time" is the'
            " export's wall time over the baseline's. The reference row is the project's own"
            " read path without writing (`Archive.iter_articles()` + `Article.to_dict()`)."
            " Memory is polled every 0.1 s: peak RSS and its anonymous part (RSS less"
            " file-backed pages: the archive, which the export reads through SQLite's memory"
            " map, and the memory-mapped Tantivy index) with psutil, and the"
            " kernel's high-water mark VmHWM from /proc, summed over the export's process and"
            " its helper process (large CSV and JSON Lines exports fork one). The page cache"
            f" was warm; load average at the start {load_at_start};"
            f" {args.repeat} run(s) of each export"
            + (", median wall time shown." if args.repeat > 1 else "."),
            "",
            *build_lines(builds),
            "",
            *table(all_rows),
            "",
        ]
        if flat_table:
            markdown += [*flat_table, ""]
        markdown += [*(verdict + skipped)]
        if max(results) < max(DEFAULT_ROWS):
            markdown += [
                "",
                f"Issue #6 asks for {max(DEFAULT_ROWS):,} rows too; this run's largest archive"
                f" had {max(results):,}.",
            ]
        if profile:
            markdown += ["", "```", *profile, "```"]
        write_docs_section(MARKER, "\n".join(markdown))
        log("wrote the bench_export section of docs/BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
