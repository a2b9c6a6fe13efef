"""The embedded Tantivy backend, one module per job.

- ``schema``: fields, analyzers, compound heads; ``documents``: articles to documents and
  back (sort keys, recency); ``plan``: a Query compiled to one Tantivy query;
  ``ranking``: relevance times recency, date order, one page; ``snippets``: marked
  fragments; ``facets``: value counts; ``paging``: every match by keyset;
  ``completions``: the table of frequent stems; ``damage``: integrity checks and engine
  panics; ``backend``: :class:`TantivyBackend`, which ties them together.

May import: ``indexer`` core, ``indexer.search`` (query, textsearch, keyset) and tantivy.
Nothing outside this package imports its modules but through the names below (and tools and
tests through the modules' ``__all__``).
"""

from indexer.search.backends.tantivy.backend import TantivyBackend
from indexer.search.backends.tantivy.schema import (
    COMPOUND_HEADS,
    META_FILE,
    SCHEMA_VERSION,
    compound_parts,
    typo_distance,
)

__all__ = [
    "COMPOUND_HEADS",
    "META_FILE",
    "SCHEMA_VERSION",
    "TantivyBackend",
    "compound_parts",
    "typo_distance",
]
