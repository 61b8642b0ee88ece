"""Where the index lives on disk, and the atomic swap of a rebuilt index.

Layout of the index root (``$OER_HOME/index``)::

    index/
      CURRENT            name of the active generation, e.g. "gen-20260101T120000-ab12cd"
      gen-…/             one complete index (engine files + last_seq.json)
      gen-…/             the previous one, kept until the next swap (open readers)
      REBUILD.lock       held (flock) while a rebuild runs

A rebuild writes a new generation directory; only when it is complete and closed is
``CURRENT`` replaced (temporary file, fsync, ``os.replace``, fsync of the directory).
A crash before that leaves ``CURRENT`` naming the old, complete index; the half-built
directory is removed by the next rebuild. Readers resolve ``CURRENT`` when they open
and notice a swap by re-reading it (:func:`active_dir`). An index written by an older
version directly in the root (no ``CURRENT``) is still opened, and replaced by the first
rebuild.

Engine-free: nothing here imports the engine.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from indexer.backend import IndexBackendError, IndexLockedError

POINTER_FILENAME = "CURRENT"
LOCK_FILENAME = "REBUILD.lock"
GEN_PREFIX = "gen-"
_GEN_RE = re.compile(r"^gen-[A-Za-z0-9_-]+$")

try:  # POSIX advisory locks; elsewhere rebuilds are not guarded against each other
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def active_dir(root: Path) -> Path:
    """The directory of the active index under ``root``.

    Args:
        root: The index root.

    Returns:
        ``root / <CURRENT>`` when the pointer exists, else ``root`` itself (an index of
        the flat layout, or none yet).

    Raises:
        IndexBackendError: when ``CURRENT`` names something that is not a generation.
    """
    try:
        name = (root / POINTER_FILENAME).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return root
    except OSError as exc:
        raise IndexBackendError(f"cannot read {root / POINTER_FILENAME}: {exc}", root) from exc
    if not _GEN_RE.match(name):
        raise IndexBackendError(f"{root / POINTER_FILENAME}: bad generation {name!r}", root)
    return root / name


def new_generation(root: Path) -> Path:
    """Create and return an empty, uniquely named generation directory under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return Path(tempfile.mkdtemp(prefix=f"{GEN_PREFIX}{stamp}-", dir=root))


def _fsync_dir(path: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def activate(root: Path, generation: Path) -> None:
    """Make ``generation`` the active index, atomically.

    Args:
        root: The index root.
        generation: A complete, closed index directory directly under ``root``.

    Raises:
        ValueError: when ``generation`` is not a generation directory of ``root``.
        IndexBackendError: when the pointer cannot be written.
    """
    if generation.parent != root or not _GEN_RE.match(generation.name):
        raise ValueError(f"{generation} is not a generation directory of {root}")
    tmp_name = None
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=root, prefix=".CURRENT.",
                                         suffix=".tmp", delete=False) as tmp:
            tmp_name = tmp.name
            tmp.write(generation.name + "\n")
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, root / POINTER_FILENAME)
        tmp_name = None
        _fsync_dir(root)
    except OSError as exc:
        raise IndexBackendError(f"cannot switch index to {generation}: {exc}", root) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def remove_stale(root: Path, *, keep: tuple[Path, ...] = ()) -> list[Path]:
    """Remove generations other than the active one and ``keep``, and flat-layout files.

    Call it only while holding :func:`rebuild_lock` (a generation being built by another
    rebuild would look stale).

    Args:
        root: The index root.
        keep: Generation directories to keep too (the one just replaced).

    Returns:
        The paths removed.
    """
    active = active_dir(root)
    removed: list[Path] = []
    if active == root:
        return removed
    for path in root.iterdir():
        if path == active or path in keep or path.name in (POINTER_FILENAME, LOCK_FILENAME):
            continue
        if path.is_dir() and _GEN_RE.match(path.name):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        elif path.is_file() and (path.suffix in (".toc", ".seg", ".pst", ".trm", ".fdt",
                                                 ".fnm", ".lnm", ".vpst", ".dci", ".dcz",
                                                 ".col")  # .col: plain segment files
                                 or path.name in ("last_seq.json", "MAIN_WRITELOCK")):
            with contextlib.suppress(OSError):  # files of the flat layout
                path.unlink()
                removed.append(path)
    return removed


@contextlib.contextmanager
def rebuild_lock(root: Path) -> Iterator[None]:
    """Hold the index root's rebuild lock (one rebuild at a time).

    Raises:
        IndexLockedError: when another process is rebuilding.
    """
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILENAME, "a+b") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                raise IndexLockedError(f"another rebuild of {root} is running", root) from exc
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
