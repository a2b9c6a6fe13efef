"""Issue 16, the CLI's rows, through the real `arkiv` in a subprocess: escape codes from the
web never reach a terminal or a pipe, a device is never replaced by a file, a full disk is
one line, a read-only archive can be read, a query may start with -, an unknown --source
says so, and the hint for a folder where the index belongs that holds something else works.

The archive is written through the Archive API (no dependence on a crawl), then its text is
made hostile with SQL, as a Lokalarkiv from before the cleaning would have stored it; the
index is built from it by `arkiv index`, so snippets and facets hold the escapes too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from indexer.article import Person
from indexer.store.archive import Archive
from tests.helpers import (
    BOLD,
    ROOT,
    Crawl,
    article,
    assert_safe,
    run_arkiv,
    run_on_terminal,
)

pytestmark = pytest.mark.integration

ESC_RED, ESC_RESET, ESC_TITLE = "\x1b[31m", "\x1b[0m", "\x1b]0;pwned\x07"
HOSTILE_TITLE = f"Storm: fullmäktige {ESC_RED}röstade{ESC_RESET} om kommunen{ESC_TITLE}\u202e"
HOSTILE_BODY = (
    f"Stormen drog in över kommunen{ESC_TITLE}.\x07\x08 Fullmäktige röstade\x9b31m.\n"
    "\tAndra stycket\x1b[2J\x85 om stormen\x7f och kommunen.\r\nTredje\u2066 stycket."
)
HOSTILE_URL = "https://e-tidningen.se/nyheter/storm-fullmaktige"
FILLERS = 160  # enough text that an export or a long result list outgrows a pipe's buffer


def build_data(data: Path) -> str:
    """A data folder (archive + index) whose text holds escape codes; returns the hostile
    article's id."""
    path = data / "archive.sqlite3"
    with Archive(path) as archive:
        hostile = article(HOSTILE_URL, "e-tidningen", "Storm", "Stormen drog in.")
        hostile.people = [Person("Håkan Westerback", ["säkerhetssamordnare"], change="new_job")]
        archive.add_version(hostile)
        for n in range(FILLERS):
            where = "i kommunen" if n % 2 else "vid kusten"
            archive.add_version(
                article(
                    f"https://kustposten.se/{n}",
                    "kustposten" if n % 3 else "e-tidningen",
                    f"Storm {where} nummer {n}",
                    f"Stormen drog fram {where}. " * 80,
                    hours=n + 1,
                )
            )
        run = archive.start_run()
        archive.finish_run(
            run, "ok", {"articles": {"new": 1}, "errors": {f"http{ESC_TITLE}": 1}, "note": ESC_RED}
        )
    people = [
        {
            "name": f"Håkan {ESC_RED}Westerback{ESC_TITLE}",
            "roles": [f"säkerhets\x9bsamordnare{ESC_RESET}"],
            "organisation": "Vimmerby kommun\u202e",
            "change": "new_job",
            "new_role": f"ledningsbefäl{ESC_TITLE}",
            "new_organisation": None,
        }
    ]
    with sqlite3.connect(path) as db:  # as a Lokalarkiv before the cleaning stored it
        db.execute(
            "UPDATE versions SET title = ?, body = ?, lead = ?, authors = ?, people = ?,"
            " municipalities = ?, section = ?, wire = ? WHERE article_id = ?",
            (
                HOSTILE_TITLE, HOSTILE_BODY, f"Ingress{ESC_TITLE}\x07",
                json.dumps([f"Eva {ESC_RED}Berg{ESC_TITLE}"]), json.dumps(people),
                json.dumps([f"Vimmerby{ESC_RESET}"]), f"Nyheter{ESC_RED}", f"TT{ESC_TITLE}",
                hostile.id,
            ),
        )  # fmt: skip
        db.execute("UPDATE articles SET source_name = ? WHERE id = ?", (f"E{ESC_RED}", hostile.id))
        db.execute("DELETE FROM meta WHERE key = 'text_cleaned_on_the_way_in'")  # it is older
    db.close()
    indexed = run_arkiv("index", "--data", str(data))
    assert indexed.returncode == 0, indexed.stderr
    return hostile.id


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data = tmp_path_factory.mktemp("hostile-cli") / "data"
    return data, build_data(data)


