"""Scrapy spiders of Lokalarkiv: one generic news spider driven by sources.toml.

The spider discovers and fetches only; it may import the crawl context, the source list and
the policy modules of ``crawler``, never the archive (it gets ``KnownPages`` instead).
"""
