"""A crawl killed with SIGKILL leaves no process behind, and the next crawl marks its run
``killed``.

`arkiv crawl` hands extraction to a pool of worker processes (and multiprocessing starts a
resource tracker for the pool's queues). SIGKILL gives the crawl no chance to stop them: each
worker watches its parent and exits when it is gone; the tracker follows once its last
writer has closed.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from indexer.store.archive import Archive
from indexer.store.lock import crawl_alive
from tests.helpers import FAST_CRAWL, ROOT, RunningSite, run_arkiv, start_site, stop_site

pytestmark = pytest.mark.integration

WORKERS = 2
GONE_WITHIN = 10.0  # seconds after the kill by which every child must have exited


@pytest.fixture(scope="module")
def slow_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSite]:
    """The sample site with a page that takes a minute: a crawl that waits for it (a long
    DOWNLOAD_TIMEOUT below) is surely still running when it is killed."""
    site = start_site(tmp_path_factory.mktemp("slow-site"), "--slow-seconds", "60")
    yield site
    stop_site(site)


def _running_run(data: Path) -> int | None:
    """The id of a run the archive shows as running, if any (read while the crawl writes)."""
    try:
        with sqlite3.connect(data / "archive.sqlite3", timeout=5) as db:
            row = db.execute("SELECT id FROM runs WHERE status = 'running'").fetchone()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else None


def _workers(process: psutil.Process) -> list[psutil.Process]:
    """The extraction workers among ``process``'s children (spawned interpreters)."""
    found = []
    for child in process.children(recursive=True):
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def test_killed_crawl_leaves_no_process_and_is_marked_killed(
    slow_site: RunningSite, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    args = [
        sys.executable, "-m", "search_cli", "crawl", "--data", str(data),
        "--sources", str(slow_site.sources), "--no-index", *FAST_CRAWL,
        "-s", "DOWNLOAD_TIMEOUT=120", "-s", f"ARKIV_EXTRACT_WORKERS={WORKERS}",
    ]  # fmt: skip
    crawl = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main = psutil.Process(crawl.pid)
    try:
        deadline = time.monotonic() + 60
        run_id = None
        while time.monotonic() < deadline and crawl.poll() is None:
            run_id = _running_run(data)
            if run_id is not None and len(_workers(main)) >= WORKERS:
                break
            time.sleep(0.2)
        assert crawl.poll() is None, "the crawl finished before it could be killed"
        assert run_id is not None, "the crawl never recorded its run"
        children = main.children(recursive=True)
        assert len(_workers(main)) >= WORKERS, [c.cmdline() for c in children]
        assert crawl_alive(data)
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(timeout=30)
        killed_at = time.monotonic()
        _, alive = psutil.wait_procs(children, timeout=GONE_WITHIN)
        assert not alive, [(p.pid, p.cmdline()) for p in alive]
        assert time.monotonic() - killed_at < GONE_WITHIN
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait(timeout=30)
        if crawl.stderr:
            crawl.stderr.close()
        for child in main.children(recursive=True) if crawl.poll() is None else []:
            child.kill()

    # The run is still "running" until a crawl that holds the lock finds it; a reader can
    # tell from the lock file that its crawl is gone.
    with Archive(data / "archive.sqlite3") as archive:
        assert archive.runs(limit=1)[0].status == "running"
    assert not crawl_alive(data)
    shown = run_arkiv("runs", "--data", str(data), "--json")
    assert {r["id"]: r["status"] for r in json.loads(shown.stdout)}[run_id] == "killed"
    # The next crawl does not wait for the minute-long page this time.
    after = run_arkiv(
        "crawl", "--data", str(data), "--sources", str(slow_site.sources), "--no-index",
        *FAST_CRAWL, "-s", f"ARKIV_EXTRACT_WORKERS={WORKERS}",
    )  # fmt: skip
    assert after.returncode in (0, 3), after.stderr  # 3: partial (the slow page timed out)
    assert "Traceback" not in after.stderr
    listed = run_arkiv("runs", "--data", str(data), "--json")
    assert listed.returncode == 0, listed.stderr
    runs = {run["id"]: run for run in json.loads(listed.stdout)}
    assert runs[run_id]["status"] == "killed"
    assert f"found by run {run_id + 1}" in runs[run_id]["note"]
    assert runs[run_id + 1]["status"] != "running"
    table = run_arkiv("runs", "--data", str(data))
    assert "killed" in table.stdout


def test_only_a_run_left_running_is_marked_killed(tmp_path: Path) -> None:
    with Archive(tmp_path / "archive.sqlite3") as archive:
        first = archive.start_run()
        archive.finish_run(first, "ok", {"status": "ok"})
        dead = archive.start_run()  # never finished: its process died
        current = archive.start_run()
        statuses = {run.id: run.status for run in archive.runs()}
        assert statuses == {first: "ok", dead: "killed", current: "running"}
        assert archive.mark_dead_runs(found_by=current) == []
