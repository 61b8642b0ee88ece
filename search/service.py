"""Search the index from code or the CLI without naming the engine.

Engine-free: the backend comes from :func:`indexer.open_backend`.
"""

from __future__ import annotations

from pathlib import Path

from indexer import index_exists as _index_exists
from indexer import open_backend
from indexer.backend import SearchQuery, SearchResult

__all__ = ["search", "index_exists", "SearchQuery", "SearchResult"]


def index_exists(index_dir: Path) -> bool:
    """True when ``index_dir`` holds a search index.

    Args:
        index_dir: The index directory (need not exist).
    """
    return _index_exists(Path(index_dir))


def search(index_dir: Path, query: SearchQuery) -> SearchResult:
    """Open the index read-only, run one query and close it.

    Args:
        index_dir: The index directory.
        query: Text, filters and page size.

    Returns:
        The exact total match count and the best ``query.limit`` hits.

    Raises:
        indexer.backend.IndexNotFoundError: when ``index_dir`` holds no index (it is
            not created).
        indexer.backend.IndexBackendError: on other index failures.
    """
    backend = open_backend(Path(index_dir), create=False)
    try:
        return backend.search(query)
    finally:
        backend.close()
