"""Search: the index built from the archive, and the questions asked of it.

- ``query``: the query language and the shapes a search returns (``Query``, ``Hit``,
  ``SearchPage``), shared by every backend and every interface;
- ``textsearch``: Swedish text folding and stemming shared by the backends;
- ``sync``: brings an index up to date with the archive (the one path that writes an index);
- ``backends``: the ``SearchBackend`` protocol, the embedded Tantivy index and Meilisearch.

May import: ``indexer`` core and ``indexer.store`` (``sync`` reads the archive). Never the
crawler or an interface.
"""
