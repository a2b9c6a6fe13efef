"""The gathering half of Lokalarkiv: a Scrapy project plus Scrapy-free extraction functions.

- the source list: ``sources`` (Source, loading), ``source_schema`` (pydantic models),
  ``source_lines`` (line numbers for errors);
- the crawl (Scrapy): ``spiders.news`` discovers and fetches, ``pipelines`` extract and
  archive, ``middlewares``, ``dupefilter``, ``extensions``, ``settings``, ``run``;
- what the crawl's parts share: ``context`` (the crawl context), ``recorder`` (the run's
  counts), ``run_report``; ``archiving`` (the archive pipeline's parts);
- policy as plain functions: ``discovery`` (sitemaps, feeds), ``revisit``, ``urls``,
  ``dates``, ``fetch_errors``;
- extraction and enrichment: ``extract``, ``page_meta``, ``language``, ``processing``,
  ``reextract``, ``enrich``.

May import ``indexer``; never ``search_cli``. Scrapy and Twisted stay in the crawl modules.
"""
