"""The embedded default search backend: one Tantivy index in one folder.

Layout: ``index_dir`` holds Tantivy's files plus ``lokalarkiv-index.json`` (our schema version,
written after the index is created), ``lokalarkiv-checked.json`` (which files were found
intact) and the completion table. Opening an index whose version differs, whose JSON is
missing or garbage, or whose Tantivy files are damaged raises ``BackendUnavailable``; the sync
then calls :meth:`TantivyBackend.destroy` and rebuilds from the archive (and `arkiv search`
rebuilds and searches again). Damage is found by the files' checksums on open, each file read
once, and by a panic of the engine at any later call, which is caught and raised as the same
``BackendUnavailable`` ("the search index at ... is damaged: ...", see ``tantivy_damage``).
A writer lock held by another process raises ``IndexingError`` instead (try again later;
never a rebuild).

Analysis (custom analyzers registered on every open):

* ``sv`` for title / lead / body and ``text``: simple tokenizer (splits on anything not a
  letter or digit), lowercase, drop tokens over 40 chars, Swedish Snowball stemmer, so kommun /
  kommunen / kommunens / kommuner all index as ``kommun``. ``text`` (unstored, with positions)
  holds the title three times, the lead twice, the body and the compound heads, each as a
  separate value; words and phrases match there. Title, lead and body are stored, and their
  own indexes are documents only, for the snippets' term weights.
* ``fold`` for one extra unstored field over title + lead + body: lowercase + ASCII folding, no
  stemming. Typo tolerance runs there (Meilisearch's rule: words of 5-8 letters match with 1
  edit, 9+ with 2, shorter ones only exactly; transpositions count 1), so
  "sakerhetssamordnare" finds "säkerhetssamordnare" and "Westerbak" finds "Westerbäck".
  A word that occurs in 1 % of the index or more (and in 100+ documents) is taken as typed
  right and gets no typo derivations, only its folded form (see ``_typo_cutoff``).
  Search-as-you-type (the last word, 3+ letters) matches its completions in ``text``: the
  most frequent stems that start with it, less the word's own forms, at most
  ``PREFIX_EXPANSIONS`` (Meilisearch caps prefix derivations too; see ``_completions``),
  found in a table of the frequent stems written at the end of each write
  (``tantivy_completions``).
* ``kw`` (raw, lowercase) for the filter copies of the keyword fields, so filters ignore case;
  the facet copies are raw fast fields that keep the original spelling for display (and the
  multi-valued ones a one-value copy too, which Tantivy counts faster: see ``_facets``).

Compounds. Tantivy's ``split_compound`` filter was tried and rejected: it replaces a word it can
split by its parts (the whole word is gone from the index, so exact and phrase matching of the
compound suffer), it only splits when the whole word decomposes into dictionary words (the
Swedish linking -s- of "säkerhet-s-samordnare" needs "säkerhets" in the list), and a general
word list splits badly: with "en" in the list, "kommunen" becomes "kommun" + "en". Instead a
curated list of ~90 common compound heads (samordnare, chef, direktör, ordförande, nämnd,
styrelse, förvaltning, råd, tjänst, boende, ...) is matched at index time on the stemmed
words: a word whose stem ends in a head's stem, after a modifier of 3+ letters (4+ for the
three-letter "råd", so "förråd" is no "råd"), adds that head word once to ``text``, as a
value of its own after title, lead and body (so no phrase runs into or out of it).
"samordnare" then finds "säkerhetssamordnaren" through the same posting list as "samordnare"
itself, ranked by the same BM25 (a compound counts as one occurrence), and "kommunchef" stays
findable as itself.
A separate field would cost a union of two big posting lists for every query of a head word
(at 1M articles "styrelse" took 24 ms that way). The heads' reach is deliberate: "chef" finds
every *chef, "nämnd" every *nämnd.

Snippets: Tantivy's SnippetGenerator over body (else lead; else the plain lead), HTML-escaped
with ``<b>`` around matches. For the documents the exact words left unmarked, the words that
matched otherwise are added to the highlight terms, found once per result page: completions
from the query, compounds where the head occurs, typo and folded forms from the text's words
(a cache of each whitespace token's words; rapidfuzz for the edit distance). The facet counts
run in a worker thread meanwhile.

Ranking: each user word is a MUST of (exact stem in ``text``, BM25, which compounds share;
prefix completions and typo variants as small constants, 0.02 > 0.01, below the BM25 of any
word not in nearly every article): exact and compound matches come first, then completions,
typos. Title > lead > body comes from ``text`` holding the title three times and the lead
twice (BM25F's field weights folded into the term frequency): a word of the title counts as
three occurrences, which BM25 saturates, so a title match outranks a passing mention and a
body that is about the word still counts. Separate title and lead fields with boosts did the
same at twice the engine time: at 1M articles each optional clause is one more posting list
to walk for every match (13 ms against 5 ms for "miljon", 875k matches). Only the variants
that can add documents are in the query (a union of big posting lists costs several times
one list, and tantivy-py scores every match). Quoted phrases are phrase queries on ``text``
(a one-word phrase is exact: no typos); -word and -"phrase" are MUST_NOT. Function words
(och, i, på, ...) are optional when other words remain.
Filters are constant-score (0) clauses built from the values (term sets, a date range), never
from a query string.

Recency: relevance scores are multiplied by ``log2(2 + recency)`` (as Tantivy's
``weight_by_field`` does), with ``recency`` stored so that the factor is
``20 + years_since_2000 / 10`` (undated articles use first_seen, else 2000; a date more than a
year ahead counts as a year ahead). A year newer is worth ~0.5% of the score: equal-relevance
hits come newest first, and it never beats a real difference in relevance. The factor is
applied to the best hits by BM25 and widened to every match only when that could change the
page (see ``_ranked``). Date sorts use two u64 fast keys (published seconds << 24 | 24 bits
of the id) that put undated articles last in both orders and give ``iter_matches`` a nearly
unique key for keyset paging (constant memory, no deep offsets; ties are handled). Two more
fast fields, the id as a u64 (``id_key``) and the date to the microsecond
(``published_us``), let ``iter_match_keys`` give every match's date and id in that order
without loading a stored document (what `arkiv export` orders by: 100k matches in 0.15 s,
against 3 s through the stored documents).

Measured: ``python -m bench.bench_search`` (indexing against a bare writer, latency by query
kind, size, memory); the figures are in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import math
import os
import re
import shutil
import threading
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tantivy as tv

from indexer.article import Article
from indexer.errors import BackendUnavailable, IndexingError, QueryError
from indexer.search.backends.tantivy_completions import FILE_NAME as COMPLETIONS_FILE
from indexer.search.backends.tantivy_completions import CompletionTable
from indexer.search.backends.tantivy_damage import (
    RECORD_FILE,
    Checker,
    held_engine_output,
    is_panic,
    panic_text,
)
from indexer.search.query import Hit, IndexStats, Query, SearchPage, order_facet
from indexer.search.textsearch import (
    COMPOUND_HEADS,
    SWEDISH_STOP_WORDS,
    CompoundFinder,
    find_compound_heads,
    parse_user_query,
)

__all__ = ["COMPOUND_HEADS", "META_FILE", "SCHEMA_VERSION", "TantivyBackend", "compound_parts"]

SCHEMA_VERSION = 5
"""Bump on any change to fields or analyzers: old indexes then refuse to open (rebuild)."""
META_FILE = "lokalarkiv-index.json"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
REBUILD_HINT = "Rebuild it from the archive: `arkiv index --rebuild`."

MATCH_FIELD = "text"
"""Title, lead and body in one indexed field: every word and phrase is matched here."""
TEXT_REPEATS: dict[str, int] = {"title": 3, "lead": 2, "body": 1}
"""How many times ``text`` holds each part: a word of the title counts three times in BM25's
term frequency, one of the lead twice (title > lead > body, see the module docstring)."""
# Constant scores of the non-exact ways a word matches, below the BM25 of any word that is not
# in nearly every article (a word in 90 % of them scores ~0.05), so exact matches (and
# compounds, see the module docstring) come first, then completions, then typos.
PREFIX_SCORE = 0.02
FUZZY_SCORE = 0.01
TYPO_MAX_SHARE = 0.01
TYPO_MIN_DOCS = 100
MIN_PREFIX_CHARS = 3
PREFIX_EXPANSIONS = 50
PREFIX_CANDIDATES = 200
SNIPPET_CHARS = 240
RERANK_DEPTH = 200
"""Hits taken by BM25 alone, then re-ranked by the recency factor (see ``_ranked``)."""
ITER_PAGE = 2000
KEY_PAGE = 20_000
"""Matches per page of :meth:`TantivyBackend.iter_match_keys` (no stored documents read)."""

# facet name -> (facet field: raw, fast, stored; filter field: lowercased; Query attribute)
KEYWORDS: dict[str, tuple[str, str, str]] = {
    "source": ("source", "source_kw", "sources"),
    "municipality": ("municipality", "municipality_kw", "municipalities"),
    "region": ("region", "region_kw", "regions"),
    "kind": ("kind", "kind_kw", "kinds"),
    "language": ("language", "language_kw", "languages"),
    "role": ("role", "role_kw", "roles"),
    "person": ("person", "person_kw", "people"),
}

SET_FACETS = ("municipality", "region", "kind")
"""Multi-valued facets also kept as one value per document, their values joined (see
``TantivyBackend._facets``)."""
SET_SEPARATOR = "\x1f"
SET_BUCKETS = 20_000
"""Distinct value combinations a set facet is counted through; more, and it is counted from
its values instead."""

_HASH_BITS = 24
_EPOCH_BIAS = 1 << 33  # seconds; keeps pre-1970 dates positive
_UNDATED_LAST = 1 << 63
_RECENCY_BASE = 20.0
_Y2K = datetime(2000, 1, 1, tzinfo=UTC)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_YEAR_SECONDS = 365.2425 * 86400


class TantivyBackend:
    """A Lokalarkiv index in one folder (see the module docstring).

    Cheap to construct: nothing is opened until first use. ``configure()`` creates the
    index; the other methods open an existing one (``BackendUnavailable`` if it is missing,
    of another schema version or damaged). Safe to share between threads.
    """

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
        self._table: tuple[tuple[int, int], CompletionTable | None] = ((-1, -1), None)
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
            try:
                folder.mkdir(parents=True, exist_ok=True)
                index = tv.Index(_schema(), path=str(folder), reuse=False)
                _register_analyzers(index)
                meta = {
                    "schema_version": SCHEMA_VERSION,
                    "backend": "tantivy",
                    "tantivy": getattr(tv, "__version__", "?"),
                    "created": datetime.now(UTC).isoformat(timespec="seconds"),
                }
                tmp = folder / (META_FILE + ".tmp")
                tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
                tmp.replace(folder / META_FILE)
            except (OSError, ValueError) as exc:
                raise BackendUnavailable(
                    f"cannot create a search index in {folder}: {exc}"
                ) from exc
            self._index = index
            self._checker = Checker(folder)  # every file in it is this backend's own

    def destroy(self) -> None:
        """Close and remove the index folder, for a rebuild.

        Refuses (``BackendUnavailable``) to remove a non-empty folder that does not look like
        an index (no ``lokalarkiv-index.json`` and no Tantivy ``meta.json``), so a mistyped
        ``--index`` path never deletes someone's files.
        """
        with self._lock:
            self._discard()
            folder = self.index_dir
            if not folder.exists():
                return
            if not folder.is_dir():
                raise BackendUnavailable(f"{folder} is not a folder; not removing it")
            looks_like_index = (folder / META_FILE).exists() or (folder / "meta.json").exists()
            if not looks_like_index and any(folder.iterdir()):
                raise BackendUnavailable(
                    f"{folder} does not look like a search index; not removing it",
                    hint="Point --index at the index folder, or remove it yourself.",
                )
            try:
                shutil.rmtree(folder)
            except OSError as exc:
                raise BackendUnavailable(f"cannot remove the index at {folder}: {exc}") from exc

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

    def __exit__(self, *exc_info: object) -> None:
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
                    writer.add_document(_document(article))
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
            schema = index.schema
            writer = self._writer_for(index)
            present = 0
            todo = 0
            try:
                for doc_id in dict.fromkeys(ids):
                    hits = searcher.search(tv.Query.term_query(schema, "id", doc_id), 1)
                    if _count(hits):
                        present += 1
                        writer.delete_documents_by_term("id", doc_id)
                        todo += 1
                if todo:
                    writer.commit()
            except ValueError as exc:
                raise self._write_failure(writer, exc, "deleting from") from exc
            except BaseException as exc:
                if not is_panic(exc):
                    raise
                raise self._write_failure(writer, exc, "deleting from") from exc
            if todo:
                self._reload(index)
            return present

    # ------------------------------------------------------------------ reading

    def search(self, query: Query) -> SearchPage:
        """One page of hits (with snippets), the total and the facet counts.

        The facet counts are a second pass over every match; it runs in a worker thread
        (Tantivy releases the GIL) while this one ranks, loads the page and makes the
        snippets, so a search takes about the longer of the two, not their sum.
        """
        index = self._open()
        table = self._completion_table()
        facets_later = None
        with self._engine("searching it"):
            try:
                searcher = index.searcher()
                plan = _Plan.build(index.schema, query, searcher, table)
                facets_later = (
                    self._facet_pool().submit(self._facets, searcher, plan.query, query.facets)
                    if query.facets
                    else None
                )
                total, rows = self._run(
                    searcher, plan, limit=max(query.limit, 1), offset=query.offset
                )
                rows = rows[: query.limit]
                docs = [searcher.doc(address) for _, address in rows]
                snippets = _Snippets(searcher, index.schema, plan).page(docs)
                hits = [
                    _hit(doc, score if plan.scored else 0.0, snippet)
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
        for searcher, page in self._keyset_pages(query, ITER_PAGE):
            with self._engine("reading it"):
                hits = [_hit(searcher.doc(address), 0.0) for _, address in page]
            yield from hits

    def iter_match_keys(self, query: Query) -> Iterator[tuple[int | None, str]]:
        """Every match as (published, id), in :meth:`iter_matches`' order, read from fast
        fields only: no stored document is loaded (what `arkiv export` orders by).
        ``published`` is the instant in microseconds since the epoch (UTC), None when
        undated."""
        for searcher, page in self._keyset_pages(query, KEY_PAGE):
            addresses = [address for _, address in page]
            with self._engine("reading it"):
                published = searcher.fast_field_values("published_us", addresses)
                ids = searcher.fast_field_values("id_key", addresses)
            for when, key in zip(published, ids, strict=True):
                yield (None if when is None else int(when)), _id_from_key(int(key or 0))

    def _keyset_pages(
        self, query: Query, size: int
    ) -> Iterator[tuple[tv.Searcher, list[tuple[int, tv.DocAddress]]]]:
        """Every match as pages of (order key, address) in date order, over one searcher
        snapshot: keyset paging on ``order_new`` (``order_old`` for ``sort="oldest"``),
        whose rare equal keys are handled at the page boundary."""
        index = self._open()
        schema = index.schema
        oldest = query.sort == "oldest"
        key_field = "order_old" if oldest else "order_new"
        order = tv.Order.Asc if oldest else tv.Order.Desc
        table = self._completion_table()
        with self._engine("reading it"):
            searcher = index.searcher()
            plan = _Plan.build(schema, query, searcher, table)
        bound: int | None = None
        at_bound: set[tuple[int, int]] = set()
        while True:
            if bound is None:
                page_query = plan.query
            else:
                keyset = tv.Query.range_query(
                    schema,
                    key_field,
                    tv.FieldType.Unsigned,
                    lower_bound=bound if oldest else None,
                    upper_bound=None if oldest else bound,
                )
                page_query = tv.Query.boolean_query(
                    [
                        (tv.Occur.Must, plan.query),
                        (tv.Occur.Must, tv.Query.const_score_query(keyset, 0.0)),
                    ]
                )
            want = size + len(at_bound)
            with self._engine("reading it"):
                result = searcher.search(
                    page_query, want, count=False, order_by_field=key_field, order=order
                )
                page = [
                    (int(key), address)
                    for key, address in result.hits
                    if (address.segment_ord, address.doc) not in at_bound
                ]
            if page:
                yield searcher, page
            if not page or len(result.hits) < want:
                return
            last = page[-1][0]
            same = {(a.segment_ord, a.doc) for k, a in page if k == last}
            if last == bound:
                at_bound |= same
            else:
                bound, at_bound = last, same

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

    # ------------------------------------------------------------------ internals

    def _open(self) -> tv.Index:
        with self._lock:
            if self._index is not None:
                return self._index
            folder = self.index_dir
            rebuild = REBUILD_HINT
            if not folder.is_dir():
                raise BackendUnavailable(
                    f"there is no search index at {folder}",
                    hint="Build it from the archive: `arkiv index`.",
                )
            try:
                meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise BackendUnavailable(
                    f"{folder} has no {META_FILE}: not a Lokalarkiv index, or its build was "
                    "interrupted",
                    hint=rebuild,
                ) from None
            except (OSError, ValueError) as exc:
                raise BackendUnavailable(
                    f"the index description {folder / META_FILE} is damaged: {exc}", hint=rebuild
                ) from exc
            version = meta.get("schema_version") if isinstance(meta, dict) else None
            if version != SCHEMA_VERSION:
                raise BackendUnavailable(
                    f"the index at {folder} has schema version {version!r}; this version of "
                    f"Lokalarkiv needs {SCHEMA_VERSION}",
                    hint=rebuild,
                )
            checker = Checker(folder)
            problem = checker.check()
            if problem:
                raise self._damaged(problem)
            with self._engine("opening it"):
                index = tv.Index.open(str(folder))
                _register_analyzers(index)
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
        prints on stderr is held back (see ``tantivy_damage.held_engine_output``)."""
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
        path = self.index_dir / COMPLETIONS_FILE
        with self._engine("reading its terms"):  # BackendUnavailable: damaged
            try:
                CompletionTable.write(index.searcher(), MATCH_FIELD, path)
                return zlib.crc32(path.read_bytes())
            except OSError as exc:
                raise IndexingError(
                    f"writing the completion table in {self.index_dir} failed: {exc}"
                ) from exc

    def _completion_table(self) -> CompletionTable | None:
        """The completion table as last written (re-read when it or the record of its CRC
        changes); None when it is missing, or is not the table this backend wrote (damaged:
        prefixes then walk the term dictionary, and the next write makes a new table)."""
        path = self.index_dir / COMPLETIONS_FILE
        try:
            key = (path.stat().st_mtime_ns, -1)
        except OSError:
            return None
        with contextlib.suppress(OSError):
            key = (key[0], (self.index_dir / RECORD_FILE).stat().st_mtime_ns)
        with self._lock:
            if self._table[0] != key:
                self._table = (key, self._read_completions(path))
            return self._table[1]

    def _read_completions(self, path: Path) -> CompletionTable | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not Checker(self.index_dir).completions_match(data):
            return None
        try:
            return CompletionTable(data.decode("utf-8").splitlines())
        except UnicodeDecodeError:
            return None

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

    def _run(
        self, searcher: tv.Searcher, plan: _Plan, *, limit: int, offset: int
    ) -> tuple[int, list[tuple[Any, tv.DocAddress]]]:
        """The number of matches and the hits ``offset`` to ``offset + limit`` (with their
        score or sort key) of the plan's order."""
        if plan.scored:
            return _ranked(searcher, plan.query, limit=limit, offset=offset)
        if plan.sort == "oldest":
            result = searcher.search(
                plan.query,
                limit,
                count=True,
                offset=offset,
                order_by_field="order_old",
                order=tv.Order.Asc,
            )
        else:
            result = searcher.search(
                plan.query, limit, count=True, offset=offset, order_by_field="order_new"
            )
        return _count(result), list(result.hits)

    def _facet_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="facets")
            return self._pool

    def _facets(
        self, searcher: tv.Searcher, query: tv.Query, names: Sequence[str]
    ) -> dict[str, dict[str, int]]:
        """Counts per value of each facet in ``names`` over the matches of ``query``.

        Tantivy counts a field with one value per document several times faster than a
        multi-valued one (at 1M articles, 3 ms against 15-17 ms for 875k matches). So the
        multi-valued ``SET_FACETS`` are counted through their one-value copy, the document's
        values joined ("Kalmar<US>Vimmerby"), and each combination's count is added to each
        of its values: exact. A facet with more than ``SET_BUCKETS`` combinations among the
        matches is counted again from its values. Every document has a value in these
        fields ("" for none, not reported): a field some documents lack is slow too.
        """

        def terms(field_name: str, size: int) -> dict[str, Any]:
            return {"terms": {"field": field_name, "size": size}}

        by_sets = [name for name in names if name in SET_FACETS]
        spec = {
            name: terms(_set_field(name), SET_BUCKETS)
            if name in by_sets
            else terms(_facet_field(name), self.facet_size)
            for name in names
        }
        result: dict[str, Any] = searcher.aggregate(query, spec)
        overflow = [
            name
            for name in by_sets
            if result.get(name, {}).get("sum_other_doc_count")
            or result.get(name, {}).get("doc_count_error_upper_bound")
        ]
        if overflow:
            by_sets = [name for name in by_sets if name not in overflow]
            spec = {name: terms(_facet_field(name), self.facet_size) for name in overflow}
            result.update(searcher.aggregate(query, spec))
        facets: dict[str, dict[str, int]] = {}
        for name in names:
            counts: Counter[str] = Counter()
            for bucket in result.get(name, {}).get("buckets", []):
                keys = str(bucket["key"])
                for key in keys.split(SET_SEPARATOR) if name in by_sets else (keys,):
                    if key:
                        counts[key] += int(bucket["doc_count"])
            facets[name] = dict(
                itertools.islice(order_facet(counts.items()).items(), self.facet_size)
            )
        return facets


