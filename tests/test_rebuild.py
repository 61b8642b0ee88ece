"""The index life cycle: atomic rebuild into a new generation, readers during a rebuild,
crashes mid-write, outdated schemas and the flat layout of older versions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester.record import Resource
from indexer import index_exists, open_backend, open_generation
from indexer.backend import IndexLockedError, IndexOutdatedError, SearchQuery
from indexer.layout import POINTER_FILENAME, active_dir, rebuild_lock
from indexer.lifecycle import rebuild_atomically, update_index
from search.service import SearchService
from search_corpus import real_resources

RECORDS = real_resources()[:60]


class ListStore:
    """A change log of records (seq = position + 1), with optional hooks per change."""

    def __init__(self, records, on_change=None) -> None:
        self.records = list(records)
        self.on_change = on_change

    def max_seq(self) -> int:
        return len(self.records)

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, Resource | None]]:
        for n, record in enumerate(self.records[seq:], start=seq + 1):
            if self.on_change:
                self.on_change(n)
            yield n, record.id, record


def generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir())


def test_rebuild_swaps_in_a_new_generation(tmp_path) -> None:
    root = tmp_path / "index"
    report, count = update_index(ListStore(RECORDS[:10]), root)
    first = active_dir(root)
    assert (report.upserted, count) == (10, 10)
    assert first.parent == root and first.name.startswith("gen-")

    report, count = update_index(ListStore(RECORDS), root, rebuild=True)
    second = active_dir(root)
    assert (report.upserted, report.last_seq, count) == (60, 60, 60)
    assert second != first
    assert generations(root) == sorted([first.name, second.name])  # previous kept once
    update_index(ListStore(RECORDS), root, rebuild=True)
    assert first.name not in generations(root) and len(generations(root)) == 2
    assert not list(root.glob(".CURRENT.*"))


def test_searches_keep_working_during_a_rebuild(tmp_path) -> None:
    root = tmp_path / "index"
    update_index(ListStore(RECORDS[:10]), root)
    service = SearchService(root)
    assert service.search(SearchQuery("*")).total == 10
    halfway, resume = threading.Event(), threading.Event()

    def pause(seq: int) -> None:
        if seq == 30:
            halfway.set()
            resume.wait(10)

    worker = threading.Thread(target=rebuild_atomically,
                              args=(ListStore(RECORDS, on_change=pause), root),
                              kwargs={"batch_size": 7})
    worker.start()
    try:
        assert halfway.wait(10)
        # the new generation has committed batches already; readers still see the old one
        assert service.search(SearchQuery("*")).total == 10
        with pytest.raises(IndexLockedError):
            rebuild_atomically(ListStore(RECORDS), root)  # one rebuild at a time
    finally:
        resume.set()
        worker.join(10)
    assert service.search(SearchQuery("*")).total == 60
    service.close()


def test_failed_rebuild_leaves_the_old_index(tmp_path) -> None:
    root = tmp_path / "index"
    update_index(ListStore(RECORDS[:10]), root)
    before = active_dir(root)

    def explode(seq: int) -> None:
        if seq == 25:
            raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        rebuild_atomically(ListStore(RECORDS, on_change=explode), root, batch_size=10)
    assert active_dir(root) == before
    assert generations(root) == [before.name]  # the partial generation was removed
    with open_backend(root, create=False) as backend:
        assert backend.count() == 10


_KILLED_REBUILD = """
import sys, time
sys.path.insert(0, {tests!r})
from search_corpus import real_resources
from indexer.lifecycle import rebuild_atomically
records = real_resources()[:60]
class Store:
    def max_seq(self): return len(records)
    def changes_since(self, seq):
        for n, r in enumerate(records, start=1):
            if n == 40:
                print("committed", flush=True)
                time.sleep(60)
            yield n, r.id, r
rebuild_atomically(Store(), {root!r}, batch_size=10)
"""


def test_killed_rebuild_leaves_an_index_that_opens(tmp_path) -> None:
    root = tmp_path / "index"
    update_index(ListStore(RECORDS[:10]), root)
    before = active_dir(root)
    code = _KILLED_REBUILD.format(tests=str(Path(__file__).parent), root=str(root))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).parents[1])
    try:
        assert proc.stdout.readline().strip() == "committed"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert len(generations(root)) == 2  # the half-built one is left behind…
    assert active_dir(root) == before
    with open_backend(root, create=False) as backend:
        assert backend.count() == 10
    with rebuild_lock(root):  # …the dead process's lock is gone with it
        pass
    update_index(ListStore(RECORDS), root, rebuild=True)  # …and cleared by the next rebuild
    assert len(generations(root)) == 2 and before.name in generations(root)


def test_outdated_schema_is_rebuilt(tmp_path) -> None:
    root = tmp_path / "index"
    update_index(ListStore(RECORDS[:5]), root)
    (active_dir(root) / "oer_schema.json").write_text(json.dumps({"schema_version": 1}))
    with pytest.raises(IndexOutdatedError):
        open_backend(root)
    report, count = update_index(ListStore(RECORDS[:5]), root)
    assert (report.upserted, count) == (5, 5)


def test_flat_layout_of_older_versions_is_read_then_replaced(tmp_path) -> None:
    root = tmp_path / "index"
    with open_generation(root) as flat:  # an index written directly in the root
        flat.upsert(RECORDS[:3])
    assert not (root / POINTER_FILENAME).exists() and index_exists(root)
    with open_backend(root, create=False) as backend:
        assert backend.count() == 3
    update_index(ListStore(RECORDS), root, rebuild=True)
    assert (root / POINTER_FILENAME).exists()
    assert not list(root.glob("*.toc")) and not list(root.glob("*.seg"))
    assert not list(root.glob("*.col")) and not list(root.glob("*.pst"))  # plain segments
    with open_backend(root, create=False) as backend:
        assert backend.count() == 60