def reading_commands(data: Path, aid: str, out: Path) -> list[list[str]]:
    d = ["--data", str(data)]
    return [
        ["search", "storm", *d],
        ["search", "fullmäktige röstade", "--limit", "3", "--json", *d],
        ["search", "", "--kommun", "Vimmerby", "--limit", "5", *d],
        ["show", aid[:8], "--versions", *d],
        ["show", aid, "--json", *d],
        ["people", *d],
        ["people", "--json", *d],
        ["stats", *d],
        ["stats", "--json", *d],
        ["runs", *d],
        ["runs", "--json", *d],
        ["export", "fullmäktige", "--format", "jsonl", "-o", "-", *d],
        ["export", "fullmäktige", "--format", "csv", "-o", str(out), "--force", *d],
    ]


# ---------------------------------------------------------------- escape codes


def test_escape_codes_never_reach_a_pipe(hostile_data: tuple[Path, str], tmp_path: Path) -> None:
    data, aid = hostile_data
    out = tmp_path / "out.csv"
    for command in reading_commands(data, aid, out):
        result = run_arkiv(*command)
        assert result.returncode == 0, (command, result.stderr)
        assert_safe(result.stdout, command)
        assert_safe(result.stderr, command)
        assert "pwned" not in result.stdout, command
    assert_safe(out.read_text(encoding="utf-8"), "export file")
    shown = json.loads(run_arkiv("show", aid, "--json", "--data", str(data)).stdout)
    assert shown["title"] == "Storm: fullmäktige röstade om kommunen"
    assert shown["body"].startswith("Stormen drog in över kommunen. Fullmäktige röstade›31m.\n\t")


def test_escape_codes_never_reach_a_terminal(
    hostile_data: tuple[Path, str], tmp_path: Path
) -> None:
    data, aid = hostile_data
    bold_seen = False
    for command in reading_commands(data, aid, tmp_path / "out.csv"):
        code, out, err = run_on_terminal(*command)
        assert code == 0, (command, err)
        bold_seen = bold_seen or bool(BOLD.search(out))
        assert_safe(BOLD.sub("", out), command)
        assert_safe(err, command)
    assert bold_seen  # it was a terminal: the CLI's own styles are there


# ---------------------------------------------------------------- full disk, pipes, devices


@pytest.mark.parametrize(
    "command",
    [
        ["search", "storm"],
        ["search", "storm", "--json"],
        ["stats"],
        ["show", "HOSTILE"],
        ["people"],
        ["runs"],
        ["export", "storm", "--format", "jsonl", "-o", "-"],
    ],
)
def test_a_full_disk_on_stdout_is_one_line(
    hostile_data: tuple[Path, str], command: list[str]
) -> None:
    data, aid = hostile_data
    command = [aid if c == "HOSTILE" else c for c in command]
    with Path("/dev/full").open("w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "search_cli", *command, "--data", str(data)],
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env={**os.environ, "NO_COLOR": "1"},
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == "Error: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize(
    "command",
    [
        ["export", "storm", "--format", "jsonl", "-o", "-"],
        ["search", "storm", "--limit", "1000"],
        ["search", "storm", "--limit", "1000", "--json"],
    ],
)
def test_a_reader_that_leaves_early_is_no_error(
    hostile_data: tuple[Path, str], command: list[str]
) -> None:
    """`arkiv … | head -1`: quiet, exit code 0, or 1 where the pipe broke (as click does)."""
    data, _ = hostile_data
    process = subprocess.Popen(
        [sys.executable, "-m", "search_cli", *command, "--data", str(data)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.stdout is not None
    assert process.stderr is not None
    assert process.stdout.read(100)  # then the reader goes away
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) in (0, 1)
    assert err == ""


def test_export_to_a_full_device_never_replaces_it(hostile_data: tuple[Path, str]) -> None:
    data, _ = hostile_data
    d = ["--data", str(data)]
    result = run_arkiv("export", "storm", "--format", "jsonl", "-o", "/dev/full", "--force", *d)
    assert result.returncode == 1
    assert result.stderr == "Error: cannot write /dev/full: No space left on device\n"
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)
    assert not Path("/dev/full.manifest.json").exists()
    assert not list(Path("/dev").glob(".full.*"))  # no temporary file left either
    result = run_arkiv("export", "storm", "--format", "parquet", "-o", "/dev/null", *d)
    assert result.returncode == 0, result.stderr
    assert "no manifest: /dev/null is not a regular file" in result.stderr
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
    assert not Path("/dev/null.manifest.json").exists()