# ---------------------------------------------------------------------- schema & analysis


def _schema() -> tv.Schema:
    builder = tv.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("url", stored=True, tokenizer_name="raw", index_option="basic")
    # Stored for display and snippets, indexed for document frequencies only (the snippets'
    # term weights); matching is on MATCH_FIELD.
    for name in TEXT_REPEATS:
        builder.add_text_field(name, stored=True, tokenizer_name="sv", index_option="basic")
    builder.add_text_field(MATCH_FIELD, tokenizer_name="sv")
    builder.add_text_field("fold", tokenizer_name="fold", index_option="basic")
    for facet_field, filter_field, _ in KEYWORDS.values():
        builder.add_text_field(facet_field, stored=True, fast=True, tokenizer_name="raw")
        builder.add_text_field(filter_field, tokenizer_name="kw", index_option="basic")
    builder.add_text_field("source_name", stored=True, tokenizer_name="raw", index_option="basic")
    for name in SET_FACETS:
        builder.add_text_field(
            _set_field(name), fast=True, tokenizer_name="raw", index_option="basic"
        )
    builder.add_text_field("year", fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_date_field("published", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field("order_new", fast=True)
    builder.add_unsigned_field("order_old", fast=True)
    builder.add_float_field("recency", fast=True)
    # For export's order without stored documents: the id as a number, and the date to the
    # microsecond (order_new/old hold whole seconds and 24 bits of the id).
    builder.add_unsigned_field("id_key", fast=True)
    builder.add_integer_field("published_us", fast=True)
    builder.add_boolean_field("paywalled", stored=True, indexed=True)
    return builder.build()


def _facet_field(name: str) -> str:
    return "year" if name == "year" else KEYWORDS[name][0]


def _set_field(name: str) -> str:
    return f"{KEYWORDS[name][0]}_set"


@lru_cache(maxsize=1)
def _analyzers() -> dict[str, tv.TextAnalyzer]:
    def simple() -> tv.TextAnalyzerBuilder:
        return (
            tv.TextAnalyzerBuilder(tv.Tokenizer.simple())
            .filter(tv.Filter.lowercase())
            .filter(tv.Filter.remove_long(40))
        )

    return {
        "sv": simple().filter(tv.Filter.stemmer("swedish")).build(),
        "fold": simple().filter(tv.Filter.ascii_fold()).build(),
        "kw": tv.TextAnalyzerBuilder(tv.Tokenizer.raw()).filter(tv.Filter.lowercase()).build(),
    }


def _register_analyzers(index: tv.Index) -> None:
    for name, analyzer in _analyzers().items():
        index.register_tokenizer(name, analyzer)


def _stems(text: str) -> list[str]:
    return list(_analyzers()["sv"].analyze(text))


def _folded(text: str) -> list[str]:
    return list(_analyzers()["fold"].analyze(text))


def _keyword(value: str) -> str:
    return value.strip().lower()


@lru_cache(maxsize=1)
def _compounds() -> CompoundFinder:
    return CompoundFinder(_stems)


def _head_stems() -> dict[str, int]:
    return _compounds().heads


@lru_cache(maxsize=1)
def _head_words() -> dict[str, str]:
    """Head stem -> the head word that stems to it, which ``text`` indexes for a compound."""
    words: dict[str, str] = {}
    for head in COMPOUND_HEADS:
        for head_stem in _stems(head)[:1]:
            words.setdefault(head_stem, head)
    return words


def compound_parts(stems: Iterable[str]) -> set[str]:
    """Head stems of the compounds among ``stems`` ("säkerhetssamordn" -> {"samordn"})."""
    return find_compound_heads(stems, _head_stems())


def typo_distance(word: str) -> int:
    """Edits a word may be off by (Meilisearch's rule): <5 letters 0, 5-8 one, 9+ two."""
    letters = sum(1 for char in word if char.isalnum())
    return 0 if letters < 5 else 1 if letters < 9 else 2


# ---------------------------------------------------------------------- documents


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None:  # records are aware; a naive one is taken as Stockholm time
        value = value.replace(tzinfo=STOCKHOLM)
    return value.astimezone(UTC)


def _document(article: Article) -> tv.Document:
    doc = tv.Document()
    doc.add_text("id", article.id)
    doc.add_text("url", article.canonical_url or article.url)
    parts = {"title": article.title, "lead": article.lead, "body": article.body}
    for name, value in parts.items():
        doc.add_text(name, value)
    for name, value in parts.items():  # separate values: no phrase runs from one into the next
        for _ in range(TEXT_REPEATS[name]):
            doc.add_text(MATCH_FIELD, value)
    text = "\n".join(parts.values())
    doc.add_text("fold", text)
    heads = _head_words()
    found = _compounds().in_text(text)
    for part in sorted(found):  # one value each: no phrase runs from one head into another
        doc.add_text(MATCH_FIELD, heads[part])
    values: dict[str, list[str]] = {
        "source": [article.source],
        "municipality": article.municipalities,
        "region": article.regions,
        "kind": article.kinds,
        "language": [article.language] if article.language else [],
        "role": article.roles,
        "person": [person.name for person in article.people if person.name],
    }
    for name, (facet_field, filter_field, _) in KEYWORDS.items():
        unique = list(dict.fromkeys(v.strip() for v in values[name] if v and v.strip()))
        for value in unique:
            doc.add_text(facet_field, value)
            doc.add_text(filter_field, _keyword(value))
        if name in SET_FACETS:  # a value for every document, "" for none: see _facets
            doc.add_text(_set_field(name), SET_SEPARATOR.join(sorted(unique)))
    doc.add_text("source_name", article.source_name)
    year = ""  # undated: "" (not counted), so that every document has a year value
    if article.published is not None:
        published = _to_utc(article.published)
        doc.add_date("published", published)
        year = str(published.astimezone(STOCKHOLM).year)
    doc.add_text("year", year)
    order_new, order_old = _order_keys(article)
    doc.add_unsigned("order_new", order_new)
    doc.add_unsigned("order_old", order_old)
    doc.add_float("recency", _recency(article))
    doc.add_unsigned("id_key", _id_key(article.id))
    if article.published is not None:
        doc.add_integer("published_us", _microseconds(article.published))
    doc.add_boolean("paywalled", article.paywalled)
    return doc


def _order_keys(article: Article) -> tuple[int, int]:
    """Sort keys for newest-first (descending) and oldest-first (ascending) order.

    Published seconds in the high bits, 24 bits of the id below: nearly unique, so keyset
    paging rarely meets ties (and handles them when it does). Undated articles get keys
    that put them last in both orders.
    """
    id_bits = int(article.id[:6], 16) & ((1 << _HASH_BITS) - 1)
    if article.published is None:
        return id_bits, _UNDATED_LAST | id_bits
    seconds = int(_to_utc(article.published).timestamp()) + _EPOCH_BIAS
    key = (seconds << _HASH_BITS) | id_bits
    return key, key


def _id_key(aid: str) -> int:
    """An article id (16 hex digits, :func:`indexer.article.article_id`) as a u64."""
    return int(aid, 16)


def _id_from_key(key: int) -> str:
    return f"{key:016x}"


def _microseconds(when: datetime) -> int:
    """The instant ``when`` in whole microseconds since the epoch (exact: no float)."""
    return (_to_utc(when) - _EPOCH) // timedelta(microseconds=1)


def _years_since_2000(when: datetime) -> float:
    return (_to_utc(when) - _Y2K).total_seconds() / _YEAR_SECONDS


def _recency(article: Article) -> float:
    """The stored value v with log2(2 + v) = 20 + years since 2000 / 10 (see module doc).

    A date more than a year ahead of now (a wrong date) counts as a year ahead, so that no
    factor is above :func:`_max_recency_factor`."""
    when = article.published or article.first_seen or article.fetched_at
    years = 0.0 if when is None else _years_since_2000(when)
    years = min(max(years, -10.0), _latest_years())
    return float(2.0 ** (_RECENCY_BASE + years / 10.0) - 2.0)


def _latest_years() -> float:
    """The newest date a factor counts, in years since 2000: a year from now."""
    return _years_since_2000(datetime.now(UTC)) + 1.0


def _recency_factor(value: float) -> float:
    """What a relevance score is multiplied by, as Tantivy's ``weight_by_field`` does."""
    return math.log2(2.0 + max(value, 0.0))


def _max_recency_factor() -> float:
    """No document's factor is above this (see :func:`_recency`)."""
    return _RECENCY_BASE + _latest_years() / 10.0


def _ranked(
    searcher: tv.Searcher, query: tv.Query, *, limit: int, offset: int
) -> tuple[int, list[tuple[Any, tv.DocAddress]]]:
    """The number of matches and hits ``offset`` to ``offset + limit`` by relevance: BM25
    times the recency factor.

    Tantivy's ``weight_by_field`` applies the factor to every match, a fast-field read and a
    logarithm per document: at 1M articles two thirds of a one-word query that matches 875k
    (15 ms against 5). The factor moves a score by ~2 % over five years, so the
    ``RERANK_DEPTH`` best hits by BM25 alone nearly always hold the best by the product: they
    are re-ranked here, which is exact when the last hit wanted scores at least what any hit
    below the depth could reach (the depth's lowest BM25 times the highest factor). Where it
    is not (many near-equal scores), the search runs again with the factor on every match.
    """
    want = offset + limit
    depth = max(RERANK_DEPTH, 2 * want)
    result = searcher.search(query, depth, count=True)
    rows = result.hits
    values = searcher.fast_field_values("recency", [address for _, address in rows])
    ranked = sorted(
        (
            (score * _recency_factor(value if isinstance(value, float) else 0.0), address)
            for (score, address), value in zip(rows, values, strict=True)
        ),
        key=lambda row: (-row[0], row[1].segment_ord, row[1].doc),
    )
    if len(rows) < depth or (
        len(ranked) >= want and ranked[want - 1][0] >= rows[-1][0] * _max_recency_factor()
    ):
        return _count(result), ranked[offset:want]
    result = searcher.search(query, limit, count=True, offset=offset, weight_by_field="recency")
    return _count(result), list(result.hits)


def _count(result: tv.SearchResult) -> int:
    """The match count of a search run with ``count=True`` (the stubs lack it)."""
    return int(getattr(result, "count", None) or 0)


def _hit(doc: tv.Document, score: float, snippet: str = "") -> Hit:
    published = doc.get_first("published")
    if isinstance(published, datetime):
        published = _to_utc(published).astimezone(STOCKHOLM)
    else:
        published = None
    return Hit(
        id=str(doc.get_first("id") or ""),
        url=str(doc.get_first("url") or ""),
        title=str(doc.get_first("title") or ""),
        source=str(doc.get_first("source") or ""),
        source_name=str(doc.get_first("source_name") or ""),
        published=published,
        municipalities=tuple(str(v) for v in doc.get_all("municipality")),
        regions=tuple(str(v) for v in doc.get_all("region")),
        kinds=tuple(str(v) for v in doc.get_all("kind")),
        language=(str(doc.get_first("language")) if doc.get_first("language") else None),
        snippet=snippet,
        score=float(score),
        paywalled=bool(doc.get_first("paywalled")),
    )


# ---------------------------------------------------------------------- queries


@dataclass(slots=True)
class _Word:
    """One positive user word, analysed."""

    stem: str
    folded: str
    typed: str  # lowercase, as typed
    distance: int
    prefix: bool
    fold_only: bool = False  # also match the folded word exactly (no typos): see _typo_cutoff
    completions: tuple[str, ...] = ()  # stems the last word completes to (search-as-you-type)


@dataclass(slots=True)
class _Plan:
    """A Query compiled to one Tantivy query, plus what snippets need."""

    query: tv.Query
    scored: bool
    sort: str
    stems: list[str] = field(default_factory=list)
    words: list[_Word] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        schema: tv.Schema,
        query: Query,
        searcher: tv.Searcher,
        table: CompletionTable | None = None,
    ) -> _Plan:
        """Compile ``query``; ``searcher`` gives the document frequencies the typo rule
        looks at (see :func:`_typo_cutoff`), ``table`` the frequent stems completions are
        taken from (see :func:`_completions`)."""
        try:
            return cls._build(schema, query, searcher, table)
        except ValueError as exc:
            raise QueryError(f"the search could not be built: {exc}") from exc

    @classmethod
    def _build(
        cls,
        schema: tv.Schema,
        query: Query,
        searcher: tv.Searcher,
        table: CompletionTable | None,
    ) -> _Plan:
        parsed = parse_user_query(query.text)
        cutoff = _typo_cutoff(searcher)
        must: list[tv.Query] = []
        optional: list[tv.Query] = []  # function words, when other words remain
        must_not: list[tv.Query] = []
        stems: list[str] = []
        words: list[_Word] = []
        seen: set[str] = set()

        last = len(parsed.terms) - 1
        content_words = [
            t for t in parsed.terms if t.lower() not in SWEDISH_STOP_WORDS
        ] or parsed.phrases
        for position, term in enumerate(parsed.terms):
            term_stems = _stems(term)
            key = " ".join(term_stems)
            if not term_stems or key in seen:
                continue
            seen.add(key)
            stems.extend(term_stems)
            if len(term_stems) > 1:  # "e-post", "S:t": the pieces as a phrase
                clause = _phrase(schema, term_stems)
            else:
                folded = _folded(term)
                word = _Word(
                    stem=term_stems[0],
                    folded=folded[0] if len(folded) == 1 else "",
                    typed=term.lower(),
                    distance=typo_distance(term) if len(folded) == 1 else 0,
                    prefix=(
                        parsed.prefix
                        and position == last
                        and len(folded) == 1
                        and len(folded[0]) >= MIN_PREFIX_CHARS
                    ),
                )
                folded_docs = searcher.doc_freq("fold", word.folded) if word.distance else 0
                if folded_docs >= cutoff:
                    word.distance = 0  # a common word is taken as typed right
                    word.fold_only = _adds_documents(searcher, word, folded_docs)
                if word.prefix:
                    word.completions = tuple(_completions(searcher, word, table))
                words.append(word)
                clause = _word_clause(schema, word)
            if content_words and term.lower() in SWEDISH_STOP_WORDS:
                optional.append(clause)
            else:
                must.append(clause)
        for phrase in parsed.phrases:
            phrase_stems = _stems(" ".join(phrase))
            if phrase_stems:
                stems.extend(phrase_stems)
                must.append(_phrase(schema, phrase_stems))
        for words_out in (*((t,) for t in parsed.excluded_terms), *parsed.excluded_phrases):
            out_stems = _stems(" ".join(words_out))
            if out_stems:
                must_not.append(_phrase(schema, out_stems))

        has_text = bool(must)
        if not must:
            must.append(tv.Query.all_query())
        filters = _filters(schema, query)
        clauses: list[tuple[tv.Occur, tv.Query]] = [(tv.Occur.Must, q) for q in must]
        clauses += [(tv.Occur.Should, q) for q in optional]
        clauses += [(tv.Occur.MustNot, q) for q in must_not]
        clauses += [(tv.Occur.Must, tv.Query.const_score_query(q, 0.0)) for q in filters]
        compiled = clauses[0][1] if len(clauses) == 1 else tv.Query.boolean_query(clauses)
        return cls(
            query=compiled,
            scored=has_text and query.sort == "relevance",
            sort=query.sort,
            stems=list(dict.fromkeys(stems)),
            words=words,
        )


def _should(queries: Sequence[tv.Query]) -> tv.Query:
    if len(queries) == 1:
        return queries[0]
    return tv.Query.boolean_query([(tv.Occur.Should, q) for q in queries])


def _word_clause(schema: tv.Schema, word: _Word) -> tv.Query:
    """What a word must match: its exact stem (which compounds share) and the typo and
    prefix variants.

    One term over ``MATCH_FIELD`` plus only the variants that can add something: scoring a
    union of several big posting lists costs several times one list, and every match of every
    query is scored (tantivy-py cannot prune), so a common word with no variants is a single
    term scorer.
    """
    options = [_phrase(schema, [word.stem])]
    if word.distance:
        fuzzy = tv.Query.fuzzy_term_query(schema, "fold", word.folded, word.distance, True)
        options.append(tv.Query.const_score_query(fuzzy, FUZZY_SCORE))
    elif word.fold_only:
        folded = tv.Query.term_query(schema, "fold", word.folded)
        options.append(tv.Query.const_score_query(folded, FUZZY_SCORE))
    if word.completions:
        prefix = tv.Query.term_set_query(schema, MATCH_FIELD, list(word.completions))
        options.append(tv.Query.const_score_query(prefix, PREFIX_SCORE))
    return _should(options)


def _completions(searcher: tv.Searcher, word: _Word, table: CompletionTable | None) -> list[str]:
    """The words the last query word may be the start of (search-as-you-type), as stems.

    The most frequent stems in ``MATCH_FIELD`` that start with the word as typed (lowercase,
    diacritics kept: "lån" does not complete to "länsstyrelse"), less the word's own stem,
    which the exact clause finds already, at most ``PREFIX_EXPANSIONS``, most frequent first,
    as Meilisearch caps prefix derivations. A word's inflections stem back to its own stem, so
    what is left is the completions proper: "kommunch" -> "kommunchef", "styrelse" ->
    "styrelseledamot". They come from the ``table`` of frequent stems when it has any for the
    prefix, else from the term dictionary (see ``tantivy_completions``).
    """

    def others(found: Iterable[tuple[str, int]]) -> list[str]:
        return [term for term, _count in found if term != word.stem]

    completions = []
    if table is not None:
        by_count = sorted(table.starting_with(word.typed), key=lambda tc: (-tc[1], tc[0]))
        completions = others(by_count)
    if not completions:
        completions = others(
            searcher.terms_with_prefix(MATCH_FIELD, word.typed, limit=PREFIX_CANDIDATES)
        )
    return completions[:PREFIX_EXPANSIONS]


def _typo_cutoff(searcher: tv.Searcher) -> int:
    """Documents a word may occur in and still get typo derivations.

    A word (as typed, folded) that occurs in at least 1 % of the index (Lucene's spell
    checker uses the same ``maxQueryFrequency``), and in at least ``TYPO_MIN_DOCS`` documents,
    is taken as typed right: its one- and two-edit neighbours are mostly its own inflections,
    which the stem already finds, and expanding them costs a bitset over all their postings
    (a fifth of the engine time at 300k articles). Rare and unknown words ("Westerbak",
    "sakerhetssamordnare") keep the full Meilisearch rule; so does every word of a small
    archive.
    """
    return max(TYPO_MIN_DOCS, int(searcher.num_docs * TYPO_MAX_SHARE))


def _adds_documents(searcher: tv.Searcher, word: _Word, folded_docs: int) -> bool:
    """Whether the folded word, in ``folded_docs`` documents, may match documents its stem
    does not: it occurs in more documents than the stem (typed without å/ä/ö). The folded
    word then still matches exactly, as the fuzzy query did at distance 0."""
    return folded_docs > searcher.doc_freq(MATCH_FIELD, word.stem)


def _phrase(schema: tv.Schema, stems: Sequence[str]) -> tv.Query:
    """Exact words (no typos) in sequence, over ``MATCH_FIELD``."""
    if len(stems) == 1:
        return tv.Query.term_query(schema, MATCH_FIELD, stems[0])
    return tv.Query.phrase_query(schema, MATCH_FIELD, list(stems))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def _filters(schema: tv.Schema, query: Query) -> list[tv.Query]:
    filters: list[tv.Query] = []
    for _facet_field_name, filter_field, attribute in KEYWORDS.values():
        values: tuple[str, ...] = getattr(query, attribute)
        if values:
            terms = list(dict.fromkeys(_keyword(v) for v in values))
            filters.append(tv.Query.term_set_query(schema, filter_field, terms))
    if query.date_from or query.date_to:
        lower = _day_start(query.date_from) if query.date_from else None
        upper = _day_start(query.date_to + timedelta(days=1)) if query.date_to else None
        filters.append(
            tv.Query.range_query(
                schema,
                "published",
                tv.FieldType.Date,
                lower_bound=lower,
                upper_bound=upper,
                include_lower=True,
                include_upper=upper is None,  # the end is the next day's start, exclusive
            )
        )
    return filters


# ---------------------------------------------------------------------- snippets


@lru_cache(maxsize=200_000)  # a page's words repeat across hits and queries
def _fold_py(text: str) -> str:
    """Lowercase without diacritics (close enough to Tantivy's ascii_fold for highlighting)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_WORDS_OF_TOKEN: dict[str, tuple[tuple[str, str], ...]] = {}
_WORDS_OF_TOKEN_MAX = 200_000


def _words_in(text: str) -> set[tuple[str, str]]:
    """(stem, folded surface) of each word in ``text``, from a cache per whitespace-separated
    token: the same tokens recur in every result page, so most pages analyse none."""
    tokens = set(text.split())
    cache = _WORDS_OF_TOKEN
    missing = [token for token in tokens if token not in cache]
    if len(cache) + len(missing) > _WORDS_OF_TOKEN_MAX:
        cache.clear()
        missing = list(tokens)
    analyzer = _analyzers()["sv"]
    for token in missing:
        cache[token] = tuple(
            (t.text, _fold_py(token[t.char_offset_from : t.char_offset_to]))
            for t in analyzer.pre_tokenize(token).tokens
        )
    return set(itertools.chain.from_iterable(map(cache.__getitem__, tokens)))


class _Snippets:
    """Highlighted fragments of body (else lead) for one result page."""

    def __init__(self, searcher: tv.Searcher, schema: tv.Schema, plan: _Plan) -> None:
        self.searcher = searcher
        self.schema = schema
        self.plan = plan
        self.heads = _head_stems()
        self._generators: dict[tuple[str, tuple[str, ...]], tv.SnippetGenerator] = {}

    def _generator(self, field_name: str, stems: tuple[str, ...]) -> tv.SnippetGenerator:
        key = (field_name, stems)
        if key not in self._generators:
            highlight = _should(
                [tv.Query.term_query(self.schema, field_name, stem) for stem in stems]
            )
            generator = tv.SnippetGenerator.create(
                self.searcher, highlight, self.schema, field_name
            )
            generator.set_max_num_chars(SNIPPET_CHARS)
            self._generators[key] = generator
        return self._generators[key]

    def page(self, docs: Sequence[tv.Document]) -> list[str]:
        """The fragment of each document, with the query's words emphasised.

        The words as stemmed are tried first (body, then lead: cheap, and enough for most
        hits). The words that matched only by a typo, a prefix or as a compound's head are
        looked for once, in the texts of the documents the exact words left unmarked, and
        added to the highlight terms for those documents.
        """
        fields = ("body", "lead")
        # A stem no body or lead holds (a misspelt word) cannot mark anything: when no stem
        # is left, the exact pass over every document is skipped.
        exact = tuple(
            stem
            for stem in self.plan.stems
            if any(self.searcher.doc_freq(name, stem) for name in fields)
        )
        snippets: list[str | None] = [None] * len(docs)
        unmarked: list[int] = []
        for i, doc in enumerate(docs):
            if exact:
                snippets[i] = self._marked(doc, fields, exact)
            if snippets[i] is None:
                unmarked.append(i)
        if unmarked and self.plan.words:
            texts = (str(docs[i].get_first(name) or "") for i in unmarked for name in fields)
            variants = tuple(sorted(self._variants("\n".join(texts))))
            if variants:
                for i in unmarked:
                    snippets[i] = self._marked(docs[i], fields, exact + variants)
        return [
            snippet
            if snippet is not None
            else _plain_snippet(str(doc.get_first("lead") or doc.get_first("body") or ""))
            for snippet, doc in zip(snippets, docs, strict=True)
        ]

    def _marked(
        self, doc: tv.Document, fields: Sequence[str], stems: tuple[str, ...]
    ) -> str | None:
        """The first fragment, over ``fields``, with one of ``stems`` highlighted, if any."""
        for field_name in fields:
            if doc.get_first(field_name):
                snippet = self._generator(field_name, stems).snippet_from_doc(doc)
                if snippet.highlighted():
                    return str(snippet.to_html())
        return None

    def _variants(self, text: str) -> set[str]:
        """Stems of words in ``text`` that matched a query word only by prefix, as a compound
        or by typo, so that the snippet highlights them too.

        Completions are known from the query (highlighting one the text lacks does nothing);
        compounds are looked for where the head's stem occurs in the text. Only a word with
        typo or folded matching needs all of the text's words: its edit distance (rapidfuzz's
        optimal string alignment: a transposition costs 1, as in Tantivy) runs over them in
        one call, for a word that nothing cheaper found.
        """
        found: set[str] = set()
        lower = text.lower()
        for word in self.plan.words:
            found.update(word.completions)
            min_modifier = self.heads.get(word.stem)
            if min_modifier is not None:
                found |= _compounds_of(lower, word.stem, min_modifier)
        scan = [word for word in self.plan.words if word.distance or word.fold_only]
        if not scan:
            return found
        words_in_text = _words_in(text)  # (stem, folded surface)
        present = {stem for stem, _ in words_in_text}
        pairs: list[tuple[str, str]] = []
        for word in scan:
            if word.stem in present:  # matched exactly: covered by the exact terms
                continue
            folded_forms = {stem for stem, folded in words_in_text if folded == word.folded}
            found |= folded_forms
            if folded_forms or not word.distance:
                continue
            from rapidfuzz import process  # on first use: its import is 12 ms of a start
            from rapidfuzz.distance import OSA

            pairs = pairs or list(words_in_text)
            close = process.extract(
                word.folded,
                [folded for _, folded in pairs],
                scorer=OSA.distance,
                score_cutoff=word.distance,
                limit=None,
            )
            found.update(pairs[index][0] for _, _, index in close)
        return found


def _compounds_of(lower: str, head: str, min_modifier: int) -> set[str]:
    """Stems of the compounds in ``lower`` (lowercased text) whose stem ends in the ``head``
    stem after a modifier of ``min_modifier`` letters or more."""
    words = set(re.findall(rf"\w{{{min_modifier},}}{re.escape(head)}\w*", lower))
    return {
        stem
        for stem in _stems(" ".join(words))
        if stem.endswith(head) and len(stem) - len(head) >= min_modifier
    }


def _plain_snippet(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return html.escape(text[: cut if cut > 0 else SNIPPET_CHARS], quote=False) + " …"
