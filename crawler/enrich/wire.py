"""Wire copy: which agency a story comes from, and fingerprints to group its copies.

``detect_wire`` reads the byline (an author "TT", "NTB", "Reuters", ...) and the markers agencies
leave in the text: a "(TT)" dateline ("STOCKHOLM (TT)"), "TT-Reuters", a byline line "Anna
Svensson/TT" or "Text: TT", a closing "(TT)". A TT photo credit ("Foto: Anna Svensson/TT") on a
local story is not wire copy.

``fingerprint`` is a 64-bit SimHash over overlapping three-word shingles of the text (lower
case, words only); ``similar`` says whether two fingerprints differ in at most
``SIMILAR_MAX_DISTANCE`` bits. Identical copies differ in 0 bits; a copy with a paragraph added
or cut, a new headline or a local intro in 3-10; unrelated stories in about 32 (a binomial
around half of the 64 bits; 10 or fewer is about one in 50 million pairs). The archive compares
a new article with recent ones and sets ``duplicate_of`` to the earliest similar one.
"""

from __future__ import annotations

import hashlib
import re

from crawler.enrich.agencies import AGENCIES, AGENCY_ALTERNATIVES

__all__ = [
    "AGENCIES",
    "SIMILAR_MAX_DISTANCE",
    "detect_wire",
    "fingerprint",
    "hamming",
    "similar",
]

SIMILAR_MAX_DISTANCE = 10
SHINGLE_WORDS = 3
_BY_NAME = {a.lower(): a for a in AGENCIES} | {
    "tt nyhetsbyrån": "TT",
    "tidningarnas telegrambyrå": "TT",
    "associated press": "AP",
    "agence france-presse": "AFP",
}
_AGENCY = f"({AGENCY_ALTERNATIVES})"
_ANY_AGENCY = re.compile(_AGENCY)
_DATELINE = re.compile(rf"\({_AGENCY}\)")
_TT_COMBINED = re.compile(r"\bTT\s?[-–/]\s?(?:Reuters|AFP|AP|DPA|Ritzau|NTB|FNB)\b")
_BYLINE_SLASH = re.compile(
    rf"(?<!Foto: )(?<!Bild: )(?<!foto: )\b[A-ZÅÄÖ][\w-]+ [A-ZÅÄÖ][\w-]+/{_AGENCY}\b"
)
_LABELLED = re.compile(rf"\b(?:Text|Källa|Av|Byline)\s*:\s*{_AGENCY}\b")
_BARE_LINE = re.compile(rf"^\s*{_AGENCY}\s*$", re.MULTILINE)
_PHOTO = re.compile(r"(?:Foto|Bild|Photo)\s*:[^\n]{0,60}$")
_WORDS = re.compile(r"\w+")
_HEAD_CHARS = 400
_TAIL_CHARS = 300


def detect_wire(title: str, lead: str, body: str, authors: list[str] | None = None) -> str | None:
    """The agency whose copy this is ("TT", "NTB", "Reuters", ...), or None."""
    for author in authors or ():
        name = _BY_NAME.get(" ".join(author.split()).lower())
        if name:
            return name
    head = f"{lead}\n{body[:_HEAD_CHARS]}"
    tail = body[-_TAIL_CHARS:]
    if not (_ANY_AGENCY.search(head) or _ANY_AGENCY.search(tail)):
        return None
    if _TT_COMBINED.search(head) or _TT_COMBINED.search(tail):
        return "TT"
    for part in (head, tail):
        for pattern in (_DATELINE, _LABELLED, _BYLINE_SLASH, _BARE_LINE):
            for m in pattern.finditer(part):
                if _PHOTO.search(part[max(0, m.start() - 60) : m.start()]):
                    continue
                return _BY_NAME[m.group(1).lower()]
    return None


def _shingles(text: str) -> list[str]:
    words = _WORDS.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)]


_BIT_TABLES = [bytes((v >> bit) & 1 for v in range(256)) for bit in range(8)]


def fingerprint(text: str) -> int:
    """64-bit SimHash of ``text`` over its three-word shingles (0 for text without words)."""
    shingles = set(_shingles(text))
    if not shingles:
        return 0
    digests = b"".join(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest() for s in shingles)
    n = len(shingles)
    half = n / 2
    result = 0
    for byte in range(8):
        column = digests[byte::8]
        for bit in range(8):
            if column.translate(_BIT_TABLES[bit]).count(1) > half:
                result |= 1 << (byte * 8 + bit)
    return result


def hamming(a: int, b: int) -> int:
    """Number of bits in which two fingerprints differ."""
    return (a ^ b).bit_count()


def similar(a: int, b: int, max_distance: int = SIMILAR_MAX_DISTANCE) -> bool:
    """True when two fingerprints are of the same story (at most ``max_distance`` bits apart)."""
    return a != 0 and b != 0 and hamming(a, b) <= max_distance
