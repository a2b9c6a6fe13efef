"""Names for the ways a fetch fails, as counted in a run's stats and report."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


class RobotsUnreachable(IgnoreRequest):
    """A request not sent because its host's robots.txt could not be read (a 5xx answer, a
    network error): RFC 9309 section 2.3.1.4 says to assume complete disallow until it can
    be. ``kind`` and ``reason`` are what the crawl counts and logs."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def classify_failure(failure: Failure) -> tuple[str, str]:
    """(kind, reason) for a failed request: http_503, timeout, too_large, robots, …"""
    exc = failure.value
    return classify_exception(exc) if exc is not None else ("other", "unknown failure")


def classify_exception(exc: BaseException) -> tuple[str, str]:
    """(kind, reason) for the exception a request failed with."""
    if isinstance(exc, RobotsUnreachable):
        return exc.kind, exc.reason
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "robots", text
        if "redirect" in text.lower():
            return "redirect_loop", text
        if "DOWNLOAD_MAXSIZE" in text:
            # Scrapy's HttpCompressionMiddleware: a Content-Encoding body that decompresses
            # past DOWNLOAD_MAXSIZE (a decompression bomb) is dropped as it decompresses.
            return "too_large", text
        return "ignored", text or "request ignored"
    if isinstance(exc, DownloadTimeoutError | TimeoutError | TCPTimedOutError):
        return "timeout", str(exc) or "timed out"
    if isinstance(exc, DownloadCancelledError | CancelledError):
        # Scrapy cancels a download that passes DOWNLOAD_MAXSIZE.
        return "too_large", str(exc) or "larger than DOWNLOAD_MAXSIZE"
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return "dns", str(exc)
    connection_errors = (
        DownloadConnectionRefusedError,
        DownloadFailedError,
        ResponseDataLossError,
        ConnectError,
        ConnectionLost,
        ResponseFailed,
        ResponseNeverReceived,
    )
    if isinstance(exc, connection_errors):
        return "connection", f"{type(exc).__name__}: {exc}"
    return "other", f"{type(exc).__name__}: {exc}"
