"""Bring the index up to date with the record store's change log.

The store numbers every change (insert, update, deletion/withdrawal) with an
increasing sequence number; the index remembers the last one it applied
(:attr:`IndexBackend.last_seq`). Syncing applies the changes after it, batch by batch,
and records progress only after each batch is committed. Applying a change twice is
harmless (upsert replaces by id, deleting a missing id is a no-op), so a crash between
a commit and the progress write only causes some changes to be re-applied.

An index with no documents (a rebuild's fresh generation, a first harvest) is
**bulk-loaded** instead: nothing can need replacing, so live records go to
:meth:`IndexBackend.bulk_load` (no id look-ups, parallel workers for large loads)
:data:`BULK_BATCH_SIZE` changes per commit, and deletions are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from harvester.record import Resource
from indexer.backend import IndexBackend

#: Changes per commit of a bulk load (progress, ``last_seq``, is written after each).
BULK_BATCH_SIZE = 50_000


class ChangeSource(Protocol):
    """The part of the record store that syncing needs."""

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, Resource | None]]:
        """Changes with a sequence number above ``seq``, ascending (the store yields
        each record id once, its latest change: one row per record).

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


def sync_index(store: ChangeSource, backend: IndexBackend, *, batch_size: int = 500,
               bulk_batch_size: int = BULK_BATCH_SIZE) -> SyncReport:
    """Apply the store's changes after ``backend.last_seq`` to the index.

    Only changes up to ``store.max_seq()`` read at the start are applied (later ones
    are left for the next sync). Within a batch the last change of each record wins;
    live records are upserted and ``None`` ones deleted, then ``last_seq`` is set to
    the batch's last sequence number. An index with no documents is bulk-loaded
    (module docstring), ``bulk_batch_size`` changes per commit.

    Args:
        store: The change log.
        backend: The index to update.
        batch_size: Changes per commit of an index that has documents (>= 1).
        bulk_batch_size: Changes per commit of a bulk load (>= 1).

    Returns:
        Counts of this run and the sequence number now applied. When the store's
        ``max_seq()`` is not above the index's ``last_seq`` nothing is done (a store
        that was reset needs :func:`rebuild_index`).

    Raises:
        ValueError: when ``batch_size`` is below 1.
        indexer.backend.IndexLockedError: when another writer holds the index.
        indexer.backend.IndexBackendError: on other index failures.
    """
    if batch_size < 1 or bulk_batch_size < 1:
        raise ValueError(f"batch sizes must be >= 1, got {batch_size}, {bulk_batch_size}")
    start = backend.last_seq
    target = store.max_seq()
    upserted = deleted = 0
    if target <= start:
        return SyncReport(upserted=0, deleted=0, last_seq=start)
    if backend.count() == 0:
        # bulk_batch_size, not batch_size: a first harvest's index is filled in a few large
        # commits (500 per commit forked workers and merged segments 200 times per 100k)
        return _bulk_load(store, backend, start, target, bulk_batch_size)

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


#: Bits of the bulk load's "id seen" filter (16 MB): a record id seen before (or, rarely,
#: one hashing like another) is applied by upsert/delete after its window's commit.
SEEN_FILTER_BITS = 1 << 27


def _bulk_load(store: ChangeSource, backend: IndexBackend, start: int, target: int,
               batch_size: int) -> SyncReport:
    """Fill an index that has no documents: the live records of each ``batch_size``
    changes in one :meth:`~IndexBackend.bulk_load` (streamed, not held), then ``last_seq``.

    ``bulk_load`` must not see an id twice, and a change log may repeat one (the store's
    does not: one row per record): a record whose id hashes into the seen-filter is kept
    aside, last change winning, and upserted or deleted after the window's commit, so the
    result is the same as a plain sync's.
    """
    changes = store.changes_since(start)
    seen = bytearray(SEEN_FILTER_BITS // 8)
    upserted, deleted, last, ended = 0, 0, start, False

    def window(state: list[int], later: dict[str, Resource | None],
               added: set[str]) -> Iterator[Resource]:
        nonlocal ended
        for seq, record_id, resource in changes:
            if seq > target:
                break
            state[0], state[1] = seq, state[1] + 1
            bit = hash(record_id) & (SEEN_FILTER_BITS - 1)
            if seen[bit >> 3] & (1 << (bit & 7)):
                later.pop(record_id, None)
                later[record_id] = resource
            else:
                seen[bit >> 3] |= 1 << (bit & 7)
                if resource is not None:  # a deletion: nothing to remove from an empty index
                    added.add(record_id)
                    yield resource
            if state[1] >= batch_size:
                return
        ended = True

    while not ended:
        state, later, added = [last, 0], {}, set()  # seq, changes read; repeats; ids added
        upserted += backend.bulk_load(window(state, later, added),
                                      size_hint=min(batch_size, target - last))
        live = [r for r in later.values() if r is not None]
        if live:  # counted once per window, as a sync counts a batch's records
            upserted += backend.upsert(live) - sum(r.id in added for r in live)
        gone = [rid for rid, r in later.items() if r is None]
        if gone:
            deleted += backend.delete(gone)
        if state[1]:
            last = state[0]
            backend.set_last_seq(last)
    if last < target:
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
        batch_size: Changes per commit of an index that has documents (>= 1).

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