def test_export_to_a_fifo_and_through_links(hostile_data: tuple[Path, str], tmp_path: Path) -> None:
    data, _ = hostile_data
    fifo = tmp_path / "rows.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_arkiv(
        "export", "kusten", "--format", "jsonl", "-o", str(fifo), "--data", str(data)
    )
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in received[0].decode().splitlines()]
    assert len(rows) == FILLERS // 2
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.fifo"]  # no manifest, no temp
    # A link to a device: written through, the link stays a link.
    (tmp_path / "null").symlink_to("/dev/null")
    result = run_arkiv(
        "export", "storm", "--format", "csv", "-o", str(tmp_path / "null"), "--data", str(data)
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "null").is_symlink()
    # A link to a regular file: the file is replaced (atomically), the link stays.
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    (tmp_path / "link.csv").symlink_to(target)
    result = run_arkiv(
        "export",
        "kusten",
        "--format",
        "csv",
        "-o",
        str(tmp_path / "link.csv"),
        "--force",
        "--data",
        str(data),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "link.csv").is_symlink()
    assert target.read_text(encoding="utf-8").startswith("id,url,")
    assert (tmp_path / "real.csv.manifest.json").exists()


# ---------------------------------------------------------------- read-only archive


def _snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    return {
        str(p.relative_to(folder)): (
            p.stat().st_size,
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


Runner = Callable[[Path, list[str]], subprocess.CompletedProcess[str]]


def _on_read_only_mount(data: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """The command in a private mount namespace where ``data`` is a read-only bind mount:
    every write fails with EROFS, for root too (tests run as root here)."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, str(data), sys.executable, "-m", "search_cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


def _as_nobody(data: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """The command as the unprivileged user nobody on a ``chmod -R a-w`` folder."""
    home = data.parent / "home"
    return subprocess.run(
        [sys.executable, "-m", "search_cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1", "HOME": str(home), "XDG_CONFIG_HOME": str(home)},
        user=65534,
        group=65534,
        extra_groups=[],
        check=False,
    )


def _read_only_runner(kind: str, base: Path) -> Runner:
    probe = base / "probe"
    probe.mkdir()
    if kind == "read-only mount":
        if shutil.which("unshare") is None:
            pytest.skip("no unshare(1) to make a read-only bind mount")
        check = subprocess.run(
            ["unshare", "-m", "sh", "-c",
             'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && ! touch "$0/x"',
             str(probe)],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        if check.returncode != 0:
            pytest.skip(f"cannot make a read-only bind mount here: {check.stderr.strip()}")
        return _on_read_only_mount
    if os.geteuid() != 0:
        pytest.skip("switching to the user nobody needs root")
    try:
        check = subprocess.run(
            [sys.executable, "-c", "import search_cli, tantivy"], cwd=ROOT, user=65534,
            group=65534, extra_groups=[], capture_output=True, text=True, timeout=60,
            check=False,
        )  # fmt: skip
    except OSError as exc:  # e.g. the interpreter lives under /root, which nobody cannot enter
        pytest.skip(f"the user nobody cannot run {sys.executable}: {exc}")
    if check.returncode != 0:
        pytest.skip(f"the user nobody cannot run this Python: {check.stderr.strip()[-200:]}")
    return _as_nobody


@pytest.fixture(params=["read-only mount", "unprivileged user"])
def read_only(
    request: pytest.FixtureRequest, hostile_data: tuple[Path, str]
) -> Iterator[tuple[Path, Runner]]:
    """A copy of the data folder that this test's commands cannot write, and how to run them
    so. The folder lies outside pytest's own temporary folder, which only root may enter."""
    base = Path(tempfile.mkdtemp(prefix="arkiv-ro-"))
    base.chmod(0o755)
    try:
        run = _read_only_runner(request.param, base)
        data = base / "data"
        shutil.copytree(hostile_data[0], data)
        Archive(data / "archive.sqlite3").close()  # the last writer closing: no -wal, no -shm
        for path in [data, *data.rglob("*")]:  # what a backup on a read-only share looks like
            path.chmod(path.stat().st_mode & ~0o222)
        yield data, run
    finally:
        for path in [base, *base.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o700)
        shutil.rmtree(base)


def test_a_read_only_archive_can_be_read_and_is_not_written(
    read_only: tuple[Path, Runner], hostile_data: tuple[Path, str]
) -> None:
    data, run = read_only
    aid = hostile_data[1]
    out = data.parent / "out"
    out.mkdir()
    out.chmod(0o777)
    assert not (data / "archive.sqlite3-wal").exists()  # closed cleanly: SQLite needs immutable
    before = _snapshot(data)
    d = ["--data", str(data)]
    for command in [
        ["stats", *d], ["runs", *d], ["show", aid, *d], ["people", "Westerback", *d],
        ["search", "storm", "--json", *d], ["search", "-kommunen", "storm", *d],
        ["export", "storm", "--format", "csv", "-o", str(out / "storm.csv"), *d],
        ["reextract", "--dry-run", *d],
    ]:  # fmt: skip
        result = run(data, command)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr
    found = json.loads(run(data, ["search", "storm", "--json", *d]).stdout)
    assert found["total"] == FILLERS + 1
    assert (out / "storm.csv").read_text(encoding="utf-8").count("\n") > FILLERS
    for command in (["crawl", *d], ["index", *d], ["reextract", *d]):
        result = run(data, command)
        assert result.returncode == 1, (command, result.stderr)
        first = result.stderr.splitlines()[0]
        assert (
            first
            == f"Error: the data folder {data} is read-only; `arkiv {command[0]}` writes there"
        )
        assert len(result.stderr.splitlines()) == 2  # and a hint
    assert _snapshot(data) == before  # not a byte, not a file, not an mtime changed


def test_reading_commands_never_write_even_where_they_could(
    hostile_data: tuple[Path, str], tmp_path: Path
) -> None:
    """Without any help from the OS (this runs where no read-only mount can be made too):
    in a writable folder the reading commands still write nothing. SQLite's own -shm, and an
    empty -wal, are all a read-only SQLite connection leaves (export is left out: it brings
    the index up to date first where it can)."""
    data = tmp_path / "data"
    shutil.copytree(hostile_data[0], data)
    with sqlite3.connect(data / "archive.sqlite3") as db:  # what a writing open would bump
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    db.close()
    Archive(data / "archive.sqlite3", readonly=True).close()
    for sqlite_file in data.glob("archive.sqlite3-*"):
        sqlite_file.unlink()
    before = _snapshot(data)
    d = ["--data", str(data)]
    for command in [
        ["stats", *d], ["runs", "--json", *d], ["show", hostile_data[1], "--versions", *d],
        ["people", "--source", "e-tidningen", *d], ["search", "storm", "--source", "KUSTPOSTEN", *d],
        ["search", "-kommunen", "storm", "--json", *d], ["reextract", "--dry-run", *d],
        ["backup", str(tmp_path / "copy.sqlite3"), *d], ["sources", *d],
    ]:  # fmt: skip
        result = run_arkiv(*command)
        assert result.returncode == 0, (command, result.stderr)
    after = _snapshot(data)
    assert after.pop("archive.sqlite3-wal", (0,))[0] == 0
    after.pop("archive.sqlite3-shm", None)
    assert after == before


_KILLED_WRITER = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA wal_autocheckpoint = 0")
db.execute("INSERT INTO runs (started, status) VALUES ('2026-01-01T00:00:00+00:00', 'pending')")
os._exit(0)  # as kill -9 would: the change stays in the -wal file, never checkpointed
"""


def _writable(folder: Path, on: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | 0o200 if on else mode & ~0o222)


def test_a_read_only_archive_in_each_state_of_its_wal(read_only: tuple[Path, Runner]) -> None:
    """SQLite's -wal and -shm beside the archive, as a backup or a share may have them."""
    data, run = read_only
    archive = data / "archive.sqlite3"
    wal, shm = archive.with_name("archive.sqlite3-wal"), archive.with_name("archive.sqlite3-shm")
    runs = ["runs", "--json", "--data", str(data)]

    def statuses() -> list[str]:
        result = run(data, runs)
        assert result.returncode == 0, result.stderr
        return [r["status"] for r in json.loads(result.stdout)]

    assert not wal.exists()
    assert statuses() == ["ok"]  # closed cleanly: read as immutable
    _writable(data, True)
    Archive(archive, readonly=True).close()  # a reader in a writable folder leaves them
    assert wal.exists()
    assert shm.exists()
    _writable(data, False)
    assert statuses() == ["ok"]  # read through the -shm that is there
    _writable(data, True)
    subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(archive)], check=True, timeout=60)
    assert wal.stat().st_size > 0
    _writable(data, False)
    assert statuses() == ["pending", "ok"]  # what only the -wal holds is read too
    _writable(data, True)
    shm.unlink()
    _writable(data, False)
    result = run(data, runs)
    assert result.returncode == 1
    first, hint = result.stderr.splitlines()
    assert first == (
        f"Error: cannot read archive {archive}: its folder is read-only and archive.sqlite3-wal"
        " holds changes that SQLite can only read where it may create archive.sqlite3-shm"
    )
    assert hint.startswith("Hint: Open the archive once where its folder is writable")


def test_a_read_only_archive_without_its_index_says_so(read_only: tuple[Path, Runner]) -> None:
    data, run = read_only
    index = data / "index"
    index.chmod(0o755)
    shutil.rmtree(index)
    data.chmod(0o555)
    for command in (["search", "storm"], ["export", "storm", "--format", "jsonl", "-o", "-"]):
        result = run(data, [*command, "--data", str(data)])
        assert result.returncode == 1
        first, hint = result.stderr.splitlines()
        assert first.startswith(f"Error: there is no search index at {index}/tantivy")
        assert first.endswith(
            f"the data folder {data} is read-only, so the index cannot be rebuilt there"
        )
        assert hint.startswith("Hint: Run `arkiv index --rebuild` where the folder is writable")


# ---------------------------------------------------------------- query words and sources


def _total(data: Path, *args: str) -> int:
    result = run_arkiv("search", "--json", "--data", str(data), *args)
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["total"])


