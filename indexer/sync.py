"""Bring the index up to date with the record store's change log.

The store numbers every change (insert, update, deletion/withdrawal) with an
increasing sequence number; the index remembers the last one it applied
(:attr:`IndexBackend.last_seq`). Syncing applies the changes after it, batch by batch,
and records progress only after each batch is committed. Applying a change twice is
harmless (upsert replaces by id, deleting a missing id is a no-op), so a crash between
a commit and the progress write only causes some changes to be re-applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from harvester.record import Resource
from indexer.backend import IndexBackend


class ChangeSource(Protocol):
    """The part of the record store that syncing needs."""

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, Resource | None]]:
        """Changes with a sequence number above ``seq``, ascending.

        Yields:
            ``(change_seq, record_id, resource)``: ``resource`` is the record's current
            state, or ``None`` when it is deleted or withdrawn.
        """
        ...

    def max_seq(self) -> int:
        """The highest change sequence number committed (0 when none)."""
        ...


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync did.

    Attributes:
        upserted: Records written (added or replaced) in the index.
        deleted: Documents removed from the index.
        last_seq: The store sequence number the index now reflects.
    """

    upserted: int
    deleted: int
    last_seq: int


def sync_index(store: ChangeSource, backend: IndexBackend, *, batch_size: int = 500) -> SyncReport:
    """Apply the store's changes after ``backend.last_seq`` to the index.

    Only changes up to ``store.max_seq()`` read at the start are applied (later ones
    are left for the next sync). Within a batch the last change of each record wins;
    live records are upserted and ``None`` ones deleted, then ``last_seq`` is set to
    the batch's last sequence number.

    Args:
        store: The change log.
        backend: The index to update.
        batch_size: Changes per commit (>= 1).

    Returns:
        Counts of this run and the sequence number now applied. When the store's
        ``max_seq()`` is not above the index's ``last_seq`` nothing is done (a store
        that was reset needs :func:`rebuild_index`).

    Raises:
        ValueError: when ``batch_size`` is below 1.
        indexer.backend.IndexLockedError: when another writer holds the index.
        indexer.backend.IndexBackendError: on other index failures.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    start = backend.last_seq
    target = store.max_seq()
    upserted = deleted = 0
    if target <= start:
        return SyncReport(upserted=0, deleted=0, last_seq=start)

    batch: dict[str, Resource | None] = {}
    batch_seq = start
    pending = 0

    def flush() -> None:
        nonlocal upserted, deleted, pending
        live = [r for r in batch.values() if r is not None]
        gone = [rid for rid, r in batch.items() if r is None]
        if live:
            upserted += backend.upsert(live)
        if gone:
            deleted += backend.delete(gone)
        backend.set_last_seq(batch_seq)
        batch.clear()
        pending = 0

    for seq, record_id, resource in store.changes_since(start):
        if seq > target:
            break
        batch.pop(record_id, None)
        batch[record_id] = resource
        batch_seq = seq
        pending += 1
        if pending >= batch_size:
            flush()
    if pending:
        flush()
    if batch_seq < target:
        # Sequence numbers up to target with no change left (e.g. superseded rows).
        backend.set_last_seq(target)
    return SyncReport(upserted=upserted, deleted=deleted, last_seq=target)


def rebuild_index(store: ChangeSource, backend: IndexBackend, *, batch_size: int = 500) -> SyncReport:
    """Empty the index and re-apply the store's whole change log.

    Note: this clears in place, so searches during the rebuild see a partial index;
    :func:`indexer.lifecycle.rebuild_atomically` (``oer index --rebuild``) builds a new
    generation and swaps it in instead.

    Args:
        store: The change log.
        backend: The index to rebuild.
        batch_size: Changes per commit (>= 1).

    Returns:
        The report of the full sync (``deleted`` counts only documents removed by
        deletions in the log, so it is 0 after a clear).

    Raises:
        ValueError: when ``batch_size`` is below 1.
        indexer.backend.IndexLockedError: when another writer holds the index.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    backend.clear()
    backend.set_last_seq(0)
    return sync_index(store, backend, batch_size=batch_size)
