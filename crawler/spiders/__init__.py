"""Scrapy spiders of Lokalarkiv: one generic news spider driven by sources.toml."""
