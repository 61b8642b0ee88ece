"""The search index: derived from the record store, rebuildable at any time.

Public surface:

* :mod:`indexer.backend` — the :class:`~indexer.backend.IndexBackend` interface, the
  query/result values and the error tree (no engine imports);
* :func:`open_backend` / :func:`open_generation` / :func:`index_exists` — the one place
  that names the engine;
* :mod:`indexer.sync` — :func:`~indexer.sync.sync_index` and
  :func:`~indexer.sync.rebuild_index` (store → index);
* :mod:`indexer.lifecycle` — :func:`~indexer.lifecycle.update_index` and the atomic
  rebuild; :mod:`indexer.layout` — generations and the ``CURRENT`` pointer.

The engine module is imported lazily, so importing :mod:`indexer.backend` or
:mod:`indexer.sync` does not load Whoosh.
"""

from __future__ import annotations

from pathlib import Path

from indexer.backend import IndexBackend

__all__ = ["open_backend", "open_generation", "index_exists"]


def open_generation(
    directory: Path, *, create: bool = True, lock_timeout_s: float | None = None
) -> IndexBackend:
    """Open (or create) the engine's index in exactly ``directory`` (no ``CURRENT``).

    Args:
        directory: A generation directory (or any directory for a standalone index).
        create: When False, raise instead of creating a missing index.
        lock_timeout_s: Seconds a write waits for another writer's lock;
            ``None`` for the engine's default.

    Returns:
        An open backend; call ``close()`` when done.

    Raises:
        indexer.backend.IndexNotFoundError: when ``create`` is False and there is no index.
        indexer.backend.IndexOutdatedError: when the index has another schema version.
        indexer.backend.IndexBackendError: when the index cannot be opened.
    """
    from indexer.whoosh_backend import DEFAULT_LOCK_TIMEOUT_S, WhooshBackend

    return WhooshBackend(
        Path(directory),
        create=create,
        lock_timeout_s=DEFAULT_LOCK_TIMEOUT_S if lock_timeout_s is None else lock_timeout_s,
    )


def open_backend(
    index_dir: Path, *, create: bool = True, lock_timeout_s: float | None = None
) -> IndexBackend:
    """Open the active index under the index root ``index_dir`` (or create one).

    The active index is the generation named by ``index_dir/CURRENT``
    (:mod:`indexer.layout`), or ``index_dir`` itself for an index of the flat layout. A
    new index is created as a first generation and activated.

    Args:
        index_dir: The index root (``$OER_HOME/index``).
        create: When False, raise instead of creating a missing index.
        lock_timeout_s: Seconds a write waits for another writer's lock;
            ``None`` for the engine's default.

    Returns:
        An open backend (its ``index_dir`` is the generation directory); call
        ``close()`` when done.

    Raises:
        indexer.backend.IndexNotFoundError: when ``create`` is False and there is no index.
        indexer.backend.IndexOutdatedError: when the index has another schema version.
        indexer.backend.IndexBackendError: when the index cannot be opened.
    """
    from indexer.layout import activate, active_dir, new_generation

    root = Path(index_dir)
    active = active_dir(root)
    if create and not index_exists(root):
        generation = new_generation(root)
        open_generation(generation).close()
        activate(root, generation)
        active = generation
    return open_generation(active, create=False, lock_timeout_s=lock_timeout_s)


def index_exists(index_dir: Path) -> bool:
    """True when the index root ``index_dir`` has an active index of the configured engine."""
    from indexer.layout import active_dir
    from indexer.whoosh_backend import WhooshBackend

    root = Path(index_dir)
    return root.is_dir() and WhooshBackend.exists(active_dir(root))
