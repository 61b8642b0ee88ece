"""The search-index backend interface, its query/result values and its errors.

The index is derived data: everything in it can be rebuilt from the record store
(:func:`indexer.sync.rebuild_index`). This module names what any engine must offer;
one module per engine implements it (the ``indexer/whoosh_backend/`` package today). Nothing
here imports an engine, so callers that only hold an :class:`IndexBackend` stay
engine-free.

Error tree::

    IndexBackendError              any failure of the index backend
    ├── IndexLockedError           another writer holds the index's write lock
    ├── IndexNotFoundError         no index in the directory (and creation not asked)
    └── IndexOutdatedError         the index was built with another schema: rebuild it
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from harvester.record import Resource
from indexer.filter_values import canonical_value

#: Name of the file, inside the index directory, that holds the applied store sequence.
LAST_SEQ_FILENAME = "last_seq.json"


class IndexBackendError(Exception):
    """Base class of every error raised by an index backend.

    Attributes:
        index_dir: The index directory concerned, or ``None`` when unknown.
    """

    def __init__(self, message: str, index_dir: Path | None = None) -> None:
        super().__init__(message)
        self.index_dir = index_dir


class IndexLockedError(IndexBackendError):
    """Another writer held the index's write lock for longer than the lock timeout."""


class IndexNotFoundError(IndexBackendError):
    """The index directory holds no index and the backend was not asked to create one."""


class IndexOutdatedError(IndexBackendError):
    """The index was built with another schema version; ``oer index --rebuild`` fixes it."""


#: Facets the index counts, in display order. ``policy`` and ``allows`` are derived at
#: query time from ``license`` through :mod:`harvester.policies` (see :mod:`indexer.facets`),
#: so changing a policy needs no re-index.
FACETS: tuple[str, ...] = ("license", "policy", "allows", "language", "type", "level",
                           "accessibility", "source", "year")

#: Facets kept in the index itself.
INDEXED_FACETS: tuple[str, ...] = ("license", "language", "type", "level", "accessibility",
                                   "source", "year")

#: Orders of results: best score first, newest ``dcterms:date`` first, title A→Z.
SORTS: tuple[str, ...] = ("relevance", "date", "title")


