"""The crawl's hold on the archive: the parts ``crawler.pipelines.ArchivePipeline`` composes.

- ``session``: the one archive connection of a crawl, and what the spider may know of and
  tell the archive (through the crawl context, never the connection itself);
- ``lock``: the archive's crawl lock, unless `arkiv crawl` holds it already;
- ``runs``: the run record in the archive (opened at the start, closed with its report);
- ``warc``: the WARC files the responses go to, repaired after an interrupted run;
- ``report_file``: the report as DATA/runs/run-<id>.json for monitoring scripts;
- ``index``: the search index brought up to date when the crawl ends.

May import ``indexer`` (store, search, config, errors) and ``crawler.recorder``; no Scrapy.
"""
