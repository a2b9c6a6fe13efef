"""Saved searches that alert, end to end: `arkiv watch add` on an archive of the sample
site's first edition, the crawl of its second edition, then the feed (served by `arkiv
serve`, read with feedparser), the e-mail digest (a real SMTP server, aiosmtpd), the webhook
(a local HTTP server) and a delivery that fails, is killed, and is made once on the rerun."""

from __future__ import annotations

import contextlib
import email
import email.policy
import html
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.helpers import ROOT, Crawl, RunningSite, crawl, run_arkiv
from tests.web_server import free_port, serving

pytestmark = pytest.mark.integration

QUERY = "tillförordnad"


@dataclass
class Mailbox:
    """What the local SMTP server received (aiosmtpd calls ``handle_DATA``)."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@contextlib.contextmanager
def smtp_server(port: int) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@contextlib.contextmanager
def webhook_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local HTTP server that keeps the JSON bodies POSTed to it."""
    received: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def write_config(path: Path, smtp_port: int) -> None:
    path.write_text(
        'app_url = "http://arkiv.example"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nstarttls = false\n'
        'from = "arkiv@example.se"\nuser = ""\npassword = "hemligt-lösen"\n',
        encoding="utf-8",
    )


def search_ids(data: Path, config: Path, *query: str) -> set[str]:
    result = run_arkiv(
        "search", *query, "--json", "--limit", "1000", "--data", str(data), "--config", str(config)
    )
    assert result.returncode == 0, result.stderr
    return {hit["id"] for hit in json.loads(result.stdout)["hits"]}


def digest_ids(message: EmailMessage) -> set[str]:
    body = message.get_content()
    return {
        line.rsplit("/", 1)[1] for line in body.splitlines() if "arkiv.example/article/" in line
    }


@dataclass
class Watched:
    """The second edition crawled into a copy of the first crawl's archive, with two saved
    searches: ``tf`` (QUERY; e-mail and webhook) and ``vim`` (a source; e-mail)."""

    data: Path
    config: Path
    smtp_port: int
    crawl: subprocess.CompletedProcess[str]
    new_tf: set[str]
    new_vim: set[str]
    hooks: list[dict[str, Any]]
    hook_url: str


@pytest.fixture(scope="module")
def watched(
    sample_site: RunningSite, first_crawl: Crawl, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Watched]:
    folder = tmp_path_factory.mktemp("watch")
    data, config, smtp_port = folder / "data", folder / "arkiv.toml", free_port()
    shutil.copytree(first_crawl.data, data)
    write_config(config, smtp_port)  # nothing listens there yet: the e-mail fails
    with webhook_server() as (hook_url, hooks):
        common = ("--data", str(data), "--config", str(config))
        added = run_arkiv("watch", "add", "tf", QUERY, "--email", "red@example.se",
                          "--webhook", hook_url, *common)  # fmt: skip
        assert added.returncode == 0, added.stderr
        added = run_arkiv(
            "watch",
            "add",
            "vim",
            "--source",
            "vimmerby-nyheter",
            "--email",
            "v@example.se",
            *common,
        )
        assert added.returncode == 0, added.stderr
        before = (
            search_ids(data, config, QUERY),
            search_ids(data, config, "--source", "vimmerby-nyheter"),
        )
        sample_site.set_edition(2)
        try:
            result = crawl(data, sample_site, "--config", str(config))
        finally:
            sample_site.set_edition(1)
        after = (
            search_ids(data, config, QUERY),
            search_ids(data, config, "--source", "vimmerby-nyheter"),
        )
        yield Watched(
            data, config, smtp_port, result, after[0] - before[0], after[1] - before[1],
            hooks, hook_url,
        )  # fmt: skip


def test_the_second_edition_brings_new_matches(watched: Watched) -> None:
    assert watched.crawl.returncode == 0, watched.crawl.stderr
    assert watched.new_tf  # the sample site's second edition has new "tillförordnad" stories
    assert watched.new_vim


def test_the_feed_holds_exactly_the_new_matches(watched: Watched) -> None:
    listed = run_arkiv("watch", "list", "--json", "--data", str(watched.data))
    feeds = {w["name"]: w["feed"] for w in json.loads(listed.stdout)}
    with serving(watched.data, "--config", str(watched.config)) as served:
        responses = {name: httpx.get(served.url + path, timeout=30) for name, path in feeds.items()}
        missing = httpx.get(served.url + "/feeds/not-a-token.atom", timeout=30)
    assert missing.status_code == 404
    for name, expected in (("tf", watched.new_tf), ("vim", watched.new_vim)):
        response = responses[name]
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title == f"Bevakning: {name}"
        ids = {entry.link.rsplit("/", 1)[1] for entry in feed.entries}
        assert ids == expected
        for entry in feed.entries:
            assert entry.title
            assert entry.summary
            assert entry.published
            assert entry.link.startswith("http://arkiv.example/article/")
            assert any(link.rel == "related" and link.href.startswith("http://127.0.0.1")
                       for link in entry.links)  # fmt: skip


