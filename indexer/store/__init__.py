"""The store: what is kept for good.

- ``archive``: the SQLite archive, :class:`~indexer.store.archive.Archive`, made of parts:
  ``connection`` (opening, transactions, meta), ``schema`` (tables and migrations),
  ``rows`` (articles to rows and back), ``versions`` (writing articles), ``articles``
  (reading them, the change feed), ``pages`` (URLs that are not articles), ``records``
  (responses to re-extract), ``runs`` (crawl runs), ``sources`` (sources, story groups,
  counts);
- ``warc``: the raw responses, in WARC files beside the archive;
- ``lock``: the one-writer lock that crawls, index builds and re-extractions take.

May import: ``indexer`` core (``article``, ``errors``, ``config``). Never the search index,
the crawler or an interface: the archive is the source of truth everything else is rebuilt from.
"""
