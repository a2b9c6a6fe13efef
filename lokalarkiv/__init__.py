"""The application: what a user can ask of Lokalarkiv, as plain functions returning data.

- ``params``: the one definition of sorts, limits, kinds and filters, and the Query they make;
- ``storage``: the data folder opened for reading or writing, and its search index;
- ``searching``: a page of hits grouped by story, and the index kept up to date;
- ``articles``: one article, its versions and what changed;
- ``people``: the timeline of people in roles;
- ``status``: what the archive holds and how the crawls went;
- ``exporting``: every match of a search as CSV, JSON Lines or Parquet, and its manifest
  (the machinery and formats beside it: ``export_pipeline``, ``export_formats``,
  ``export_lines``, ``export_parquet``).

Both interfaces, the CLI (``search_cli``) and the web app (``web``), call these and only
render what they return. May import: ``indexer`` (core, store, search) and the plain-Python
parts of ``crawler`` (the gazetteer, the source list); never Scrapy, never an interface.
"""