def _normalise_filters(filters: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    items = filters.items() if isinstance(filters, Mapping) else filters
    merged: dict[str, list[str]] = {}
    for name, values in items:  # type: ignore[union-attr]
        if name not in FACETS:
            raise ValueError(f"unknown facet {name!r}; one of {', '.join(FACETS)}")
        if isinstance(values, str):
            values = (values,)
        for value in values:
            value = str(value).strip()
            value = canonical_value(name, value) if value else value
            if value and value not in merged.setdefault(name, []):
                merged[name].append(value)
    return tuple((name, tuple(vals)) for name, vals in sorted(merged.items()) if vals)


def _normalise_year_ranges(ranges: object) -> tuple[tuple[int | None, int | None], ...]:
    out: list[tuple[int | None, int | None]] = []
    for low, high in ranges:  # type: ignore[attr-defined]
        pair = (None if low is None else int(low), None if high is None else int(high))
        if pair == (None, None):
            raise ValueError("a year range needs a first or a last year")
        if None not in pair and pair[0] > pair[1]:  # type: ignore[operator]
            raise ValueError(f"year range {pair[0]}-{pair[1]}: {pair[0]} is after {pair[1]}")
        if pair not in out:
            out.append(pair)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """One search request.

    Filters combine with AND across facets and OR within one facet (``allows`` is the
    exception: every use asked for must be allowed).

    Attributes:
        text: Free-text query: words are ANDed; ``"a phrase"``, ``OR``, ``NOT``,
            ``prefix*`` and ``fuzzy~`` (``~2``: two edits) are understood; ``"*"`` or a
            blank string matches every document. Malformed syntax never raises.
        licences: Licence ids to allow (``"CC-BY-4.0"``, ``"unknown"``…), ORed together,
            matched case-insensitively; merged with ``filters["license"]``. A value that
            is not an id is read as a rights statement (``"CC BY 4.0"``; see
            :mod:`indexer.filter_values`).
        language: One BCP 47 tag, case-insensitive; a primary subtag (``"en"``) also
            matches its regional forms (``"en-US"``); merged with ``filters["language"]``.
            ISO 639-2/3 codes and names are read as BCP 47 (``"por"`` → ``"pt"``).
        limit: Page size, hits per page (>= 1).
        filters: Facet name (one of :data:`FACETS`) → allowed values; a mapping or
            pairs, stored as sorted ``((facet, (value, …)), …)``, licence and language
            values read as ``licences``/``language`` are; ``type``, ``level``,
            ``accessibility`` and ``source`` match case-insensitively. ``policy`` values are
            :data:`harvester.policies.POLICIES` names; ``allows`` values are
            ``"commercial"`` / ``"derivatives"``.
        year_from: Only records whose year is at least this (inclusive), or ``None``.
        year_to: Only records whose year is at most this (inclusive), or ``None``.
        sort: One of :data:`SORTS`.
        page: Page number, from 1.
        facets: True to count facet values (:attr:`SearchResult.facets`).
        snippets: True to make highlighted snippets (:attr:`Hit.snippet`).
        year_ranges: Inclusive ``(first, last)`` year ranges, either end ``None`` for
            open (``(2014, 2015)``, ``(2010, None)``; a single year is ``(y, y)``), ORed
            with each other and with ``filters["year"]`` values as the ``year`` facet's
            filter, which is ANDed with ``year_from``/``year_to`` (so those narrow it).

    Raises:
        ValueError: for ``limit`` or ``page`` below 1, an unknown facet or sort,
            ``year_from`` after ``year_to``, or a year range open at both ends or
            whose first year is after its last.
    """

    text: str
    licences: tuple[str, ...] = ()
    language: str | None = None
    limit: int = 10
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    facets: bool = False
    snippets: bool = True
    year_ranges: tuple[tuple[int | None, int | None], ...] = ()

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError(f"limit must be >= 1, got {self.limit}")
        if self.page < 1:
            raise ValueError(f"page must be >= 1, got {self.page}")
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}, got {self.sort!r}")
        if (self.year_from is not None and self.year_to is not None
                and self.year_from > self.year_to):
            raise ValueError(f"year_from {self.year_from} is after year_to {self.year_to}")
        object.__setattr__(self, "year_ranges", _normalise_year_ranges(self.year_ranges))
        object.__setattr__(self, "licences", tuple(
            canonical_value("license", v.strip()) for v in self.licences if v.strip()))
        if self.language and self.language.strip():
            object.__setattr__(self, "language",
                               canonical_value("language", self.language.strip()))
        object.__setattr__(self, "filters", _normalise_filters(self.filters))
        if "allows" in dict(self.filters):
            from indexer.facets import check_uses

            check_uses(dict(self.filters)["allows"])

    def values(self, facet: str) -> tuple[str, ...]:
        """The values asked for one facet (``licences`` and ``language`` merged in)."""
        own = dict(self.filters).get(facet, ())
        if facet == "license":
            own = tuple(dict.fromkeys((*self.licences, *own)))
        elif facet == "language" and self.language:
            own = tuple(dict.fromkeys((self.language, *own)))
        return own

    @property
    def offset(self) -> int:
        """Number of hits before this page."""
        return (self.page - 1) * self.limit


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching resource, as stored in the index.

    Attributes:
        id: Record id, ``"{source}:{oai_identifier}"``.
        title: The record's first title, ``""`` when it has none.
        url: Landing page URL, or ``None``.
        license_id: SPDX-style licence id, or ``"unknown"``.
        license_url: Canonical licence URL, or ``None``.
        language: The record's BCP 47 tags, in record order, as harvested-normalised.
        source: Name of the configured source.
        score: Relevance score (engine units; higher is better; comparable only within
            one result); 0.0 when sorted by date or title.
        date: ``YYYY[-MM[-DD]]`` of the record's first date, or ``None``.
        types: Resource types (facet values).
        snippet: Highlighted start of the description around the matched words, as
            ``((text, matched), …)`` segments; ``()`` when not asked or no description.
    """

    id: str
    title: str
    url: str | None
    license_id: str
    license_url: str | None
    language: tuple[str, ...]
    source: str
    score: float
    date: str | None = None
    types: tuple[str, ...] = ()
    snippet: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet with its count.

    Attributes:
        value: The value (a licence id, a policy name, a language subtag…).
        count: Matching records that have it, counted with every filter except this
            facet's own (so the other values of a selected facet keep their counts).
        selected: True when the query filters on it.
    """

    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The answer to a :class:`SearchQuery`.

    Attributes:
        total: Number of documents matching query and filters (all of them, not just
            the returned page).
        hits: The requested page of hits, at most ``limit``, in the requested order.
        facets: Facet name → values by descending count (``year``: newest first);
            empty unless the query asked for facets.
        suggestion: A corrected query text ("did you mean") when some word of the query
            is not in the index and a close one is, else ``None``.
        page: The page number returned.
        page_size: Hits per page.
    """

    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    suggestion: str | None = None
    page: int = 1
    page_size: int = 10

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // self.page_size))


@runtime_checkable
class IndexBackend(Protocol):
    """What a search-index engine offers the indexer and the search service.

    A backend owns one index directory. Writes (``upsert``, ``bulk_load``, ``delete``,
    ``clear``) commit before returning; searches see every committed write.
    """

    def upsert(self, resources: Iterable[Resource]) -> int:
        """Add or replace resources, keyed by :attr:`Resource.id`, in one commit.

        Args:
            resources: Records to index; a repeated id keeps the last one.

        Returns:
            Number of distinct records written.

        Raises:
            IndexLockedError: when another writer holds the lock past the timeout.
            IndexBackendError: on any other engine failure.
        """
        ...

    def bulk_load(self, resources: Iterable[Resource], *, size_hint: int | None = None) -> int:
        """Add resources none of which is indexed yet, in one commit (fresh indexes).

        The fast path of rebuilds and first loads: nothing is looked up to be replaced,
        and the engine may index in parallel. ``resources`` is consumed lazily.

        Args:
            resources: Records whose ids are neither in the index nor repeated here
                (not checked: a breach indexes both copies).
            size_hint: About how many records will come (the engine may pick its
                parallelism from it), or ``None``.

        Returns:
            Number of records added.

        Raises:
            IndexLockedError: when another writer holds the lock past the timeout.
            IndexBackendError: on any other engine failure.
        """
        ...

    def delete(self, record_ids: Iterable[str]) -> int:
        """Remove records by id, in one commit; unknown ids are ignored.

        Args:
            record_ids: Record ids to remove.

        Returns:
            Number of indexed documents actually removed.

        Raises:
            IndexLockedError: when another writer holds the lock past the timeout.
            IndexBackendError: on any other engine failure.
        """
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query; a malformed query string never raises.

        Args:
            query: Text, filters, sort, page, and whether to count facets.

        Returns:
            The full match count, the requested page of hits, facet counts when
            asked, and a spelling suggestion when one helps.

        Raises:
            IndexBackendError: on an engine failure (not on bad query syntax).
        """
        ...

    def iter_ids(self, query: SearchQuery) -> Iterator[str]:
        """Every matching record id, streamed (exports): no paging, no scores, no facets.

        Order: ``query.sort`` when given, else the engine's own. Memory must not grow
        with the page depth (deep paging is quadratic in Whoosh and in most engines).

        Raises:
            IndexBackendError: on an engine failure (not on bad query syntax).
        """
        ...

    def count(self) -> int:
        """Number of documents in the index."""
        ...

    def clear(self) -> None:
        """Remove every document and reset :attr:`last_seq` to 0.

        Raises:
            IndexLockedError: when another writer holds the lock past the timeout.
        """
        ...

    @property
    def last_seq(self) -> int:
        """The store change sequence number applied to the index (0: none yet)."""
        ...

    def set_last_seq(self, seq: int) -> None:
        """Persist the store change sequence number now applied to the index.

        Call it only after the writes up to ``seq`` have been committed. The value is
        written atomically (temporary file + ``os.replace``).

        Args:
            seq: Change sequence number (>= 0).

        Raises:
            ValueError: when ``seq`` is negative.
            IndexBackendError: when the file cannot be written.
        """
        ...

    def close(self) -> None:
        """Release searchers and file handles; the backend is unusable afterwards."""
        ...


