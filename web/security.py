"""What keeps the web app safe to run: access control (hashed tokens and passwords from the
``[web]`` table of arkiv.toml), CSRF tokens for forms that change state, strict ids, and one
ASGI middleware that refuses large bodies and unauthenticated requests and puts security
headers on every response.

Password hashes are ``scrypt$<log2 n>$<r>$<p>$<salt>$<hash>`` (salt and hash URL-safe
base64), made with the standard library's :func:`hashlib.scrypt`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexer.errors import ConfigError

ID_PATTERN = re.compile(r"[0-9a-f]{16}")
MAX_BODY_BYTES = 16 * 1024
CSRF_MAX_AGE = 12 * 3600  # seconds a form's token stays good
_SCRYPT = (14, 8, 1)  # log2 n, r, p: about 16 MB and a few tens of ms per hash
_HASH_SHAPE = re.compile(r"scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([\w-]+=*)\$([\w-]+=*)")
WEB_HINT = (
    'Add `tokens = ["<hash>"]` or a `[web.users]` table of name = "<hash>" to arkiv.toml;'
    " make a hash with `arkiv serve --hash-password`."
)

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The page as it was fetched: nothing loads, nothing runs, only this app may frame it.
ARCHIVED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
)
BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` for arkiv.toml."""
    log_n, r, p = _SCRYPT
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=1 << log_n, r=r, p=p, dklen=32)
    return f"scrypt${log_n}${r}${p}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` (a hash from :func:`hash_password`) was
    made from; compared in constant time."""
    shape = _HASH_SHAPE.fullmatch(stored)
    if shape is None:
        return False
    log_n, r, p = (int(shape.group(i)) for i in (1, 2, 3))
    try:
        salt, expected = unb64(shape.group(4)), unb64(shape.group(5))
        digest = hashlib.scrypt(
            password.encode(),
            salt=salt,
            n=1 << log_n,
            r=r,
            p=p,
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(digest, expected)


@dataclass(frozen=True)
class Access:
    """Who may use the app: token hashes (``Authorization: Bearer``) and user names with
    password hashes (HTTP Basic). Empty: anyone who can reach the port."""

    tokens: tuple[str, ...] = ()
    users: Mapping[str, str] | None = None

    @property
    def configured(self) -> bool:
        return bool(self.tokens or self.users)


def access_from_config(web: Mapping[str, Any]) -> Access:
    """The access control the ``[web]`` table of arkiv.toml describes, checked.

    Raises:
        ConfigError: a key or hash that is not as documented.
    """
    unknown = sorted(set(web) - {"tokens", "users", "secret"})
    if unknown:
        raise ConfigError(f"[web] has an unknown key {unknown[0]!r}", hint=WEB_HINT)
    tokens = web.get("tokens", [])
    users = web.get("users", {})
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise ConfigError("[web] tokens must be a list of hashes", hint=WEB_HINT)
    if not isinstance(users, dict) or not all(isinstance(h, str) for h in users.values()):
        raise ConfigError("[web.users] must map user names to hashes", hint=WEB_HINT)
    for value in [*tokens, *users.values()]:
        if not _HASH_SHAPE.fullmatch(value):
            raise ConfigError("[web] holds a value that is not a scrypt$ hash", hint=WEB_HINT)
    return Access(tuple(tokens), dict(users))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Authenticator:
    """Checks the Authorization header of a request against :class:`Access`. A header that
    passed is remembered (by its SHA-256, a bounded number of them) so that each page and
    its stylesheet do not each pay for a scrypt hash."""

    def __init__(self, access: Access, remember: int = 256) -> None:
        self.access = access
        self._good: OrderedDict[bytes, None] = OrderedDict()
        self._remember = remember

    def allows(self, header: str) -> bool:
        if not self.access.configured:
            return True
        key = hashlib.sha256(header.encode("utf-8", "replace")).digest()
        if key in self._good:
            self._good.move_to_end(key)
            return True
        if not self._check(header):
            return False
        self._good[key] = None
        if len(self._good) > self._remember:
            self._good.popitem(last=False)
        return True

    def _check(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer" and value:
            return any(verify_password(value, stored) for stored in self.access.tokens)
        if scheme.lower() == "basic" and value:
            try:
                user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return False
            stored = (self.access.users or {}).get(user)
            return stored is not None and verify_password(password, stored)
        return False


class Csrf:
    """Signed tokens for forms that change state: ``<time>.<nonce>.<signature>``, good for
    :data:`CSRF_MAX_AGE`. The key is ``[web] secret`` or, without one, made at start (forms
    then outlive no restart)."""

    def __init__(self, secret: str | None = None) -> None:
        self._key = (secret or secrets.token_hex(32)).encode()

    def token(self) -> str:
        body = f"{int(time.time())}.{secrets.token_hex(8)}"
        return f"{body}.{self._sign(body)}"

    def valid(self, token: str) -> bool:
        stamp, _, rest = token.partition(".")
        nonce, _, signature = rest.partition(".")
        if not (stamp.isdigit() and nonce and signature):
            return False
        if not hmac.compare_digest(signature, self._sign(f"{stamp}.{nonce}")):
            return False
        return 0 <= time.time() - int(stamp) <= CSRF_MAX_AGE

    def _sign(self, body: str) -> str:
        return b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


class Guard:
    """ASGI middleware: every response gets the security headers; a request body over
    :data:`MAX_BODY_BYTES` is refused (413), a request without valid credentials where
    access control is configured gets 401 (a saved search's feed aside: see :func:`_is_feed`)."""

    def __init__(self, app: ASGIApp, auth: Authenticator) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if not _is_feed(scope["path"]) and not self.auth.allows(headers.get("authorization", "")):
            await _plain(
                send,
                401,
                "authentication required\n",
                [(b"www-authenticate", b'Basic realm="Lokalarkiv", charset="UTF-8"')],
            )
            return
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            await _plain(send, 413, "request body too large\n")
            return
        await self.app(scope, _capped(receive), _with_headers(send))


def _is_feed(path: str) -> bool:
    """A saved search's feed (/feeds/TOKEN.atom): its unguessable token is its credential,
    so that a feed reader needs no password (a wrong token is a 404)."""
    return path.startswith("/feeds/") and path.endswith(".atom") and path.count("/") == 2


def _capped(receive: Receive) -> Receive:
    """The body as received, cut off (an error) past the limit even without Content-Length."""
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > MAX_BODY_BYTES:
            raise BodyTooLarge
        return message

    return capped


class BodyTooLarge(Exception):
    """A chunked request body ran past :data:`MAX_BODY_BYTES`."""


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            raw = list(message.get("headers", []))
            present = {k.lower() for k, _ in raw}
            if b"content-security-policy" not in present:
                raw.append((b"content-security-policy", PAGE_CSP.encode()))
                raw.append((b"x-frame-options", b"DENY"))
            for name, value in BASE_HEADERS.items():
                if name.encode() not in present:
                    raw.append((name.encode(), value.encode()))
            message = {**message, "headers": raw}
        await send(message)

    return sending


async def _plain(
    send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *(extra or [])]
    await _with_headers(send)({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})
