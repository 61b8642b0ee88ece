"""Tests of store → index syncing and of the engine-free search service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester.record import LangString, Licence, Resource
from indexer import open_backend
from indexer.backend import IndexNotFoundError, SearchQuery
from indexer.sync import SyncReport, rebuild_index, sync_index
from search.service import index_exists, search

CC_BY_SA_IGO = Licence("CC-BY-SA-3.0-IGO", "https://creativecommons.org/licenses/by-sa/3.0/igo/")
CC_BY_4 = Licence("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/")


def res(n: int, title: str, *, lang: str = "en", licence: Licence = CC_BY_4) -> Resource:
    oai_id = f"oai:oercommons:{n}"
    return Resource(
        id=f"oercommons:{oai_id}", source="oercommons", oai_identifier=oai_id,
        datestamp="2024-01-15T10:00:00Z", title=(LangString(title, lang),),
        language=(lang,), license=licence, url=f"https://oercommons.org/courses/{n}",
    )


class FakeStore:
    """An in-memory change log honouring the sync protocol (current state per id)."""

    def __init__(self) -> None:
        self._log: list[tuple[int, str]] = []  # (seq, record id), ascending
        self._current: dict[str, Resource | None] = {}
        self.calls: list[int] = []

    def put(self, resource: Resource) -> None:
        self._current[resource.id] = resource
        self._log.append((len(self._log) + 1, resource.id))

    def remove(self, record_id: str) -> None:
        self._current[record_id] = None
        self._log.append((len(self._log) + 1, record_id))

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, Resource | None]]:
        self.calls.append(seq)
        for change_seq, record_id in self._log:
            if change_seq > seq:
                yield change_seq, record_id, self._current[record_id]

    def max_seq(self) -> int:
        return self._log[-1][0] if self._log else 0


ALGEBRA = res(1, "Introduction to algebra")
BIOLOGY = res(2, "Open biology textbook", licence=CC_BY_SA_IGO)
CHIMIE = res(3, "Chimie générale", lang="fr-CA")
PHYSICS = res(4, "College physics")
PHYSICS_V2 = res(4, "College physics, second edition")


@pytest.fixture
def store() -> FakeStore:
    s = FakeStore()
    for r in (ALGEBRA, BIOLOGY, CHIMIE, PHYSICS):
        s.put(r)                      # seq 1-4
    s.remove(BIOLOGY.id)              # seq 5: withdrawn
    s.put(PHYSICS_V2)                 # seq 6: updated
    return s


def test_sync_applies_upserts_and_deletions(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    store = FakeStore()
    for r in (ALGEBRA, BIOLOGY, CHIMIE, PHYSICS):
        store.put(r)                                      # seq 1-4
    with open_backend(index_dir) as backend:
        assert sync_index(store, backend, batch_size=3) == SyncReport(4, 0, 4)
        assert search(index_dir, SearchQuery("biology")).total == 1
        store.remove(BIOLOGY.id)                          # seq 5: withdrawn
        store.put(PHYSICS_V2)                             # seq 6: updated
        report = sync_index(store, backend, batch_size=1)
        assert backend.count() == 3
        assert backend.last_seq == 6
    assert report == SyncReport(upserted=1, deleted=1, last_seq=6)

    assert search(index_dir, SearchQuery("biology")).total == 0
    physics = search(index_dir, SearchQuery("physics"))
    assert physics.total == 1
    assert physics.hits[0].title == "College physics, second edition"
    assert physics.hits[0].url == "https://oercommons.org/courses/4"
    chimie = search(index_dir, SearchQuery("chimie generale", language="fr"))
    assert [h.id for h in chimie.hits] == [CHIMIE.id]
    assert chimie.hits[0].language == ("fr-CA",)
    everything = search(index_dir, SearchQuery("*", licences=("CC-BY-4.0",), limit=1))
    assert everything.total == 3
    assert len(everything.hits) == 1


def test_changes_yield_current_state(tmp_path: Path, store: FakeStore) -> None:
    # batches {1,2} {3,4} {5,6}; seq 2 already yields BIOLOGY's current state (None)
    with open_backend(tmp_path / "index") as backend:
        report = sync_index(store, backend, batch_size=2, bulk_batch_size=2)
        assert backend.count() == 3
    assert report == SyncReport(upserted=4, deleted=0, last_seq=6)


def test_empty_index_is_filled_in_bulk_windows_not_sync_batches(tmp_path: Path,
                                                                store: FakeStore) -> None:
    """A first harvest syncs with ``batch_size=500``; an empty index must still be
    bulk-loaded in ``bulk_batch_size`` windows (500 per commit forked the index workers
    and merged segments 200 times per 100k records)."""
    with open_backend(tmp_path / "index") as backend:
        loads: list[int] = []
        original = backend.bulk_load

        def counting(resources, **kwargs):
            loads.append(kwargs.get("size_hint"))
            return original(resources, **kwargs)

        backend.bulk_load = counting
        report = sync_index(store, backend, batch_size=2)
        assert loads == [6]  # one window, sized for the 6 changes
        assert backend.count() == 3
    assert report == SyncReport(upserted=3, deleted=0, last_seq=6)


def test_single_batch_keeps_last_change_per_record(tmp_path: Path, store: FakeStore) -> None:
    with open_backend(tmp_path / "index") as backend:
        report = sync_index(store, backend)  # one batch: BIOLOGY's put and removal merge
        assert backend.count() == 3
    assert report == SyncReport(upserted=3, deleted=0, last_seq=6)


def test_incremental_sync_reads_only_new_changes(tmp_path: Path, store: FakeStore) -> None:
    with open_backend(tmp_path / "index") as backend:
        sync_index(store, backend)
        store.remove(ALGEBRA.id)                                     # seq 7
        store.put(res(5, "Statistics for the social sciences"))     # seq 8
        report = sync_index(store, backend)
        assert store.calls == [0, 6]
        assert report == SyncReport(upserted=1, deleted=1, last_seq=8)
        assert backend.count() == 3
        # nothing new: no changes read, nothing written
        assert sync_index(store, backend) == SyncReport(upserted=0, deleted=0, last_seq=8)
        assert store.calls == [0, 6]


def test_reapplying_changes_is_harmless(tmp_path: Path, store: FakeStore) -> None:
    """A crash between commit and set_last_seq makes the next sync replay changes."""
    with open_backend(tmp_path / "index") as backend:
        sync_index(store, backend, batch_size=2)
        backend.set_last_seq(0)          # as if progress had never been recorded
        report = sync_index(store, backend, batch_size=2)
        assert report.last_seq == 6
        assert report.deleted == 0       # BIOLOGY was already gone
        assert backend.count() == 3
        assert backend.search(SearchQuery("physics")).total == 1


def test_rebuild_gives_same_count(tmp_path: Path, store: FakeStore) -> None:
    index_dir = tmp_path / "index"
    with open_backend(index_dir) as backend:
        sync_index(store, backend, batch_size=2)
        before = backend.count()
        backend.delete([ALGEBRA.id])     # drift the derived index from the store
        assert backend.count() == before - 1
        report = rebuild_index(store, backend, batch_size=2)
        assert backend.count() == before == 3
    assert report.last_seq == 6
    assert search(index_dir, SearchQuery("algebra")).total == 1


def test_sync_rejects_bad_batch_size(tmp_path: Path, store: FakeStore) -> None:
    with open_backend(tmp_path / "index") as backend, pytest.raises(ValueError):
        sync_index(store, backend, batch_size=0)


def test_service_does_not_create_missing_index(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert not index_exists(missing)
    with pytest.raises(IndexNotFoundError):
        search(missing, SearchQuery("algebra"))
    assert not missing.exists()


def test_empty_store_sync(tmp_path: Path) -> None:
    with open_backend(tmp_path / "index") as backend:
        assert sync_index(FakeStore(), backend) == SyncReport(0, 0, 0)
        assert backend.count() == 0
    assert index_exists(tmp_path / "index")
