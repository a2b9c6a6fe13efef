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


def classify_failure(failure: Failure) -> tuple[str, str]:
    """(kind, reason) for a failed request: http_503, timeout, too_large, robots, …"""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "robots", text
        if "redirect" in text.lower():
            return "redirect_loop", text
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
