"""The Whoosh implementation of :class:`indexer.backend.IndexBackend`: open, write, search.

Part of the Whoosh seam (:mod:`indexer.whoosh_backend`). Whoosh names to keep in mind: its
``LockError`` (one writer at a time) becomes :class:`IndexLockedError`, and its
``whoosh.index.IndexError`` (which shadows the builtin) is only ever referred to as
``whoosh_index.IndexError``.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.qparser import AndGroup, FuzzyTermPlugin, MultifieldParser
from whoosh.sorting import Count, FieldFacet
from whoosh.writing import CLEAR

from harvester.record import Resource
from indexer import analysis
from indexer.backend import (
    FACETS,
    IndexBackendError,
    IndexLockedError,
    IndexNotFoundError,
    IndexOutdatedError,
    SearchQuery,
    SearchResult,
    read_last_seq,
    write_last_seq,
)
from indexer.facets import DERIVED_FACETS, count_plan, facet_values, licences_for
from indexer.filter_values import matching_values
from indexer.querytext import correct, plain_words, strip_dangling_operators
from indexer.whoosh_backend.schema import SCHEMA_FILENAME, SCHEMA_VERSION, build_schema
from indexer.whoosh_fields import (
    FACET_FIELDS,
    FIELD_FACETS,
    SINGLE_VALUED,
    SORTS,
    TEXT_FIELDS,
    resource_to_document,
    to_hit,
)


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

    Raises:
        IndexNotFoundError: when ``create`` is False and no index exists there.
        IndexOutdatedError: when the index was built with another schema version.
        IndexBackendError: when the index cannot be created or opened.
    """

    def __init__(self, index_dir: Path, *, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
                 create: bool = True) -> None:
        if lock_timeout_s < 0:
            raise ValueError(f"lock_timeout_s must be >= 0, got {lock_timeout_s}")
        self.index_dir = Path(index_dir)
        self.lock_timeout_s = lock_timeout_s
        self._searcher = None
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
        try:
            return self._ix.writer(timeout=self.lock_timeout_s)
        except whoosh_index.LockError as exc:
            raise IndexLockedError(
                f"index {self.index_dir} is locked by another writer "
                f"(waited {self.lock_timeout_s} s)", self.index_dir) from exc

    def _commit(self, writer, **kwargs) -> None:
        try:
            writer.commit(**kwargs)
        except whoosh_index.LockError as exc:
            raise IndexLockedError(f"index {self.index_dir} is locked", self.index_dir) from exc
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
        commit that left the index empty.
        """
        searcher = self._searcher
        if searcher is not None:
            if self._ix.latest_generation() == searcher.reader().generation():
                return searcher
            searcher.close()
            self._searcher = None
        self._searcher = self._ix.searcher()
        return self._searcher

    def count(self) -> int:
        """Number of (non-deleted) documents in the index."""
        return self._fresh_searcher().doc_count()

    def _text_query(self, text: str) -> wq.Query:
        """Parse user text; never raises. ``*`` or blank → every document."""
        text = strip_dangling_operators(text)
        if not text or text == "*":
            return wq.Every()
        try:
            return _to_all_field(self._parser.parse(text)).normalize()
        except Exception:  # the parser is tolerant, but do not trust it blindly
            return self._plain_query(text)

    def _plain_query(self, text: str) -> wq.Query:
        """The words of ``text`` only (no syntax), ANDed across the text fields."""
        words = plain_words(text)
        if not words:
            return wq.NullQuery
        return self._parser.parse(" ".join(words))

    def _filters(self, searcher, query: SearchQuery) -> dict[str, wq.Query]:
        """One filter query per facet the query restricts."""
        parts: dict[str, wq.Query] = {}
        licences = [t.decode() if isinstance(t, bytes) else t
                    for t in searcher.lexicon("license")]
        for facet in FACETS:
            values = query.values(facet)
            if facet == "year" and (query.year_from is not None or query.year_to is not None):
                low = f"{query.year_from:04d}" if query.year_from is not None else None
                high = f"{query.year_to:04d}" if query.year_to is not None else None
                ranged = wq.TermRange("year", low, high)
                parts[facet] = wq.And([ranged, _any_of("year", values)]) if values else ranged
                continue
            if not values:
                continue
            if facet == "license":
                wanted = {v.lower() for v in values}
                parts[facet] = _any_of("license", [lic for lic in licences
                                                   if lic.lower() in wanted])
            elif facet in DERIVED_FACETS:
                parts[facet] = _any_of("license", licences_for(facet, values, licences))
            elif facet == "language":
                parts[facet] = _any_of("language", [v.lower() for v in values])
            else:  # the indexed values equal to the asked ones, ignoring case
                field = FACET_FIELDS[facet]
                parts[facet] = _any_of(field, matching_values(values, searcher.lexicon(field)))
        return parts

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``; a malformed query string never raises.

        Facet counts use every filter except the facet's own (multi-select facets).

        Raises:
            IndexBackendError: when Whoosh fails for a reason other than query syntax.
            ValueError: for an unknown policy name.
        """
        searcher = self._fresh_searcher()
        q = self._text_query(query.text)
        parts = self._filters(searcher, query)
        flt = _and(list(parts.values()))
        groups = {excluded: {FACET_FIELDS[f] for f in facets} for excluded, facets
                  in count_plan(parts).items()} if query.facets else {}
        sort = SORTS.get(query.sort)
        kwargs = {"limit": query.offset + query.limit, "filter": flt, "maptype": Count}
        if sort:
            kwargs.update(sortedby=sort[0], reverse=sort[1])
        if groups.get(None):
            kwargs["groupedby"] = {f: _facet(f) for f in groups[None]}
        try:
            results = searcher.search(q, **kwargs)
        except Exception:  # a construct the parser accepted but the matcher rejects
            q = self._plain_query(query.text)
            try:
                results = searcher.search(q, **kwargs)
            except Exception as exc:
                raise IndexBackendError(f"search failed: {exc}", self.index_dir) from exc
        total = len(results)
        counts = {(None, FIELD_FACETS[f]): results.groups(f) for f in groups.get(None, ())}
        for excluded, fields in groups.items():
            if excluded is None:
                continue
            others = _and([p for name, p in parts.items() if name != excluded])
            extra = searcher.search(q, filter=others, limit=1, maptype=Count, groupedby={
                f: _facet(f) for f in fields})
            counts.update({(excluded, FIELD_FACETS[f]): extra.groups(f) for f in fields})
        end = min(query.offset + query.limit, len(results.top_n))  # grouping keeps them all
        page = [results[i] for i in range(query.offset, end)]
        terms = _matched_terms(q, searcher) if query.snippets and page else None
        hits = tuple(to_hit(h, terms, scored=not sort) for h in page)
        return SearchResult(
            total=total, hits=hits, page=query.page, page_size=query.limit,
            facets=facet_values(query, parts, counts) if query.facets else {},
            suggestion=self._suggest(searcher, query.text) if total == 0 else None)

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
            flt = _and(list(self._filters(searcher, query).values()))
            kwargs = {"limit": None, "filter": flt, "scored": False}
            sort = SORTS.get(query.sort)
            if sort:
                kwargs.update(sortedby=sort[0], reverse=sort[1])
            try:
                results = searcher.search(self._text_query(query.text), **kwargs)
            except Exception:  # as in search(): fall back to the plain words
                try:
                    results = searcher.search(self._plain_query(query.text), **kwargs)
                except Exception as exc:
                    raise IndexBackendError(f"search failed: {exc}", self.index_dir) from exc
            docnums = array("i", (docnum for _, docnum in results.top_n))
            del results
            for docnum in docnums:
                yield searcher.stored_fields(docnum)["id"]
        finally:
            searcher.close()

    def _suggest(self, searcher, text: str) -> str | None:
        """The query text with each unknown word replaced by the closest indexed word.

        Candidates keep the first letter (as spell checkers do: far fewer to rank).
        """
        def known(word: str) -> bool:
            return bool(searcher.doc_frequency("all", analysis.fold(word)) or searcher.search(
                self._plain_query(word), limit=1).scored_length())

        return correct(text, known,
                       lambda w: searcher.suggest("all", w, limit=8, maxdist=2, prefix=1),
                       lambda w: searcher.doc_frequency("all", w))

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


