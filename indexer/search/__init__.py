"""Search: the index built from the archive, and the questions asked of it.

- ``query``: what a search asks and what comes back (``Query``, ``Hit``, ``Snippet``,
  ``SearchPage``), shared by every backend and every interface;
- ``textsearch``: the query language, diacritic folding and compound heads, shared by the
  backends (and the gazetteer's folding of place names);
- ``keyset``: keyset paging with ties, which both backends' every-match iteration uses;
- ``sync``: brings an index up to date with the archive (the one path that writes an index);
- ``backends``: the ``SearchBackend`` protocol and registry, and a package per backend
  (``tantivy``, the embedded index; ``meilisearch``, an index on a server).

May import: ``indexer`` core and ``indexer.store`` (``sync`` reads the archive). Never the
crawler or an interface.
"""