def test_a_query_may_start_with_an_excluded_word(hostile_data: tuple[Path, str]) -> None:
    data, _ = hostile_data
    everything = _total(data, "storm")
    without = _total(data, "-kommunen", "storm")
    assert everything == FILLERS + 1
    assert without == FILLERS // 2  # "Storm vid kusten" only
    assert _total(data, "storm", "-kommunen") == without
    assert _total(data, "--", "-kommunen", "storm") == without
    assert _total(data, "-kommunen storm") == without  # as one quoted argument, as before
    exported = run_arkiv(
        "export", "-kommunen", "storm", "--format", "jsonl", "-o", "-", "--data", str(data)
    )
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.splitlines()) == without
    mistyped = run_arkiv("search", "storm", "--kommune", "Vimmerby", "--data", str(data))
    assert mistyped.returncode == 2
    assert "No such option '--kommune'. Did you mean '--kommun'?" in mistyped.stderr
    help_text = run_arkiv("search", "--help").stdout
    assert "arkiv search -kommunen storm" in help_text


def test_an_unknown_source_is_one_line_with_the_nearest(hostile_data: tuple[Path, str]) -> None:
    data, _ = hostile_data
    d = ["--data", str(data)]
    expected = "Error: unknown source 'kustpost'; did you mean kustposten"
    for command in (
        ["search", "storm", "--source", "kustpost", *d],
        ["export", "storm", "--source", "kustpost", "--format", "csv", "-o", "-", *d],
        ["people", "--source", "kustpost", *d],
        ["search", "storm", "--source", "kustposten", "--source", "kustpost", *d],
    ):
        result = run_arkiv(*command)
        assert result.returncode == 1, command
        assert result.stdout == ""
        first, hint = result.stderr.splitlines()
        assert first.startswith(expected), command
        assert hint.startswith("Hint: Give a source id as `arkiv stats`")
    kommun = run_arkiv("search", "storm", "--kommun", "Vimerby", *d)  # the model it follows
    assert kommun.stderr.startswith("Error: unknown municipality 'Vimerby'; did you mean Vimmerby")
    assert (
        _total(data, "storm", "--source", "KUSTPOSTEN")
        == _total(data, "storm", "--source", "kustposten")
        > 0
    )


