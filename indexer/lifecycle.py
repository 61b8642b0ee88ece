"""The index's life cycle: open the active index, bring it up to date, rebuild it atomically.

``oer harvest`` and ``oer index`` call :func:`update_index`; ``oer index --rebuild``
calls it with ``rebuild=True``. A rebuild never touches the active index: it fills a
new generation directory from the store and swaps it in (:mod:`indexer.layout`), so
searches keep answering from the old index until the new one is complete.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from indexer import open_backend, open_generation
from indexer.backend import IndexOutdatedError
from indexer.layout import activate, active_dir, new_generation, rebuild_lock, remove_stale
from indexer.sync import BULK_BATCH_SIZE, ChangeSource, SyncReport, sync_index


#: Changes per commit of a rebuild (a bulk load of the fresh generation,
#: :func:`indexer.sync.sync_index`): fewer, larger segments build faster than a sync's 500.
REBUILD_BATCH_SIZE = BULK_BATCH_SIZE


def rebuild_atomically(store: ChangeSource, root: Path, *,
                       batch_size: int = REBUILD_BATCH_SIZE) -> SyncReport:
    """Build a complete new index from the store's change log, then swap it in.

    Args:
        store: The change log.
        root: The index root (``$OER_HOME/index``).
        batch_size: Changes per commit (>= 1).

    Returns:
        The report of the full sync into the new generation.

    Raises:
        indexer.backend.IndexLockedError: when another rebuild is running.
        indexer.backend.IndexBackendError: on index failures (the active index is left
            as it was, and the partial generation is removed).
    """
    root = Path(root)
    with rebuild_lock(root):
        previous = active_dir(root)
        generation = new_generation(root)
        try:
            backend = open_generation(generation)
            try:
                report = sync_index(store, backend, batch_size=batch_size,
                                    bulk_batch_size=batch_size)
            finally:
                backend.close()
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        activate(root, generation)
        remove_stale(root, keep=(previous,) if previous != root else ())
    return report


def update_index(store: ChangeSource, root: Path, *, rebuild: bool = False,
                 batch_size: int = 500) -> tuple[SyncReport, int]:
    """Apply the store's new changes to the active index, or rebuild it.

    An index built with an older schema (:class:`IndexOutdatedError`) is rebuilt.

    Args:
        store: The change log.
        root: The index root.
        rebuild: True to rebuild from the whole log (atomic swap).
        batch_size: Changes per commit of a sync (a rebuild commits at least
            :data:`REBUILD_BATCH_SIZE` at a time).

    Returns:
        ``(report, documents)``: what was done, and the number of documents now in
        the active index.

    Raises:
        indexer.backend.IndexLockedError: when another writer or rebuild holds the index.
        indexer.backend.IndexBackendError: on other index failures.
    """
    root = Path(root)
    if not rebuild:
        try:
            backend = open_backend(root)
        except IndexOutdatedError:
            rebuild = True
        else:
            try:
                return sync_index(store, backend, batch_size=batch_size), backend.count()
            finally:
                backend.close()
    report = rebuild_atomically(store, root, batch_size=max(batch_size, REBUILD_BATCH_SIZE))
    backend = open_backend(root, create=False)
    try:
        return report, backend.count()
    finally:
        backend.close()
