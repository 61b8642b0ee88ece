"""The Whoosh implementation of :class:`indexer.backend.IndexBackend`.

This is the only module that imports ``whoosh`` (package ``whoosh-reloaded``); swapping
engines means writing a sibling of this file. Whoosh names to keep in mind: its
``LockError`` (one writer at a time) becomes :class:`IndexLockedError`, and its
``whoosh.index.IndexError`` (which shadows the builtin) is only ever referred to as
``whoosh_index.IndexError``.

Ref: Whoosh 2.7 documentation, https://whoosh.readthedocs.io/ (schema, writing,
searching, parsing user queries).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import (
    CharsetFilter,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.support.charset import accent_map
from whoosh.writing import CLEAR

from harvester.record import UNKNOWN_LICENCE, LangString, Resource
from indexer.backend import (
    Hit,
    IndexBackendError,
    IndexLockedError,
    IndexNotFoundError,
    SearchQuery,
    SearchResult,
    read_last_seq,
    write_last_seq,
)

#: Seconds a writer waits for the index's write lock before giving up.
DEFAULT_LOCK_TIMEOUT_S = 5.0

#: Fields the free-text query searches, in the order the parser tries them.
TEXT_FIELDS = ("title", "subject", "description", "creator", "publisher")

# Case folding and accent folding *before* stemming, so "Éducation" and "education"
# reach the (English Porter) stemmer as the same token. Per-language analysers later.
_TEXT_ANALYZER = (
    RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter() | StemFilter()
)
# Whole value as one term, case-insensitive: licence ids ("CC-BY-SA-3.0-IGO").
_LOWER_ID_ANALYZER = IDTokenizer() | LowercaseFilter()


def build_schema() -> Schema:
    """The index schema (a fresh object each call, as Whoosh field objects are mutable).

    Returns:
        Schema with fields ``id`` (unique), ``title`` (boost 3), ``subject`` (boost 2),
        ``description``, ``creator``, ``publisher`` (analysed text), ``language`` and
        ``type`` (lowercase comma-separated keywords), ``date``, ``source``,
        ``license`` (single terms), ``license_url`` and ``url`` (stored only).
    """
    return Schema(
        id=ID(unique=True, stored=True),
        title=TEXT(analyzer=_TEXT_ANALYZER, stored=True, field_boost=3.0),
        description=TEXT(analyzer=_TEXT_ANALYZER),
        subject=TEXT(analyzer=_TEXT_ANALYZER, field_boost=2.0),
        creator=TEXT(analyzer=_TEXT_ANALYZER, stored=True),
        publisher=TEXT(analyzer=_TEXT_ANALYZER),
        language=KEYWORD(lowercase=True, commas=True, stored=True),
        type=KEYWORD(lowercase=True, commas=True),
        date=ID(stored=True),
        source=ID(stored=True),
        license=ID(stored=True, analyzer=_LOWER_ID_ANALYZER),
        license_url=STORED(),
        url=STORED(),
    )


def _join(values: Iterable[LangString]) -> str:
    return "\n".join(v.value for v in values)


def _language_terms(tags: Iterable[str]) -> list[str]:
    """Each BCP 47 tag and its primary subtag, lowercased, de-duplicated, in order."""
    terms: list[str] = []
    for tag in tags:
        tag = tag.strip().lower()
        if not tag:
            continue
        for term in (tag, tag.split("-", 1)[0]):
            if term and term not in terms:
                terms.append(term)
    return terms


def resource_to_document(resource: Resource) -> dict[str, object]:
    """Map a record to the keyword arguments of ``writer.update_document``.

    Multi-valued text fields are joined with newlines; the stored ``title`` is the first
    title only and the stored ``language`` is the tuple of the record's own tags (the
    indexed terms add primary subtags). Empty fields are left out.

    Args:
        resource: The record to index.

    Returns:
        Field name → value, plus ``_stored_<field>`` overrides.
    """
    doc: dict[str, object] = {
        "id": resource.id,
        "source": resource.source,
        "license": resource.license.id or UNKNOWN_LICENCE,
        "license_url": resource.license.url,
        "url": resource.url,
    }
    texts = {
        "title": _join(resource.title),
        "description": _join(resource.description),
        "subject": _join(resource.subject),
        "creator": _join(resource.creator),
        "publisher": _join(resource.publisher),
    }
    doc.update({name: value for name, value in texts.items() if value})
    if resource.title:
        doc["_stored_title"] = resource.first_title()
    if resource.creator:
        doc["_stored_creator"] = tuple(v.value for v in resource.creator)
    language_terms = _language_terms(resource.language)
    if language_terms:
        doc["language"] = ",".join(language_terms)
        doc["_stored_language"] = tuple(resource.language)
    types = ",".join(v.value.replace(",", " ") for v in resource.type)
    if types:
        doc["type"] = types
    if resource.date:
        doc["date"] = resource.date[0]
    return doc


class WhooshBackend:
    """An :class:`indexer.backend.IndexBackend` stored in one Whoosh index directory.

    One searcher is kept open and reopened after each commit and before each search
    when the index generation changed (so commits by other processes are seen too). Writes take Whoosh's write lock,
    waiting up to ``lock_timeout_s`` seconds for it.

    Args:
        index_dir: Directory of the index; created with the index when missing.
        lock_timeout_s: Seconds to wait for another writer's lock (>= 0).
        create: When False, a directory without an index raises instead of being
            initialised.

    Raises:
        IndexNotFoundError: when ``create`` is False and no index exists there.
        IndexBackendError: when the index cannot be created or opened.
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
        create: bool = True,
    ) -> None:
        if lock_timeout_s < 0:
            raise ValueError(f"lock_timeout_s must be >= 0, got {lock_timeout_s}")
        self.index_dir = Path(index_dir)
        self.lock_timeout_s = lock_timeout_s
        self._searcher = None
        try:
            if whoosh_index.exists_in(str(self.index_dir)):
                self._ix = whoosh_index.open_dir(str(self.index_dir))
            elif create:
                self.index_dir.mkdir(parents=True, exist_ok=True)
                self._ix = whoosh_index.create_in(str(self.index_dir), build_schema())
            else:
                raise IndexNotFoundError(f"no index in {self.index_dir}", self.index_dir)
        except whoosh_index.LockError as exc:
            raise IndexLockedError(f"index {self.index_dir} is locked", self.index_dir) from exc
        except (OSError, whoosh_index.IndexError) as exc:
            raise IndexBackendError(
                f"cannot open index {self.index_dir}: {exc}", self.index_dir
            ) from exc
        self._parser = MultifieldParser(list(TEXT_FIELDS), self._ix.schema, group=AndGroup)

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
                f"(waited {self.lock_timeout_s} s)",
                self.index_dir,
            ) from exc

    def _commit(self, writer, **kwargs) -> None:
        try:
            writer.commit(**kwargs)
        except whoosh_index.LockError as exc:
            raise IndexLockedError(f"index {self.index_dir} is locked", self.index_dir) from exc
        if self._searcher is not None:
            self._fresh_searcher()

    def upsert(self, resources: Iterable[Resource]) -> int:
        """Add or replace records by id in one writer and one commit.

        The write lock is taken first and held while ``resources`` is consumed.
        A repeated id in ``resources`` keeps its last record (Whoosh would otherwise
        index both, as ``update_document`` does not see uncommitted documents).

        Args:
            resources: Records to index.

        Returns:
            Number of distinct records written.

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
        """Remove records by ``id`` term in one writer and one commit.

        Args:
            record_ids: Record ids; unknown ones are ignored.

        Returns:
            Number of documents actually removed.

        Raises:
            IndexLockedError: when the lock is not obtained within ``lock_timeout_s``.
        """
        writer = self._writer()
        try:
            removed = sum(writer.delete_by_term("id", rid) for rid in dict.fromkeys(record_ids))
        except BaseException:
            writer.cancel()
            raise
        self._commit(writer)
        return removed

    def clear(self) -> None:
        """Drop every document (one commit that discards all segments), then set
        :attr:`last_seq` to 0.

        Raises:
            IndexLockedError: when the lock is not obtained within ``lock_timeout_s``.
        """
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

        Deliberately not ``Searcher.refresh()``: in whoosh-reloaded 2.7.5 it merges the
        old reader's segments into the new list, so a refreshed searcher still sees
        documents replaced or deleted since (``doc_count()`` 2 after one
        ``update_document``), and it raises ``TypeError`` after a commit that left the
        index empty. Reopening costs one TOC read and the segment readers' opening,
        only after a change.
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
        text = text.strip()
        if not text or text == "*":
            return wq.Every()
        try:
            return self._parser.parse(text)
        except Exception:  # the parser is tolerant, but do not trust it blindly
            return self._plain_query(text)

    def _plain_query(self, text: str) -> wq.Query:
        """The words of ``text`` only (no syntax), ANDed across the text fields."""
        words = re.findall(r"\w+", text.lower())
        if not words:
            return wq.NullQuery
        return self._parser.parse(" ".join(words))

    @staticmethod
    def _filter(query: SearchQuery) -> wq.Query | None:
        parts: list[wq.Query] = []
        if query.licences:
            parts.append(wq.Or([wq.Term("license", lic.lower()) for lic in query.licences]))
        if query.language:
            parts.append(wq.Term("language", query.language.strip().lower()))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``: AND of words over the text fields, filtered by licence
        (OR of ids) and language; a malformed query string never raises.

        Args:
            query: Text, filters and page size.

        Returns:
            Exact total match count and the best ``query.limit`` hits by score.

        Raises:
            IndexBackendError: when Whoosh fails for a reason other than query syntax.
        """
        searcher = self._fresh_searcher()
        q = self._text_query(query.text)
        flt = self._filter(query)
        try:
            results = searcher.search(q, limit=query.limit, filter=flt)
        except Exception:
            # e.g. a syntax construct the parser accepted but the matcher rejects
            try:
                results = searcher.search(
                    self._plain_query(query.text), limit=query.limit, filter=flt
                )
            except Exception as exc:
                raise IndexBackendError(f"search failed: {exc}", self.index_dir) from exc
        hits = tuple(
            Hit(
                id=hit["id"],
                title=hit.get("title") or "",
                url=hit.get("url"),
                license_id=hit.get("license") or UNKNOWN_LICENCE,
                license_url=hit.get("license_url"),
                language=tuple(hit.get("language") or ()),
                source=hit.get("source") or "",
                score=float(hit.score or 0.0),
            )
            for hit in results
        )
        return SearchResult(total=len(results), hits=hits)

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
