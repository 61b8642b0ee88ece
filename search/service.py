"""Search the index from code, the CLI or the HTTP service without naming the engine.

Engine-free: backends come from :func:`indexer.open_backend`. :func:`search` opens the
index for one query (the CLI); :class:`SearchService` keeps it open for many (the HTTP
service) and reopens it when ``oer index --rebuild`` swapped in a new generation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indexer import index_exists as _index_exists
from indexer import open_backend
from indexer.backend import IndexBackend, IndexNotFoundError, SearchQuery, SearchResult
from indexer.layout import active_dir

__all__ = ["search", "index_exists", "result_to_json", "SearchService",
           "SearchQuery", "SearchResult"]


def index_exists(index_dir: Path) -> bool:
    """True when the index root ``index_dir`` holds a search index (it need not exist)."""
    return _index_exists(Path(index_dir))


def search(index_dir: Path, query: SearchQuery) -> SearchResult:
    """Open the index read-only, run one query and close it.

    Args:
        index_dir: The index root.
        query: Text, filters, sort, page.

    Returns:
        The result.

    Raises:
        indexer.backend.IndexNotFoundError: when ``index_dir`` holds no index (it is
            not created).
        indexer.backend.IndexOutdatedError: when the index must be rebuilt.
        indexer.backend.IndexBackendError: on other index failures.
    """
    backend = open_backend(Path(index_dir), create=False)
    try:
        return backend.search(query)
    finally:
        backend.close()


class SearchService:
    """A long-lived, thread-safe searcher over the index root ``index_dir``.

    Each search checks which generation is active (one small file read) and reopens
    the backend after a rebuild's swap; commits into the same generation are seen by
    the backend itself.

    Args:
        index_dir: The index root.
    """

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._backend: IndexBackend | None = None
        self._active: Path | None = None

    def _current(self) -> IndexBackend:
        active = active_dir(self.index_dir)
        if self._backend is None or active != self._active:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
            if not index_exists(self.index_dir):
                raise IndexNotFoundError(f"no index in {self.index_dir}", self.index_dir)
            self._backend = open_backend(self.index_dir, create=False)
            self._active = active
        return self._backend

    def search(self, query: SearchQuery) -> SearchResult:
        """Run one query (serialised: Whoosh searchers are not shared between threads).

        Raises:
            indexer.backend.IndexNotFoundError: when there is no index yet.
            indexer.backend.IndexBackendError: on other index failures.
        """
        with self._lock:
            return self._current().search(query)

    def iter_ids(self, query: SearchQuery) -> Iterator[str]:
        """Every matching record id, streamed (see :meth:`IndexBackend.iter_ids`).

        Raises:
            indexer.backend.IndexNotFoundError: when there is no index yet.
        """
        with self._lock:
            backend = self._current()
        return backend.iter_ids(query)

    def close(self) -> None:
        """Close the backend."""
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None


def result_to_json(result: SearchResult, *, facets: bool = True) -> dict[str, Any]:
    """The JSON shape of a result shared by ``oer search --format json`` and the HTTP API.

    Args:
        result: The result.
        facets: Include ``"facets"``.

    Returns:
        ``{"total", "page", "pages", "page_size", "suggestion", "hits": [{"id",
        "title", "url", "license": {"id", "url"}, "language" (first tag or null),
        "languages", "source", "score", "date", "types", "snippet": [{"text",
        "match"}]}], "facets"?: {name: [{"value", "count", "selected"}]}}``.
    """
    data: dict[str, Any] = {
        "total": result.total, "page": result.page, "pages": result.pages,
        "page_size": result.page_size, "suggestion": result.suggestion,
        "hits": [{
            "id": h.id, "title": h.title, "url": h.url,
            "license": {"id": h.license_id, "url": h.license_url},
            "language": h.language[0] if h.language else None, "languages": list(h.language),
            "source": h.source, "score": round(h.score, 4), "date": h.date,
            "types": list(h.types),
            "snippet": [{"text": text, "match": match} for text, match in h.snippet],
        } for h in result.hits],
    }
    if facets:
        data["facets"] = {name: [{"value": v.value, "count": v.count, "selected": v.selected}
                                 for v in values] for name, values in result.facets.items()}
    return data
