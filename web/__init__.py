"""The newsroom web app behind `arkiv serve`: search, articles and their versions, the page as
it was fetched, people, status and export, each page with a JSON twin under ``/api``.

Pages only render what :mod:`lokalarkiv` returns; all archived text is treated as hostile
(escaped by the templates, snippets through :func:`web.markup.snippet_markup` only).
May import: ``lokalarkiv`` and ``indexer``; never ``search_cli`` (the CLI imports us).
"""
