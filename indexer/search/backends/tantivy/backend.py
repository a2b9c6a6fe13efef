"""The embedded default search backend: one Tantivy index in one folder.

Layout: ``index_dir`` holds Tantivy's files plus ``lokalarkiv-index.json`` (our schema version,
written after the index is created), ``lokalarkiv-checked.json`` (which files were found
intact) and the completion table. Opening an index whose version differs, whose JSON is
missing or garbage, or whose Tantivy files are damaged raises ``BackendUnavailable``; the sync
then calls :meth:`TantivyBackend.destroy` and rebuilds from the archive (and `arkiv search`
rebuilds and searches again). Damage is found by the files' checksums on open, each file read
once, and by a panic of the engine at any later call, which is caught and raised as the same
``BackendUnavailable`` ("the search index at ... is damaged: ...", see :mod:`.damage`).
A writer lock held by another process raises ``IndexingError`` instead (try again later;
never a rebuild).

Measured: ``python -m bench.bench_search`` (indexing against a bare writer, latency by query
kind, size, memory); the figures are in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import tantivy as tv

from indexer.article import Article
from indexer.errors import BackendUnavailable, IndexingError
from indexer.search.backends.tantivy import folder as folder_files
from indexer.search.backends.tantivy import paging
from indexer.search.backends.tantivy.completions import CompletionTable, StoredTable
from indexer.search.backends.tantivy.damage import (
    Checker,
    held_engine_output,
    is_panic,
    panic_text,
)
from indexer.search.backends.tantivy.documents import document, hit, id_from_key
from indexer.search.backends.tantivy.facets import count_facets
from indexer.search.backends.tantivy.folder import REBUILD_HINT
from indexer.search.backends.tantivy.periods import count_periods
from indexer.search.backends.tantivy.plan import Plan
from indexer.search.backends.tantivy.ranking import count, page_of
from indexer.search.backends.tantivy.schema import (
    MATCH_FIELD,
    SCHEMA_VERSION,
    register_analyzers,
)
from indexer.search.backends.tantivy.snippets import PageSnippets
from indexer.search.periods import check_by
from indexer.search.query import Hit, IndexStats, Query, SearchPage

if TYPE_CHECKING:
    from indexer.config import Config

__all__ = ["TantivyBackend"]


class TantivyBackend:
    """A Lokalarkiv index in one folder (see the module docstring).

    Cheap to construct: nothing is opened until first use. ``configure()`` creates the
    index; the other methods open an existing one (``BackendUnavailable`` if it is missing,
    of another schema version or damaged). Safe to share between threads.
    """

    is_local: ClassVar[bool] = True

    @classmethod
    def options(cls, config: Config) -> dict[str, Any]:
        """No options from the configuration: the folder is all it needs."""
        return {}

    @classmethod
    def index_location(cls, config: Config) -> str:
        return str(config.index_dir)

    def __init__(
        self,
        index_dir: Path,
        *,
        writer_heap_bytes: int = 96_000_000,
        writer_threads: int = 0,
        facet_size: int = 300,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.writer_heap_bytes = writer_heap_bytes
        self.writer_threads = writer_threads
        self.facet_size = facet_size
        self._index: tv.Index | None = None
        self._writer: tv.IndexWriter | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._table = StoredTable(self.index_dir)
        self._checker: Checker | None = None  # the files' integrity, from the open
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ lifecycle

    def configure(self) -> None:
        """Create the index if the folder is missing or empty; check an existing one."""
        with self._lock:
            if self._index is not None:
                return
            folder = self.index_dir
            if folder.is_dir() and any(folder.iterdir()):
                self._open()
                return
            index = folder_files.create(folder)
            self._index = index
            self._checker = Checker(folder)  # every file in it is this backend's own

    def destroy(self) -> None:
        """Close and remove the index folder, for a rebuild; a folder that does not look like
        an index is refused (see :func:`.folder.remove`)."""
        with self._lock:
            self._discard()
            folder_files.remove(self.index_dir)

    def close(self) -> None:
        """After writing: wait for background merges and write the completion table. Then
        release the writer lock and the index. Idempotent."""
        with self._lock:
            writer, self._writer = self._writer, None
            index, self._index = self._index, None
            pool, self._pool = self._pool, None
            if pool is not None:
                pool.shutdown()
            checker, self._checker = self._checker, None
            if writer is None or index is None:
                return
            # The table is read from the committed index while Tantivy's own threads finish
            # their merges, so it mostly runs on a core the merges leave idle.
            with ThreadPoolExecutor(max_workers=1) as table_pool:
                table = table_pool.submit(self._write_completions, index)
                try:
                    writer.wait_merging_threads()
                except ValueError as exc:
                    raise IndexingError(f"finishing index merges failed: {exc}") from exc
                except BaseException as exc:
                    if not is_panic(exc):
                        raise
                    raise self._damaged(f"merging its segments failed ({panic_text(exc)})") from exc
                crc = table.result()  # BackendUnavailable when the engine panicked reading
            if checker is not None:
                checker.written(crc)

    def _write_failure(
        self, writer: tv.IndexWriter, exc: BaseException, doing: str
    ) -> IndexingError | BackendUnavailable:
        """What a failed write raises. Damage is ``BackendUnavailable`` (the sync then
        rebuilds): a panic, or an error while a segment file fails its checksum (every file
        is read again: this is the error path). Anything else is ``IndexingError`` (run
        again: the archive is unchanged and the sync resumes)."""
        if is_panic(exc):  # the writer is not to be used after its engine panicked
            self._writer = None
            return self._damaged(f"{doing} it failed ({panic_text(exc)})")
        self._rollback(writer)
        problem = Checker(self.index_dir).verify_all()
        if problem:
            return self._damaged(f"{problem} ({doing} it failed: {panic_text(exc)})")
        return IndexingError(f"{doing} the search index failed: {exc}")

    def _discard(self) -> None:
        """Drop the index and its writer without writing anything more (before removing the
        folder): the writer's merges are waited for, but not their errors or panics."""
        with self._lock:
            pool, self._pool = self._pool, None
            if pool is not None:
                pool.shutdown()
            writer, self._writer = self._writer, None
            self._index = self._checker = None
            if writer is None:
                return
            try:
                with held_engine_output():
                    writer.wait_merging_threads()
            except ValueError:
                pass
            except BaseException as exc:
                if not is_panic(exc):
                    raise

    def __enter__(self) -> TantivyBackend:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def upsert(self, articles: Iterable[Article], *, new: bool = False) -> int:
        """Add or replace articles by id (one commit for the batch); ``gone`` ones are
        deleted instead. Returns the number of documents written.

        ``new=True`` promises that none of the ids is in the index yet (a build into an empty
        index): the per-document delete is then skipped. Each delete is a term the commit
        must apply to every segment, which costs a rebuild a third of its time.

        No article, no writer: a sync that finds nothing to do (every `arkiv export` and
        `arkiv search` starts with one) takes no writer lock and leaves ``close`` nothing to
        finish (at 100k articles the completion table alone took a second).
        """
        with self._lock:
            index = self._open()
            articles = iter(articles)
            first = next(articles, None)
            if first is None:
                return 0
            articles = itertools.chain([first], articles)
            writer = self._writer_for(index)
            written = changed = 0
            try:
                for article in articles:
                    if not new:
                        writer.delete_documents_by_term("id", article.id)
                    changed += 1
                    if article.gone:
                        continue
                    writer.add_document(document(article))
                    written += 1
                if changed:
                    writer.commit()
            except ValueError as exc:
                raise self._write_failure(writer, exc, "writing to") from exc
            except BaseException as exc:
                if is_panic(exc):
                    raise self._write_failure(writer, exc, "writing to") from exc
                self._rollback(writer)
                raise
            if changed:
                self._reload(index)
            return written

    def delete(self, ids: Iterable[str]) -> int:
        """Remove articles by id; returns how many of them were in the index."""
        with self._lock:
            index = self._open()
            searcher = index.searcher()
            writer = self._writer_for(index)
            present = 0
            try:
                for doc_id in dict.fromkeys(ids):
                    hits = searcher.search(tv.Query.term_query(index.schema, "id", doc_id), 1)
                    if count(hits):
                        present += 1
                        writer.delete_documents_by_term("id", doc_id)
                if present:
                    writer.commit()
            except ValueError as exc:
                raise self._write_failure(writer, exc, "deleting from") from exc
            except BaseException as exc:
                if not is_panic(exc):
                    raise
                raise self._write_failure(writer, exc, "deleting from") from exc
            if present:
                self._reload(index)
            return present

    # ------------------------------------------------------------------ reading

    def search(self, query: Query) -> SearchPage:
        """One page of hits (with snippets), the total and the facet counts.

        The facet counts are a second pass over every match; they run in a worker thread
        (Tantivy releases the GIL) while this one ranks, loads the page and makes the
        snippets, so a search takes about the longer of the two, not their sum.
        """
        index = self._open()
        table = self.completion_table()
        facets_later = None
        with self._engine("searching it"):
            try:
                searcher = index.searcher()
                plan = Plan.build(index.schema, query, searcher, table)
                if query.facets:
                    facets_later = self._facet_pool().submit(
                        count_facets, searcher, plan.query, query.facets, self.facet_size
                    )
                total, rows = page_of(
                    searcher,
                    plan.query,
                    plan.sort,
                    scored=plan.scored,
                    limit=max(query.limit, 1),
                    offset=query.offset,
                )
                rows = rows[: query.limit]
                docs = [searcher.doc(address) for _, address in rows]
                snippets = PageSnippets(searcher, index.schema, plan).page(docs)
                hits = [
                    hit(doc, score if plan.scored else 0.0, snippet)
                    for (score, _), doc, snippet in zip(rows, docs, snippets, strict=True)
                ]
                facets = facets_later.result() if facets_later else {}
            except BaseException:
                if facets_later is not None:  # its panic, if any, is held here too
                    with contextlib.suppress(BaseException):
                        facets_later.result()
                raise
        if not total:
            facets = {name: {} for name in query.facets}
        return SearchPage(total=total, hits=hits, facets=facets)

    def iter_matches(self, query: Query) -> Iterator[Hit]:
        """Every match, in date order (newest first, or oldest first for ``sort="oldest"``;
        relevance sort also yields newest first). Keyset paging over one searcher snapshot:
        memory stays at one page whatever the number of matches. Hits carry no snippet."""
        for searcher, page in self._keyset_pages(query, paging.ITER_PAGE):
            with self._engine("reading it"):
                hits = [hit(searcher.doc(address), 0.0) for _, address in page]
            yield from hits

    def iter_match_keys(self, query: Query) -> Iterator[tuple[int | None, str]]:
        """Every match as (published, id), in :meth:`iter_matches`' order, read from fast
        fields only: no stored document is loaded (what `arkiv export` orders by).
        ``published`` is the instant in microseconds since the epoch (UTC), None when
        undated."""
        for searcher, page in self._keyset_pages(query, paging.KEY_PAGE):
            addresses = [address for _, address in page]
            with self._engine("reading it"):
                published = searcher.fast_field_values("published_us", addresses)
                ids = searcher.fast_field_values("id_key", addresses)
            for when, key in zip(published, ids, strict=True):
                yield (None if when is None else int(when)), id_from_key(int(key or 0))

    def _keyset_pages(
        self, query: Query, size: int
    ) -> Iterator[tuple[tv.Searcher, list[tuple[int, tv.DocAddress]]]]:
        """Every match as pages of (order key, address) in date order, over one searcher
        snapshot (see :mod:`.paging`)."""
        index = self._open()
        table = self.completion_table()
        with self._engine("reading it"):
            searcher = index.searcher()
            plan = Plan.build(index.schema, query, searcher, table)
        pages = paging.keyset_pages(
            searcher,
            index.schema,
            plan.query,
            oldest=query.sort == "oldest",
            size=size,
            engine=self._engine,
        )
        for page in pages:
            yield searcher, page

    def count_by_period(self, query: Query, by: str) -> list[tuple[date, int]]:
        """Matches per period, from the index's aggregations (see :mod:`.periods`)."""
        check_by(by)
        index = self._open()
        table = self.completion_table()
        with self._engine("counting in it"):
            searcher = index.searcher()
            plan = Plan.build(index.schema, query, searcher, table)
            return count_periods(searcher, plan.query, by)

    def stats(self) -> IndexStats:
        index = self._open()
        with self._engine("reading it"):
            searcher = index.searcher()
            documents, segments = searcher.num_docs, searcher.num_segments
        size = 0
        for root, _dirs, files in os.walk(self.index_dir):
            for name in files:
                with contextlib.suppress(OSError):  # a segment merged away meanwhile
                    size += (Path(root) / name).stat().st_size
        return IndexStats(
            documents=documents,
            size_bytes=size,
            schema_version=SCHEMA_VERSION,
            backend="tantivy",
            location=str(self.index_dir),
            segments=segments,
        )

    # ------------------------------------------------------------------ for inspection

    def searcher(self) -> tv.Searcher:
        """A searcher of the index as it is now (opening it first): for tools and tests
        that ask the engine directly."""
        index = self._open()
        with self._engine("reading it"):
            return index.searcher()

    def plan(self, query: Query) -> Plan:
        """``query`` compiled as :meth:`search` compiles it (for tools and tests)."""
        index = self._open()
        with self._engine("reading it"):
            return Plan.build(index.schema, query, index.searcher(), self.completion_table())

    def completion_table(self) -> CompletionTable | None:
        """The completion table as last written by a closed write session, if it is the one
        this backend wrote (else None: prefixes walk the term dictionary)."""
        return self._table.current()

    # ------------------------------------------------------------------ internals

    def _open(self) -> tv.Index:
        with self._lock:
            if self._index is not None:
                return self._index
            folder = self.index_dir
            if not folder.is_dir():
                raise BackendUnavailable(
                    f"there is no search index at {folder}",
                    hint="Build it from the archive: `arkiv index`.",
                )
            folder_files.check_meta(folder)
            checker = Checker(folder)
            problem = checker.check()
            if problem:
                raise self._damaged(problem)
            with self._engine("opening it"):
                index = tv.Index.open(str(folder))
                register_analyzers(index)
            self._index = index
            self._checker = checker
            return index

    def _damaged(self, problem: str, also: str = "") -> BackendUnavailable:
        state = f"damaged {also}" if also else "damaged"
        return BackendUnavailable(
            f"the search index at {self.index_dir} is {state}: {problem}", hint=REBUILD_HINT
        )

    @contextlib.contextmanager
    def _engine(self, doing: str) -> Iterator[None]:
        """Around calls into Tantivy: its errors (``ValueError``) and its panics (a
        ``BaseException``: Tantivy met bytes it cannot read) become ``BackendUnavailable``,
        which makes the sync and `arkiv search` rebuild a local index. What the panic
        prints on stderr is held back (see :func:`.damage.held_engine_output`)."""
        try:
            with held_engine_output():
                yield
        except ValueError as exc:  # Tantivy's own error: mostly bytes it cannot decode
            raise self._damaged(f"{doing} failed ({panic_text(exc)})", "or unreadable") from exc
        except BaseException as exc:
            if not is_panic(exc):
                raise
            raise self._damaged(f"{doing} failed ({panic_text(exc)})") from exc

    def _write_completions(self, index: tv.Index) -> int:
        """Write the completion table; returns the CRC-32 of its bytes, for the record of
        what this backend wrote (a table that no longer matches it is not used)."""
        with self._engine("reading its terms"):  # BackendUnavailable: damaged
            try:
                return self._table.write(index.searcher(), MATCH_FIELD)
            except OSError as exc:
                raise IndexingError(
                    f"writing the completion table in {self.index_dir} failed: {exc}"
                ) from exc

    def _writer_for(self, index: tv.Index) -> tv.IndexWriter:
        if self._writer is None:
            try:
                self._writer = index.writer(self.writer_heap_bytes, self.writer_threads)
                if self._checker is not None:
                    self._checker.begin_write()
            except ValueError as exc:
                if "lock" in str(exc).lower():
                    raise IndexingError(
                        f"another process is writing the index at {self.index_dir}",
                        hint="Wait for it to finish (`arkiv index` runs one at a time).",
                    ) from exc
                raise IndexingError(f"cannot write the index at {self.index_dir}: {exc}") from exc
        return self._writer

    def _rollback(self, writer: tv.IndexWriter) -> None:
        try:
            writer.rollback()
        except ValueError:
            self._writer = None  # a broken writer: make a new one next time

    def _reload(self, index: tv.Index) -> None:
        with self._engine("reloading it"):
            index.reload()

    def _facet_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="facets")
            return self._pool
