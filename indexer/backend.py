"""The search-index backend interface, its query/result values and its errors.

The index is derived data: everything in it can be rebuilt from the record store
(:func:`indexer.sync.rebuild_index`). This module names what any engine must offer;
one module per engine implements it (``indexer/whoosh_backend.py`` today). Nothing
here imports an engine, so callers that only hold an :class:`IndexBackend` stay
engine-free.

Error tree::

    IndexBackendError              any failure of the index backend
    ├── IndexLockedError           another writer holds the index's write lock
    └── IndexNotFoundError         no index in the directory (and creation not asked)
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from harvester.record import Resource

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


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """One search request.

    Attributes:
        text: Free-text query in the engine's query syntax (words are ANDed; quotes,
            ``OR``, ``NOT`` and ``field:value`` are understood). ``"*"`` or an empty /
            blank string matches every document.
        licences: Licence ids to allow (``"CC-BY-4.0"``, ``"unknown"``…), ORed together;
            empty means no licence filter. Matched case-insensitively.
        language: BCP 47 tag to filter on, case-insensitive; a primary subtag
            (``"en"``) also matches its regional forms (``"en-US"``). ``None``: no filter.
        limit: Maximum number of hits to return (>= 1).

    Raises:
        ValueError: when ``limit`` is below 1.
    """

    text: str
    licences: tuple[str, ...] = ()
    language: str | None = None
    limit: int = 10

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError(f"limit must be >= 1, got {self.limit}")


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
            one result).
    """

    id: str
    title: str
    url: str | None
    license_id: str
    license_url: str | None
    language: tuple[str, ...]
    source: str
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The answer to a :class:`SearchQuery`.

    Attributes:
        total: Number of documents matching query and filters (all of them, not just
            the returned page).
        hits: At most ``limit`` hits, best score first.
    """

    total: int
    hits: tuple[Hit, ...]


@runtime_checkable
class IndexBackend(Protocol):
    """What a search-index engine offers the indexer and the search service.

    A backend owns one index directory. Writes (``upsert``, ``delete``, ``clear``)
    commit before returning; searches see every committed write.
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
            query: Text, filters and page size.

        Returns:
            The full match count and the best ``query.limit`` hits.

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
