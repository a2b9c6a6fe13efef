"""The store: what is kept for good.

- ``archive``: the SQLite archive (articles and their versions, pages, runs, sources);
- ``warc``: the raw responses, in WARC files beside the archive;
- ``lock``: the one-writer lock that crawls, index builds and re-extractions take.

May import: ``indexer`` core (``article``, ``errors``, ``config``). Never the search index,
the crawler or an interface: the archive is the source of truth everything else is rebuilt from.
"""
