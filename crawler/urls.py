"""URL canonicalisation: one spelling per URL, for stable ids and no duplicate fetches."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Parameters that identify a campaign or a click, never the content.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "_hs", "vero_", "matomo_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "_ga",
        "_gl",
        "cmpid",
        "xtor",
        "ref",
        "referrer",
        "at_medium",
        "at_campaign",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ocid",
        "s_cid",
        "share",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only track clicks (utm_*, fbclid, …)."""
    lower = name.lower()
    return lower in _TRACKING_NAMES or lower.startswith(_TRACKING_PREFIXES)


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Return the one spelling of ``url`` that the archive uses.

    Resolves against ``base``, lowercases scheme and host, drops default ports, the fragment
    and tracking parameters, and sorts the remaining query parameters. Paths are kept as
    given (case and trailing slash matter to many servers).

    Args:
        url: an absolute URL, or a relative one together with ``base``.
        base: the URL of the page the link was found on.

    Returns:
        The canonical URL, or ``""`` when ``url`` is not http(s).
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return ""
    host = parts.hostname.lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        return ""
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k)
    ]
    query.sort()
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def url_path(url: str) -> str:
    """The path plus ``?query`` of a URL: what source patterns are matched against."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
