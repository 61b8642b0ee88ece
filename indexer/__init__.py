"""The search index: derived from the record store, rebuildable at any time.

Public surface:

* :mod:`indexer.backend` — the :class:`~indexer.backend.IndexBackend` interface, the
  query/result values and the error tree (no engine imports);
* :func:`open_backend` / :func:`index_exists` — the one place that names the engine;
* :mod:`indexer.sync` — :func:`~indexer.sync.sync_index` and
  :func:`~indexer.sync.rebuild_index` (store → index).

The engine module is imported lazily, so importing :mod:`indexer.backend` or
:mod:`indexer.sync` does not load Whoosh.
"""

from __future__ import annotations

from pathlib import Path

from indexer.backend import IndexBackend

__all__ = ["open_backend", "index_exists"]


def open_backend(
    index_dir: Path, *, create: bool = True, lock_timeout_s: float | None = None
) -> IndexBackend:
    """Open (or create) the index in ``index_dir`` with the configured engine.

    Args:
        index_dir: The index directory.
        create: When False, raise instead of creating a missing index.
        lock_timeout_s: Seconds a write waits for another writer's lock;
            ``None`` for the engine's default.

    Returns:
        An open backend; call ``close()`` when done.

    Raises:
        indexer.backend.IndexNotFoundError: when ``create`` is False and there is no index.
        indexer.backend.IndexBackendError: when the index cannot be opened.
    """
    from indexer.whoosh_backend import DEFAULT_LOCK_TIMEOUT_S, WhooshBackend

    return WhooshBackend(
        Path(index_dir),
        create=create,
        lock_timeout_s=DEFAULT_LOCK_TIMEOUT_S if lock_timeout_s is None else lock_timeout_s,
    )


def index_exists(index_dir: Path) -> bool:
    """True when ``index_dir`` holds an index of the configured engine."""
    from indexer.whoosh_backend import WhooshBackend

    return WhooshBackend.exists(Path(index_dir))