def _facet(field: str) -> FieldFacet:
    """Single-valued facets read their sortable column; multi-valued ones their postings."""
    return FieldFacet(field, allow_overlap=field not in SINGLE_VALUED)


def _any_of(field: str, values: Iterable[str]) -> wq.Query:
    terms = [wq.Term(field, v) for v in dict.fromkeys(values)]
    if not terms:
        return wq.NullQuery
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _and(parts: list[wq.Query]) -> wq.Query | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _to_all_field(q: wq.Query) -> wq.Query:
    """Move prefix, wildcard and fuzzy terms to the folded, unstemmed ``all`` field."""
    if isinstance(q, wq.FuzzyTerm):
        return wq.FuzzyTerm("all", analysis.fold(q.text), boost=q.boost, maxdist=q.maxdist,
                            prefixlength=q.prefixlength)
    if isinstance(q, (wq.Prefix, wq.Wildcard)):
        return type(q)("all", analysis.fold(q.text), boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(_to_all_field)


def _matched_terms(q: wq.Query, searcher) -> set[tuple[str, str]]:
    """``(field, term)`` of the query's terms, prefix and fuzzy terms expanded (<= 200 each)."""
    reader = searcher.reader()
    found: set[tuple[str, object]] = set()
    try:
        found.update(q.iter_all_terms(phrases=True))
        for leaf in q.leaves():
            if isinstance(leaf, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
                found.update((leaf.field(), t) for _, t in zip(range(200), leaf._btexts(reader)))
    except Exception:  # snippets are a nicety: never fail a search for them
        pass
    return {(f, t.decode() if isinstance(t, bytes) else t) for f, t in found}
