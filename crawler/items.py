"""What the spider hands to the pipelines: one fetched page, before extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from indexer.article import Article


@dataclass
class PageItem:
    """A fetched article candidate. ``article`` is filled by ExtractPipeline."""

    url: str  # after redirects
    requested_url: str  # as the spider asked for it, before redirects
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # as received (after Content-Encoding); decoded by the extract pipeline
    fetched_at: datetime
    source_id: str
    source_name: str
    home_municipality: str = ""  # the source's, a prior for tagging municipalities
    home_region: str = ""
    article: Article | None = field(default=None, repr=False)
    not_article: str | None = None  # why extraction found no article, if it did not
    warc_record: bytes = field(default=b"", repr=False)  # the response as a WARC record

    def header(self, name: str) -> str | None:
        """The first value of a response header, case-insensitively."""
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)
