"""Extraction and enrichment run again over the responses kept in WARC, fetching nothing.

A better extractor or enricher is applied to what the archive holds: the latest record of
every archived article and of every page judged not an article goes through the crawl's own
``process_page`` (in worker processes when there is enough to do), and the archive keeps a
new version only where the result differs (``Archive.add_extraction``). A page that the
extractor now accepts becomes an article; an article it now rejects is kept as it was.
No Scrapy here: `arkiv reextract` runs this in its own process.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.enrich import similar
from crawler.processing import Page, PageProcessor, Processed, default_workers, process_page
from crawler.sources import Source
from indexer.errors import ArchiveError
from indexer.store.archive import Archive, StoredRecord
from indexer.store.warc import read_response

PARALLEL_FROM = 200
"""Records from which worker processes pay off: each takes a second or two to start."""

Event = Callable[[str, str, str], None]
"""Called with (kind, url or source id, detail); kind is "error" (a record that could not be
re-extracted), "notice" (a source missing from the source list), "changed", "new_article"
or "rejected"."""
Progress = Callable[["ReextractCounts", int], None]
"""Called with the counts so far and the number of records in all, after each record."""


@dataclass
class ReextractCounts:
    """What a re-extraction found."""

    read: int = 0  # records read from WARC (or tried)
    changed: int = 0  # archived articles given a new version
    unchanged: int = 0  # archived articles for which nothing changed
    new_articles: int = 0  # pages judged not articles that extraction now accepts
    not_articles: int = 0  # pages that extraction still judges not articles
    rejected: int = 0  # archived articles extraction now rejects (kept as they were)
    errors: int = 0  # records that could not be read or extracted (each reported)


@dataclass(frozen=True, slots=True)
class _Job:
    """One record and what its page needs besides the response (small and picklable)."""

    record: StoredRecord
    warc_dir: Path
    source_name: str
    home_municipality: str
    home_region: str


def reextract(
    archive: Archive,
    warc_dir: Path,
    sources: Iterable[Source],
    *,
    only: Collection[str] = (),
    dry_run: bool = False,
    workers: int | None = None,
    event: Event | None = None,
    progress: Progress | None = None,
) -> ReextractCounts:
    """Run extraction and enrichment over the archive's WARC records again.

    Args:
        archive: the archive (written to unless ``dry_run``; hold the crawl lock).
        warc_dir: the folder of its WARC files.
        sources: the source list: each source's home municipality and region are priors
            for tagging, as in the crawl. A source missing from it is re-extracted without.
        only: only the records of these source ids.
        dry_run: count what would change, write nothing.
        workers: extraction worker processes (default: one per core when there are
            ``PARALLEL_FROM`` records or more; 0: in this process).
        event: told of each error, change, new article and rejected article.
        progress: told of the counts after each record.

    Returns:
        The counts. A record that cannot be read (a missing or damaged WARC file) is
        reported through ``event`` and counted, and the archive is left as it was for it.
    """
    counts = ReextractCounts()
    total = archive.count_stored_records(only)
    if workers is None:
        workers = default_workers() if total >= PARALLEL_FROM else 0
    tell: Event = event or (lambda *_: None)
    jobs = _jobs(archive, warc_dir, {s.id: s for s in sources}, only, tell)
    processor = PageProcessor(workers)
    try:
        for record, result in processor.imap(_process, jobs):
            counts.read += 1
            if isinstance(result, str):
                counts.errors += 1
                tell("error", record.url, result)
            else:
                _record(archive, record, result, counts, dry_run, tell)
            if progress is not None:
                progress(counts, total)
    finally:
        processor.close()
    return counts


def _jobs(
    archive: Archive,
    warc_dir: Path,
    sources: dict[str, Source],
    only: Collection[str],
    tell: Event,
) -> Iterator[_Job]:
    names = archive.source_names()
    unknown: set[str] = set()
    for record in archive.stored_records(only):
        source = sources.get(record.source)
        if source is None:
            if record.source not in unknown:
                unknown.add(record.source)
                tell(
                    "notice",
                    record.source,
                    "not in the source list: re-extracted without its home municipality",
                )
            name = names.get(record.source, record.source)
            yield _Job(record, warc_dir, name, "", "")
        else:
            yield _Job(record, warc_dir, source.name, source.municipality, source.region)


def _process(job: _Job) -> tuple[StoredRecord, Processed | str]:
    """In a worker: read the record and process its page as the crawl does, or say why not."""
    record = job.record
    if record.warc is None:
        return record, "no raw response of it was kept"
    try:
        stored = read_response(job.warc_dir, record.warc)
        page = Page(
            stored.url,
            stored.status,
            stored.headers,
            stored.body,
            record.fetched_at,
            record.source,
            job.source_name,
            job.home_municipality,
            job.home_region,
        )
    except ArchiveError as exc:
        return record, str(exc)
    try:
        return record, process_page(page, record=False)
    except Exception as exc:  # one page's failure must not end a run over the whole archive
        return record, f"extraction failed: {type(exc).__name__}: {exc}"


def _record(
    archive: Archive,
    record: StoredRecord,
    result: Processed,
    counts: ReextractCounts,
    dry_run: bool,
    tell: Event,
) -> None:
    """Count what extraction made of one record and keep it in the archive."""
    assert record.warc is not None  # a record without one is an error in _process
    article = result.article
    if record.kind == "article":
        if article is None:
            counts.rejected += 1
            tell("rejected", record.url, result.not_article or "")
            return
        article.canonical_url = record.url  # an archived article keeps its identity
        outcome = archive.add_extraction(article, record.warc, dry_run=dry_run)
        if outcome == "unchanged":
            counts.unchanged += 1
        else:
            counts.changed += 1
            tell("changed", record.url, "")
    elif article is None:
        counts.not_articles += 1
        reason = result.not_article or ""
        if reason != record.reason and not dry_run:
            archive.note_page_reason(record.url, reason)
    else:
        counts.new_articles += 1
        archive.add_extraction(
            article, record.warc, same_story=similar, page_url=record.url, dry_run=dry_run
        )
        tell("new_article", article.canonical_url, record.url)
