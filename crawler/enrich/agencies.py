"""The news agencies (wire services) whose copy regional papers run: one list for all readers.

Used where a byline is read (``crawler.page_meta``: an author "TT" is an agency, not a person),
where wire copy is detected (``wire``) and where a dateline "(TT)" is cut off before places are
looked for (``places``). The three once kept lists of their own that disagreed; this is their
union, in ``wire``'s order.
"""

from __future__ import annotations

__all__ = ["AGENCIES", "AGENCY_ALTERNATIVES"]

AGENCIES: tuple[str, ...] = (
    "TT",
    "NTB",
    "Reuters",
    "AFP",
    "AP",
    "Ritzau",
    "FNB",
    "DPA",
    "Omni",
    "Bloomberg",
)

# "TT|NTB|Reuters|…" for a regular expression (the names have no special characters).
AGENCY_ALTERNATIVES = "|".join(AGENCIES)
