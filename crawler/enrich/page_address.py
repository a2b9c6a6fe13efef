"""The municipality a page's address names: the one a local paper files the page under
("corren.se/nyheter/vadstena/...") or the one whose own site published it ("hoor.se",
"morakommun.se"). :func:`crawler.enrich.enrich` takes it as the story's home municipality."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from crawler.gazetteer import Municipality, get_gazetteer, normalise_name

__all__ = ["publisher_municipality", "section_municipality"]

# Segments after these name a county's desk (SVT's "lokalt/uppsala"), not a municipality's
_DESK_BEFORE = frozenset({"lokalt", "lan", "region"})
_KOMMUN_SEGMENTS = frozenset({"kommun", "kommuner"})


@functools.cache
def _by_folded_name() -> dict[str, Municipality | None]:
    """Municipalities by their name folded as an address spells it (``normalise_name``:
    "malung-salen" is Malung-Sälen); None where two fold alike (Habo, Håbo)."""
    found: dict[str, Municipality | None] = {}
    for muni in get_gazetteer().municipalities:
        key = normalise_name(muni.name)
        found[key] = None if key in found else muni
    return found


def _split(url: str) -> tuple[str, str]:
    """(host, path) of ``url``, lowercased; empty where it cannot be read ("http://[::1")."""
    try:
        parts = urlsplit(url)
        return (parts.hostname or "").lower(), parts.path.lower()
    except ValueError:
        return "", ""


def section_municipality(url: str) -> str:
    """The municipality a local paper files a page under, from its address: "corren.se/
    nyheter/vadstena/...", "nwt.se/torsby/2017/...", "lansposten.se/kommun/nora/..." ("" for
    none, or more than one). An ambiguous name (Nora, Mark) counts only after "kommun"."""
    segments = [normalise_name(seg) for seg in _split(url)[1].split("/") if seg]
    found: set[str] = set()
    for i, seg in enumerate(segments):
        muni = _by_folded_name().get(seg)
        before = segments[i - 1] if i else ""
        if muni is None or before in _DESK_BEFORE:
            continue
        if muni.ambiguous and before not in _KOMMUN_SEGMENTS:
            continue
        found.add(muni.name)
    return found.pop() if len(found) == 1 else ""


def publisher_municipality(url: str) -> str:
    """The municipality whose own site published the page: "www.hoor.se/nyheter/...",
    "morakommun.se/..." (a municipality's .se domain is its own), else ""."""
    host = _split(url)[0]
    if not host.endswith(".se"):
        return ""
    name = host.rsplit(".", 2)[-2]
    for candidate in (name, name.removesuffix("kommun"), name.removesuffix("stad")):
        muni = _by_folded_name().get(normalise_name(candidate))
        if muni is not None:
            return muni.name
    return ""
