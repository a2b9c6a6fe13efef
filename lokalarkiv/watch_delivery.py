"""Sending the alerts of a saved search: an e-mail digest through SMTP (the ``[smtp]`` table
of arkiv.toml) and a webhook (a POST of JSON). Each raises ``OSError`` (or ``ValueError``
for a configuration that cannot work) when the delivery did not happen; the caller keeps
the alerts queued then.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.request
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from typing import Any

from indexer.config import Config
from indexer.store.archive import AlertEntry, WatchInfo

SMTP_TIMEOUT = 30.0
WEBHOOK_TIMEOUT = 10.0
SMTP_KEYS = ("host", "port", "starttls", "user", "password", "from")


def article_links(config: Config, entry: AlertEntry) -> dict[str, str]:
    """Where to read an alerted article: in the web app (when ``app_url`` is set) and at
    its source."""
    links = {"source": entry.url}
    if config.app_url:
        links["archive"] = f"{config.app_url.rstrip('/')}/article/{entry.article_id}"
    return links


def entry_json(config: Config, entry: AlertEntry) -> dict[str, Any]:
    return {
        "id": entry.article_id,
        "title": entry.title,
        "source": entry.source,
        "source_name": entry.source_name,
        "published": entry.published,
        "snippet": snippet(entry.lead),
        "found": entry.found,
        "links": article_links(config, entry),
    }


def snippet(text: str, size: int = 300) -> str:
    """The first ``size`` characters of ``text``, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= size:
        return text
    return text[:size].rsplit(" ", 1)[0] + " …"


def smtp_settings(table: Mapping[str, Any]) -> dict[str, Any]:
    """The [smtp] table checked: host required; port 587 with STARTTLS unless set."""
    unknown = sorted(set(table) - set(SMTP_KEYS))
    if unknown:
        raise ValueError(f"unknown key in [smtp]: {unknown[0]!r} (known: {', '.join(SMTP_KEYS)})")
    if not table.get("host"):
        raise ValueError("no SMTP server: set host in the [smtp] table of arkiv.toml")
    try:
        port = int(table.get("port", 587))
    except (TypeError, ValueError):
        raise ValueError("port in [smtp] must be a number") from None
    user = str(table.get("user") or "")
    return {
        "host": str(table["host"]),
        "port": port,
        "starttls": bool(table.get("starttls", True)),
        "user": user,
        "password": str(table.get("password") or ""),
        "from": str(table.get("from") or user or "lokalarkiv@localhost"),
    }


def digest(config: Config, watch: WatchInfo, entries: Sequence[AlertEntry]) -> EmailMessage:
    """The e-mail of one saved search's new articles (plain text)."""
    smtp = smtp_settings(config.smtp)
    message = EmailMessage()
    count = len(entries)
    news = "1 ny artikel" if count == 1 else f"{count} nya artiklar"
    message["Subject"] = f"Bevakning {watch.name}: {news}"
    message["From"] = smtp["from"]
    message["To"] = watch.email or ""
    # the same alerts give the same id: a digest sent again after a crash can be recognised
    message["Message-ID"] = (
        f"<watch-{watch.id}-{entries[0].outbox_id}-{entries[-1].outbox_id}@lokalarkiv>"
    )
    lines = [f"Nya artiklar för bevakningen {watch.name!r} ({watch.query or 'alla'}):", ""]
    for entry in entries:
        lines.append(entry.title)
        lines.append(f"  {entry.source_name} · {(entry.published or 'odaterad')[:10]}")
        if entry.lead:
            lines.append(f"  {snippet(entry.lead)}")
        lines.extend(f"  {link}" for link in article_links(config, entry).values())
        lines.append("")
    message.set_content("\n".join(lines))
    return message


def send_digest(config: Config, watch: WatchInfo, entries: Sequence[AlertEntry]) -> None:
    """Send one digest of ``entries`` to the search's address."""
    message = digest(config, watch, entries)
    smtp = smtp_settings(config.smtp)
    with smtplib.SMTP(smtp["host"], smtp["port"], timeout=SMTP_TIMEOUT) as client:
        if smtp["starttls"]:
            client.starttls(context=ssl.create_default_context())
        if smtp["user"]:
            client.login(smtp["user"], smtp["password"])
        client.send_message(message)


def send_webhook(config: Config, watch: WatchInfo, entries: Sequence[AlertEntry]) -> None:
    """POST the new articles as JSON to the search's webhook; any status but 2xx fails."""
    body = json.dumps(
        {
            "watch": watch.name,
            "query": watch.query,
            "filters": watch.filters,
            "articles": [entry_json(config, entry) for entry in entries],
        },
        ensure_ascii=False,
    ).encode("utf-8")
    request = urllib.request.Request(
        watch.webhook or "",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "Lokalarkiv"},
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"the webhook answered {response.status}")