def test_the_bevaka_button_saves_the_search_on_screen(watched: Watched) -> None:
    with serving(watched.data, "--config", str(watched.config)) as served:
        page = httpx.get(served.url + "/", params={"q": QUERY, "kommun": "Vimmerby"}, timeout=30)
        assert page.status_code == 200
        form = re.search(r'<form class="watch".*?</form>', page.text, re.S)
        assert form is not None
        assert "Bevaka" in form[0]
        fields = dict(re.findall(r'name="(csrf|search)" value="([^"]*)"', form[0]))
        search = html.unescape(fields["search"])
        post = {"csrf": fields["csrf"], "search": search, "name": "webb", "email": "w@example.se"}
        forged = httpx.post(served.url + "/watches", data={**post, "csrf": "x"}, timeout=30)
        saved = httpx.post(served.url + "/watches", data=post, timeout=30)
        again = httpx.post(served.url + "/watches", data=post, timeout=30)
        english = httpx.get(served.url + "/", params={"q": QUERY, "lang": "en"}, timeout=30)
        feed_url = re.search(r'<a class="feed" href="([^"]+)"', saved.text)
        assert feed_url is not None
        feed = httpx.get(served.url + "/feeds/" + feed_url[1].rsplit("/feeds/", 1)[1], timeout=30)
    assert forged.status_code == 403
    assert saved.status_code == 200, saved.text
    assert "Bevakningen sparad" in saved.text
    assert again.status_code == 400  # the name is taken
    assert ">Watch</button>" in english.text
    assert feedparser.parse(feed.content).entries == []  # nothing new to it yet
    listed = run_arkiv("watch", "list", "--json", "--data", str(watched.data))
    webb = next(w for w in json.loads(listed.stdout) if w["name"] == "webb")
    assert webb["query"] == QUERY
    assert webb["filters"] == {"municipalities": ["Vimmerby"]}
    assert webb["email"] == "w@example.se"
    assert webb["webhook"] is None


def test_the_webhook_got_the_new_matches_once(watched: Watched) -> None:
    assert len(watched.hooks) == 1
    hook = watched.hooks[0]
    assert hook["watch"] == "tf"
    assert {a["id"] for a in hook["articles"]} == watched.new_tf
    assert all(a["title"] and a["links"]["source"] for a in hook["articles"])


def test_a_failed_email_is_a_warning_kept_for_the_next_run(watched: Watched) -> None:
    assert watched.crawl.returncode == 0
    warnings = [line for line in watched.crawl.stderr.splitlines() if "email of" in line]
    assert len(warnings) == 2, watched.crawl.stderr  # one line per saved search
    assert "tried again on the next run" in warnings[0]
    assert "hemligt" not in watched.crawl.stderr + watched.crawl.stdout
    # the run's report says so too: the webhook delivered, both e-mails failed
    runs = run_arkiv("runs", "--json", "--limit", "1", "--data", str(watched.data))
    alerts = json.loads(runs.stdout)[0]["alerts"]
    assert len(alerts["failed"]) == 2, alerts
    assert sum(alerts["delivered"].values()) == len(watched.new_tf), alerts


def test_delivery_killed_midway_then_made_once(watched: Watched) -> None:
    """An SMTP server that never answers: `arkiv watch deliver` is killed (SIGKILL) while it
    waits. The rerun against a real server delivers each digest once, and a further index
    update (nothing new) sends nothing."""
    common = ("--data", str(watched.data), "--config", str(watched.config))
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", watched.smtp_port))
        silent.listen()
        stuck = subprocess.Popen(
            [sys.executable, "-m", "search_cli", "watch", "deliver", *common],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(3)
        assert stuck.poll() is None  # still waiting for the server's greeting
        stuck.send_signal(signal.SIGKILL)
        stuck.wait(timeout=10)
    with smtp_server(watched.smtp_port) as mailbox:
        delivered = run_arkiv("watch", "deliver", *common)
        assert delivered.returncode == 0, delivered.stderr
        again = run_arkiv("index", *common)
        assert again.returncode == 0, again.stderr
        assert "warning" not in again.stderr
    by_recipient = {str(m["To"]): m for m in mailbox.messages}
    assert len(mailbox.messages) == 2 == len(by_recipient)
    assert digest_ids(by_recipient["red@example.se"]) == watched.new_tf
    assert digest_ids(by_recipient["v@example.se"]) == watched.new_vim
    assert by_recipient["red@example.se"]["Subject"].startswith("Bevakning tf:")
    assert len(watched.hooks) == 1  # the webhook was not sent again
