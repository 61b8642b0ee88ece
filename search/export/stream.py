"""From a search to export bytes: matching ids from the index, full records from the store.

The index says *which* records match (:meth:`search.service.SearchService.iter_ids`, streamed
without paging: deep paging is quadratic in Whoosh); the store, the source of
truth, gives each full record (:meth:`harvester.store.Store.get`). Records are read in
batches with the store opened and closed per batch (SQLite connections may not cross
threads), so the stream may be iterated from any thread (an HTTP response), and memory
stays flat whatever the list's length: 4 bytes per matching document number and one batch of
records at a time.

:func:`write_atomically` writes a file so that it is complete or absent: a temporary
file in the same directory, fsynced, then ``os.replace``; on any error the temporary file
is removed and the target is untouched.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from harvester.record import Resource
from harvester.store import Store
from indexer.backend import SearchQuery
from search.export import FORMATS, ExportFormat, Selection, export_chunks
from search.service import SearchService

__all__ = ["STORE_BATCH", "export_stream", "iter_resources", "write_atomically"]

#: Records read from the store per batch (one connection per batch).
STORE_BATCH = 500


def iter_resources(store_path: Path, record_ids: Iterable[str], *,
                   batch: int = STORE_BATCH) -> Iterator[Resource | None]:
    """The stored records of ``record_ids``, in order.

    Args:
        store_path: The SQLite store file (must exist).
        record_ids: Record ids, e.g. from the index.
        batch: Records read per connection.

    Yields:
        The record, or ``None`` for an id the store no longer has (deleted since indexed).
    """
    ids = iter(record_ids)
    while chunk := list(itertools.islice(ids, batch)):
        store = Store(store_path)
        try:
            records = [store.get(i) for i in chunk]
        finally:
            store.close()
        yield from records


def export_stream(index_dir: Path, store_path: Path, query: SearchQuery, fmt: str,
                  selection: Selection, *, summary: bool = True,
                  ids: Callable[[SearchQuery], Iterator[str]] | None = None,
                  ) -> tuple[ExportFormat, Iterator[bytes]]:
    """The format and the byte stream of an export of ``query``'s matches.

    Nothing is read until the iterator is consumed; read ``selection.summary()`` after.

    Args:
        index_dir: The index root.
        store_path: The store file.
        query: Text and index filters (``policy``/``allows`` belong in ``selection``).
        fmt: A :data:`search.export.FORMATS` name.
        selection: Licence rules and counters.
        summary: Write the licence summary at the end of the list.
        ids: Lists the ids matching a query, streamed; the HTTP service passes its
            :meth:`SearchService.iter_ids`. Default: a :class:`SearchService` of
            ``index_dir`` opened for this export and closed when the stream ends.

    Returns:
        ``(format, chunks)``; the media type is ``format.media_type``.

    Raises:
        ValueError: For an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    resources = iter_resources(Path(store_path), _hit_ids(Path(index_dir), query, ids))
    return FORMATS[fmt], export_chunks(resources, fmt, selection, summary=summary)


def _hit_ids(index_dir: Path, query: SearchQuery,
             ids: Callable[[SearchQuery], Iterator[str]] | None) -> Iterator[str]:
    """Ids of every hit; with no ``ids``, through a service opened and closed here."""
    service = None
    if ids is None:
        service = SearchService(index_dir)
        ids = service.iter_ids
    try:
        yield from ids(query)
    finally:
        if service is not None:
            service.close()


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def write_atomically(path: Path, chunks: Iterable[bytes]) -> int:
    """Write ``chunks`` to ``path``: all of it, or nothing.

    Args:
        path: The target file; its directory must exist and be writable.
        chunks: The bytes, consumed while writing.

    Returns:
        Bytes written.

    Raises:
        OSError: When the directory cannot hold a new file, a write fails (disk full)
            or the rename fails; the temporary file is removed and ``path`` untouched.
        Exception: Whatever ``chunks`` raises, after the same clean-up.
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    written = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                written += len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    return written
