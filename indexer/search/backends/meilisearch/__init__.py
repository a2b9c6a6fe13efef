"""The Meilisearch backend, one module per job.

- ``settings``: the index's settings, its documents and their Swedish analysis (pure Python);
- ``filters``: what a search asks (``q``, filters, sort) and the snippets (pure Python);
- ``hits``: the server's answers as hits and facet counts; ``errors``: its exceptions as ours;
- ``backend``: :class:`MeilisearchBackend`, which talks to the server.

May import: ``indexer`` core, ``indexer.search`` (query, textsearch, keyset), the
``meilisearch`` client and requests. Importing this package loads the client library, so the
backend registry imports it only when this backend is chosen.
"""

from indexer.search.backends.meilisearch.backend import (
    FACET_SIZE,
    MIN_SERVER_VERSION,
    MeilisearchBackend,
)
from indexer.search.backends.meilisearch.errors import (
    safe_url,
    server_message,
    task_error,
    translate_error,
)
from indexer.search.backends.meilisearch.hits import degraded

__all__ = [
    "FACET_SIZE",
    "MIN_SERVER_VERSION",
    "MeilisearchBackend",
    "degraded",
    "safe_url",
    "server_message",
    "task_error",
    "translate_error",
]