def test_a_crawl_of_an_unknown_source_says_the_same(tmp_path: Path) -> None:
    # against the shipped source list
    result = run_arkiv("crawl", "--source", "svt-stockholms", "--data", str(tmp_path / "d"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "Error: unknown source 'svt-stockholms'; did you mean svt-stockholm?"
    )
    assert not (tmp_path / "d").exists()


# ---------------------------------------------------------------- a folder that is no index


def test_hidden_files_where_the_index_was_get_a_hint_that_works(
    hostile_data: tuple[Path, str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(hostile_data[0], data)
    folder = data / "index" / "tantivy"
    for entry in folder.iterdir():  # rm -rf index/tantivy/*: the shell's * skips dot files
        if not entry.name.startswith("."):
            entry.unlink()
    assert any(folder.iterdir())
    result = run_arkiv("search", "storm", "--data", str(data))
    assert result.returncode == 1
    first, hint = result.stderr.splitlines()
    assert first == f"Error: {folder} does not look like a search index; not removing it"
    assert "--index" not in hint
    assert f"rm -r '{folder}'" in hint
    subprocess.run(["rm", "-r", str(folder)], check=True)  # what the hint says
    assert _total(data, "storm") == FILLERS + 1


# ---------------------------------------------------------------- a real crawl


def test_a_crawled_hostile_page_is_archived_and_printed_clean(hostile_crawl: Crawl) -> None:
    """The hostile scenario's article with escapes in its JSON-LD headline and author."""
    from samplesite.templates import hostile

    data = hostile_crawl.data
    path = getattr(hostile, "ESCAPE_PATH", None)
    assert path is not None
    with Archive(data / "archive.sqlite3", readonly=True) as archive:
        stored = [a for a in archive.iter_articles(include_gone=True) if a.url.endswith(path)]
    assert len(stored) == 1
    record = stored[0].to_dict()
    record.pop("etag")
    record.pop("last_modified")
    assert_safe(
        json.dumps(record, ensure_ascii=False).replace("\\n", "").replace("\\t", ""), "stored"
    )
    assert "pwned" not in json.dumps(record)
    for command in (["search", "fullmäktige budgeten"], ["show", stored[0].id]):
        code, out, err = run_on_terminal(*command, "--data", str(data))
        assert code == 0, err
        assert_safe(BOLD.sub("", out), command)
        piped = run_arkiv(*command, "--data", str(data))
        assert_safe(piped.stdout, command)