def read_last_seq(index_dir: Path) -> int:
    """Read the applied store sequence number kept in ``index_dir``.

    Args:
        index_dir: The index directory.

    Returns:
        The sequence number, or 0 when the file does not exist yet.

    Raises:
        IndexBackendError: when the file exists but is not ``{"last_seq": <int >= 0>}``.
    """
    path = index_dir / LAST_SEQ_FILENAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    except (OSError, ValueError) as exc:
        raise IndexBackendError(f"cannot read {path}: {exc}", index_dir) from exc
    seq = data.get("last_seq") if isinstance(data, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise IndexBackendError(f"{path}: bad last_seq {seq!r}", index_dir)
    return seq


def write_last_seq(index_dir: Path, seq: int) -> None:
    """Atomically write the applied store sequence number into ``index_dir``.

    Writes a temporary file in the same directory, fsyncs it, then ``os.replace``s it
    over :data:`LAST_SEQ_FILENAME`, so a reader sees the old or the new value, never a
    torn one.

    Args:
        index_dir: The index directory (must exist).
        seq: Change sequence number (>= 0).

    Raises:
        ValueError: when ``seq`` is negative or not an int.
        IndexBackendError: when the file cannot be written.
    """
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError(f"last_seq must be an int >= 0, got {seq!r}")
    path = index_dir / LAST_SEQ_FILENAME
    tmp_name: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=index_dir, prefix=".last_seq.", suffix=".tmp",
            delete=False,
        ) as tmp:
            tmp_name = tmp.name
            json.dump({"last_seq": seq}, tmp)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise IndexBackendError(f"cannot write {path}: {exc}", index_dir) from exc
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
