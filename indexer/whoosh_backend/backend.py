"""The Whoosh implementation of :class:`indexer.backend.IndexBackend`: open, write, search.

Part of the Whoosh seam (:mod:`indexer.whoosh_backend`). Whoosh names to keep in mind: its
``LockError`` (one writer at a time) becomes :class:`IndexLockedError`, and its
``whoosh.index.IndexError`` (which shadows the builtin) is only ever referred to as
``whoosh_index.IndexError``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.qparser import AndGroup, FuzzyTermPlugin, MultifieldParser, WildcardPlugin
from whoosh.writing import CLEAR

from harvester.record import Resource
from indexer.backend import (
    IndexBackendError,
    IndexLockedError,
    IndexNotFoundError,
    IndexOutdatedError,
    SearchQuery,
    SearchResult,
    read_last_seq,
    write_last_seq,
)
from indexer.facets import facet_values
from indexer.querytext import plain_words, strip_dangling_operators
from indexer.whoosh_backend import fastpath
from indexer.whoosh_backend.postings import GenerationData
from indexer.whoosh_backend.queries import (
    StarWildcardPlugin,
    filter_queries,
    matched_terms,
    matcher_docnums,
    search_with_matchers,
    suggestion,
    to_all_field,
)
from indexer.whoosh_backend.schema import SCHEMA_FILENAME, SCHEMA_VERSION, build_schema
from indexer.whoosh_backend.writing import (
    IndexWorkerError,
    bulk_add,
    bulk_procs,
    open_writer,
)
from indexer.whoosh_fields import (
    SORTS,
    TEXT_FIELDS,
    resource_to_document,
    to_hit,
)

#: Parsed query texts kept by a backend (see ``WhooshBackend._text_query``).
PARSED_CACHE_SIZE = 512

#: Seconds a writer waits for the index's write lock before giving up.
DEFAULT_LOCK_TIMEOUT_S = 5.0


class WhooshBackend:
    """An :class:`indexer.backend.IndexBackend` stored in one Whoosh index directory.

    One searcher is kept open and reopened when the index generation changed (commits
    by this or other processes). Writes take Whoosh's write lock, waiting up to
    ``lock_timeout_s`` seconds for it.

    Args:
        index_dir: Directory of the index; created with the index when missing.
        lock_timeout_s: Seconds to wait for another writer's lock (>= 0).
        create: When False, a directory without an index raises instead of being
            initialised.
        fast_path: True (default) to answer searches from NumPy arrays
            (:mod:`.fastpath`), falling back to Whoosh's matchers for what it lacks;
            False for Whoosh's matchers only (slower; kept to compare the two).

    Raises:
        IndexNotFoundError: when ``create`` is False and no index exists there.
        IndexOutdatedError: when the index was built with another schema version.
        IndexBackendError: when the index cannot be created or opened.
    """

    def __init__(self, index_dir: Path, *, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
                 create: bool = True, fast_path: bool = True) -> None:
        if lock_timeout_s < 0:
            raise ValueError(f"lock_timeout_s must be >= 0, got {lock_timeout_s}")
        self.index_dir = Path(index_dir)
        self.lock_timeout_s = lock_timeout_s
        self._searcher = None
        self.fast_path = fast_path
        self._data: GenerationData | None = None
        self._parsed: dict[str, wq.Query] = {}
        self._parsed_lock = threading.Lock()
        self._searcher_stamp: int | None = None
        self._licence_ids: tuple[object, list[str]] = (None, [])
        try:
            if whoosh_index.exists_in(str(self.index_dir)):
                self._ix = whoosh_index.open_dir(str(self.index_dir))
                self._check_version()
            elif create:
                self.index_dir.mkdir(parents=True, exist_ok=True)
                self._ix = whoosh_index.create_in(str(self.index_dir), build_schema())
                (self.index_dir / SCHEMA_FILENAME).write_text(
                    json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8")
            else:
                raise IndexNotFoundError(f"no index in {self.index_dir}", self.index_dir)
        except whoosh_index.LockError as exc:
            raise IndexLockedError(f"index {self.index_dir} is locked", self.index_dir) from exc
        except (OSError, whoosh_index.IndexError) as exc:
            raise IndexBackendError(
                f"cannot open index {self.index_dir}: {exc}", self.index_dir) from exc
        self._parser = MultifieldParser(list(TEXT_FIELDS), self._ix.schema, group=AndGroup)
        self._parser.add_plugin(FuzzyTermPlugin())
        self._parser.remove_plugin_class(WildcardPlugin)
        self._parser.add_plugin(StarWildcardPlugin())

    def _check_version(self) -> None:
        try:
            found = json.loads((self.index_dir / SCHEMA_FILENAME).read_text("utf-8"))
            version = found.get("schema_version")
        except (OSError, ValueError, AttributeError):
            version = None
        if version != SCHEMA_VERSION:
            self._ix.close()
            raise IndexOutdatedError(
                f"index {self.index_dir} has schema version {version}, this program "
                f"uses {SCHEMA_VERSION}: run `oer index --rebuild`", self.index_dir)

    @staticmethod
    def exists(index_dir: Path) -> bool:
        """True when ``index_dir`` holds a Whoosh index."""
        return whoosh_index.exists_in(str(index_dir))

    # -- writing ---------------------------------------------------------------------

    def _writer(self):
        """An in-process writer committing plain segment files (:mod:`.writing`)."""
        try:
            return open_writer(self._ix, timeout_s=self.lock_timeout_s)
        except whoosh_index.LockError as exc:
            raise self._lock_timeout() from exc

    def _lock_timeout(self) -> IndexLockedError:
        return IndexLockedError(f"index {self.index_dir} is locked by another writer "
                                f"(waited {self.lock_timeout_s} s)", self.index_dir)

    def _commit(self, writer, **kwargs) -> None:
        try:
            writer.commit(**kwargs)
        except whoosh_index.LockError as exc:
            raise IndexLockedError(f"index {self.index_dir} is locked", self.index_dir) from exc
        self._after_commit()

    def _after_commit(self) -> None:
        """Reopen the kept searcher on the new generation (when one is open)."""
        if self._searcher is not None:
            self._fresh_searcher()

    def upsert(self, resources: Iterable[Resource]) -> int:
        """Add or replace records by id in one writer and one commit.

        The write lock is taken first and held while ``resources`` is consumed. A
        repeated id keeps its last record (``update_document`` does not see uncommitted
        documents, so Whoosh would otherwise index both).

        Raises:
            IndexLockedError: when the lock is not obtained within ``lock_timeout_s``.
        """
        writer = self._writer()
        try:
            latest: dict[str, Resource] = {}
            for resource in resources:
                latest.pop(resource.id, None)
                latest[resource.id] = resource
            for resource in latest.values():
                writer.update_document(**resource_to_document(resource))
        except BaseException:
            writer.cancel()
            raise
        self._commit(writer)
        return len(latest)

    def bulk_load(self, resources: Iterable[Resource], *, size_hint: int | None = None) -> int:
        """Add records none of which is in the index yet: ``add_document``, one commit.

        For fresh indexes (rebuilds, a first harvest): no id look-up, a larger pool, and
        worker processes for large loads (:func:`.writing.bulk_procs`, override with
        ``OER_INDEX_PROCS``). ``resources`` is consumed lazily, holding no batch in memory.
        Precondition (not checked): no id is indexed already or repeats in
        ``resources``; otherwise both documents are indexed.

        Args:
            resources: The records to add.
            size_hint: About how many records (picks the process count), or ``None``.

        Returns:
            The number of records added.

        Raises:
            IndexLockedError: when the lock is not obtained within ``lock_timeout_s``.
            IndexBackendError: when a worker process failed (documents missing).
        """
        documents = (resource_to_document(resource) for resource in resources)
        try:
            added = bulk_add(self._ix, documents, timeout_s=self.lock_timeout_s,
                             procs=bulk_procs(size_hint))
        except whoosh_index.LockError as exc:
            raise self._lock_timeout() from exc
        except IndexWorkerError as exc:
            raise IndexBackendError(f"index {self.index_dir}: {exc}", self.index_dir) from exc
        self._after_commit()
        return added

    def delete(self, record_ids: Iterable[str]) -> int:
        """Remove records by ``id`` term in one writer and one commit; returns how many."""
        writer = self._writer()
        try:
            removed = sum(writer.delete_by_term("id", rid) for rid in dict.fromkeys(record_ids))
        except BaseException:
            writer.cancel()
            raise
        self._commit(writer)
        return removed

    def clear(self) -> None:
        """Drop every document (one commit discarding all segments); ``last_seq`` = 0."""
        writer = self._writer()
        self._commit(writer, mergetype=CLEAR)
        write_last_seq(self.index_dir, 0)

    @property
    def last_seq(self) -> int:
        """The store change sequence number applied to the index (0: none yet)."""
        return read_last_seq(self.index_dir)

    def set_last_seq(self, seq: int) -> None:
        """Persist ``seq`` atomically in ``index_dir/last_seq.json``; call after commit."""
        write_last_seq(self.index_dir, seq)

    # -- reading ---------------------------------------------------------------------

    def _fresh_searcher(self):
        """The kept searcher, reopened when the index has a newer generation.

        Deliberately not ``Searcher.refresh()``: in whoosh-reloaded 2.7.5 it keeps
        documents replaced or deleted since visible and raises ``TypeError`` after a
        commit that left the index empty. A commit writes a new table-of-contents file
        into the directory, so while the directory's modification time is unchanged the
        generation is not looked up again (Whoosh lists the directory for it).
        """
        searcher = self._searcher
        stamp = _dir_stamp(self.index_dir)
        if searcher is not None:
            if stamp is not None and stamp == self._searcher_stamp:
                return searcher
            if self._ix.latest_generation() == searcher.reader().generation():
                self._searcher_stamp = stamp
                return searcher
            searcher.close()
            self._searcher = None
        self._searcher = self._ix.searcher()
        self._searcher_stamp = stamp
        return self._searcher

    def count(self) -> int:
        """Number of (non-deleted) documents in the index."""
        return self._fresh_searcher().doc_count()

    def _text_query(self, text: str) -> wq.Query:
        """Parse user text; never raises. ``*`` or blank → every document.

        Parsing runs every text field's analyser (~30 per word), so the last
        :data:`PARSED_CACHE_SIZE` parses are kept (queries are not changed by searching).
        """
        found = self._parsed.get(text)
        if found is None:
            found = self._parse(text)
            with self._parsed_lock:  # iter_ids may run in another thread (exports)
                self._parsed[text] = found
                while len(self._parsed) > PARSED_CACHE_SIZE:
                    del self._parsed[next(iter(self._parsed))]
        return found

    def _parse(self, text: str) -> wq.Query:
        text = strip_dangling_operators(text)
        if not text or text == "*":
            return wq.Every()
        try:
            return to_all_field(self._parser.parse(text)).normalize()
        except Exception:  # the parser is tolerant, but do not trust it blindly
            return self._plain_query(text)

    def _plain_query(self, text: str) -> wq.Query:
        """The words of ``text`` only (no syntax), ANDed across the text fields."""
        words = plain_words(text)
        if not words:
            return wq.NullQuery
        return self._parser.parse(" ".join(words))

    def _licences(self, searcher) -> list[str]:
        """The licence ids in the index (read once per generation on the kept searcher)."""
        if searcher is self._searcher and self._licence_ids[0] is searcher:
            return self._licence_ids[1]
        found = [t.decode() if isinstance(t, bytes) else t for t in searcher.lexicon("license")]
        if searcher is self._searcher:
            self._licence_ids = (searcher, found)
        return found

    def _filters(self, searcher, query: SearchQuery) -> dict[str, wq.Query]:
        """One filter query per facet the query restricts."""
        return filter_queries(searcher, query, self._licences(searcher))

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``; a malformed query string never raises.

        Facet counts use every filter except the facet's own (multi-select facets).
        Totals and counts are exact.

        Raises:
            IndexBackendError: when Whoosh fails for a reason other than query syntax.
            ValueError: for an unknown policy name.
        """
        searcher = self._fresh_searcher()
        q = self._text_query(query.text)
        parts = self._filters(searcher, query)
        sort = SORTS.get(query.sort)
        if self.fast_path:
            try:
                found = fastpath.run(self._data_of(searcher), q, parts, start=query.offset,
                                     stop=query.offset + query.limit, sort=sort,
                                     facets=query.facets)
            except fastpath.Unsupported:
                found = None
            if found is not None:
                page = fastpath.stored_hits(searcher, found)
                terms = matched_terms(q, searcher) if query.snippets and page else None
                return SearchResult(
                    total=found.total, page=query.page, page_size=query.limit,
                    hits=tuple(to_hit(h, terms, scored=not sort) for h in page),
                    facets=facet_values(query, parts, found.counts) if query.facets else {},
                    suggestion=self._suggest(searcher, query.text) if not found.total else None)
        return self._search_matchers(searcher, q, parts, query)

    def _data_of(self, searcher) -> GenerationData:
        """The fast path's arrays for ``searcher``'s generation (rebuilt after a commit)."""
        if self._data is None or self._data.searcher is not searcher:
            self._data = GenerationData(searcher)
        return self._data

    def _search_matchers(self, searcher, q: wq.Query, parts: dict[str, wq.Query],
                         query: SearchQuery) -> SearchResult:
        """:meth:`search` with Whoosh's own matchers and collectors."""
        return search_with_matchers(self, searcher, q, parts, query)

    def iter_ids(self, query: SearchQuery) -> Iterator[str]:
        """Every matching record id, streamed for exports: no paging, no scores.

        Runs on a searcher of its own, closed when the iterator ends, so it does not
        disturb other searches. Order: ``query.sort`` when given, else index order.
        Memory: 4 bytes per match (the document numbers), not a page of hits.

        Raises:
            IndexBackendError: when Whoosh fails for a reason other than query syntax.
        """
        searcher = self._ix.searcher()
        try:
            if self.fast_path:
                parts = self._filters(searcher, query)
                try:
                    docnums = fastpath.matching_ids(
                        GenerationData(searcher, cache_mb=8), self._text_query(query.text),
                        parts, SORTS.get(query.sort))
                except fastpath.Unsupported:
                    docnums = None
                if docnums is not None:
                    for start in range(0, docnums.shape[0], 4096):  # no list of 1M ints
                        for docnum in docnums[start:start + 4096].tolist():
                            yield searcher.stored_fields(docnum)["id"]
                    return
            for docnum in matcher_docnums(self, searcher, query):
                yield searcher.stored_fields(docnum)["id"]
        finally:
            searcher.close()

    def _suggest(self, searcher, text: str) -> str | None:
        """"Did you mean": see :func:`.queries.suggestion`."""
        data = self._data_of(searcher) if self.fast_path else None
        return suggestion(searcher, text, self._plain_query, data)

    def close(self) -> None:
        """Close the searcher and the index."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._ix.close()

    def __enter__(self) -> WhooshBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _dir_stamp(path: Path) -> int | None:
    """Modification time (ns) of a directory when it is at least one second old, else
    ``None``: file system timestamps are coarse (a clock tick), so a change within the
    same tick as this look could leave the time unchanged; an older time cannot."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return stamp if time.time_ns() - stamp > 1_000_000_000 else None
